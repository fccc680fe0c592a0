//! Creating accounts and checking passwords.

use crate::domain::account::{self, NewAccount};
use crate::dto::AppError;
use crate::server::context::AppState;
use crate::server::db::{self, DbConn, Pool, users};
use crate::server::password;

/// Registers a customer. A taken email (in any letter case) is a field error, not a crash.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    first_name: &str,
    last_name: &str,
) -> Result<i64, AppError> {
    let new = account::validate_signup(email, password, first_name, last_name)
        .map_err(AppError::Invalid)?;
    let mut conn = state.db.acquire().await?;
    create_account(&mut conn, &new, false, chrono::Utc::now()).await
}

/// Stores a validated account, created at `now` (on `conn`, so it can be part of a transaction).
pub async fn create_account(
    conn: &mut DbConn,
    new: &NewAccount,
    is_admin: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, AppError> {
    let hash = password::hash(new.password.clone()).await?;
    let user = users::NewUser {
        email: &new.email,
        password_hash: &hash,
        first_name: &new.first_name,
        last_name: &new.last_name,
        is_admin,
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
) -> Result<users::AuthRow, AppError> {
    let email =
        account::normalize_email(email).map_err(|message| AppError::field("email", message))?;
    let row = users::find_auth_by_email(&state.db, &email).await?;
    let hash = row.as_ref().map(|r| r.password_hash.clone());
    if password::verify(password.to_owned(), hash).await? {
        row.ok_or(AppError::BadCredentials)
    } else {
        Err(AppError::BadCredentials)
    }
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
