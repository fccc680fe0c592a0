//! Creating accounts and checking passwords.

use crate::domain::account::{self, NewAccount};
use crate::domain::validation::FieldErrors;
use crate::dto::AppError;
use crate::server::auth::{Credentials, Users};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::{self, DbConn, Pool, sessions, users};
use crate::server::password;
use axum_login::AuthnBackend as _;

/// Registers a customer. A taken email (in any letter case) is a field error, not a crash.
/// `source_partner` is the florist whose booking link they came from: recorded once, here, if
/// still an active delivery florist.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    first_name: &str,
    last_name: &str,
    source_partner: Option<i64>,
) -> Result<i64, AppError> {
    let new = account::validate_signup(email, password, first_name, last_name)
        .map_err(AppError::Invalid)?;
    let mut tx = state.db.begin().await?;
    let id = create_account(&mut tx, &new, false, chrono::Utc::now()).await?;
    if let Some(partner_id) = source_partner
        && db::florists::active_florist_name(&mut *tx, partner_id)
            .await?
            .is_some()
    {
        users::set_source_partner(&mut tx, id, partner_id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Stores a validated account, created at `now` (on `conn`, so it can be part of a transaction).
pub async fn create_account(
    conn: &mut DbConn,
    new: &NewAccount,
    is_admin: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, AppError> {
    let hash = password::hash(new.password.clone()).await?;
    // The address of the request being served (none from the CLI): a risk signal for referrals.
    let ip = crate::server::context::client_ip();
    let user = users::NewUser {
        email: &new.email,
        password_hash: &hash,
        first_name: &new.first_name,
        last_name: &new.last_name,
        is_admin,
        signup_ip: ip.as_deref(),
    };
    match users::insert(conn, &user, now).await {
        Ok(id) => Ok(id),
        Err(e) if db::is_unique_violation(&e) => Err(AppError::field(
            "email",
            "An account with this email already exists. Log in instead, or use another email.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The user whose email and password match, or [`AppError::BadCredentials`] (same answer and
/// roughly the same time whether the email is unknown or the password is wrong).
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let email =
        account::normalize_email(email).map_err(|message| AppError::field("email", message))?;
    let credentials = Credentials {
        email,
        password: password.to_owned(),
    };
    Users::new(state.db.clone())
        .authenticate(credentials)
        .await?
        .ok_or(AppError::BadCredentials)
}

/// Changes the signed-in user's password after checking the current one, and ends every session
/// of theirs (the caller signs the current one in again with a new id). A wrong current password
/// is a field error and changes nothing.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let matches = Users::new(state.db.clone())
        .authenticate(Credentials {
            email: user.email.clone(),
            password: current.to_owned(),
        })
        .await?
        .is_some_and(|found| found.id == user.id);
    if !matches {
        errors.add("current_password", "That is not your current password.");
    }
    if errors
        .check("new_password", account::check_password(new))
        .is_some()
        && new == current
    {
        errors.add(
            "new_password",
            "Choose a password different from your current one.",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors.into_vec()));
    }
    let hash = password::hash(new.to_owned()).await?;
    let mut conn = state.db.acquire().await?;
    users::set_password_hash(&mut conn, user.id, &hash, chrono::Utc::now()).await?;
    drop(conn);
    let ended = sessions::delete_for_user(&state.db, &state.sessions, user.id).await?;
    tracing::info!(
        user_id = user.id,
        sessions = ended,
        "password changed; sessions ended"
    );
    Ok(())
}

/// What [`create_admin`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminCreated {
    New(i64),
    /// The email already had an account: it is now an admin and has the given password.
    Promoted,
}

/// Creates an admin, or promotes the existing account with that email (resetting its password, so an
/// operator can recover a lost admin login from the server's shell).
pub async fn create_admin(
    pool: &Pool,
    email: &str,
    password: &str,
    first_name: &str,
    last_name: &str,
) -> Result<AdminCreated, AppError> {
    let new = account::validate_signup(email, password, first_name, last_name)
        .map_err(AppError::Invalid)?;
    let mut conn = pool.acquire().await?;
    match create_account(&mut conn, &new, true, chrono::Utc::now()).await {
        Ok(id) => Ok(AdminCreated::New(id)),
        Err(AppError::Invalid(_)) => {
            let hash = password::hash(new.password.clone()).await?;
            if users::promote_to_admin(pool, &new.email, &hash, chrono::Utc::now()).await? {
                Ok(AdminCreated::Promoted)
            } else {
                Err(AppError::internal(
                    "admin create: email taken but user not found",
                ))
            }
        }
        Err(e) => Err(e),
    }
}
