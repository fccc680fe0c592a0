//! Forgotten passwords: an emailed single-use link, then a new password.
//!
//! Invariants:
//! - Asking for a link answers the same, after the same [`ANSWER_FLOOR`], whether or not an account
//!   has that email: nothing tells a visitor which emails have accounts.
//! - A link is 32 random bytes shown once (in the mail); only its SHA-256 is stored. It works once,
//!   for [`VALID_FOR`]; using it retires the user's other links in the same transaction.
//! - A reset ends every session of the user (the caller signs the browser in afresh).
//! - The token is never logged (the request log shows `/reset-password/…`).

use crate::domain::account;
use crate::dto::{AppError, ResetLink};
use crate::server::context::AppState;
use crate::server::db::{password_resets, sessions, users};
use crate::server::mail::{self, render};
use crate::server::services::outbox;
use crate::server::{password, token};
use chrono::{Duration, Utc};

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(1);
/// Every "forgot password" answer takes at least this long, so its timing does not depend on
/// whether the account exists (the work itself takes a few milliseconds either way).
pub const ANSWER_FLOOR: std::time::Duration = std::time::Duration::from_millis(400);

/// Queues a reset mail if an account has `email`. Returns once [`ANSWER_FLOOR`] has passed,
/// whatever happened; only a malformed email is an error (it says nothing about accounts).
pub async fn request(state: &AppState, email: &str) -> Result<(), AppError> {
    let started = tokio::time::Instant::now();
    let email =
        account::normalize_email(email).map_err(|message| AppError::field("email", message))?;
    if let Err(error) = queue_link(state, &email).await {
        // Logged, never shown: the answer must not differ.
        tracing::error!(%error, "password reset: queueing the link failed");
    }
    tokio::time::sleep_until(started + ANSWER_FLOOR).await;
    Ok(())
}

async fn queue_link(state: &AppState, email: &str) -> Result<(), AppError> {
    let Some(user) = users::find_signed_in_by_email(&state.db, email).await? else {
        tracing::info!("password reset asked for an email without an account");
        return Ok(());
    };
    let secret = token::new_secret();
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    let id = password_resets::insert(
        &mut tx,
        user.id,
        &token::digest(&secret),
        now,
        now + VALID_FOR,
    )
    .await?;
    let mail = render(
        &user.first_name,
        &mail::PasswordReset {
            link: format!("{}/reset-password/{secret}", state.settings.site_url),
            valid_minutes: VALID_FOR.num_minutes(),
        },
    );
    outbox::queue(
        &mut tx,
        format!("password-reset:{}:{id}", user.id),
        &user.email,
        mail,
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(user_id = user.id, "password reset link queued");
    Ok(())
}

fn link_state(row: Option<&password_resets::ResetRow>, now: chrono::DateTime<Utc>) -> ResetLink {
    match row {
        None => ResetLink::Unknown,
        Some(row) if row.used_at.is_some() => ResetLink::Used,
        Some(row) if row.expires_at <= now => ResetLink::Expired,
        Some(_) => ResetLink::Valid,
    }
}

/// What a link is good for now.
pub async fn check(state: &AppState, secret: &str) -> Result<ResetLink, AppError> {
    let row = password_resets::find(&state.db, &token::digest(secret)).await?;
    Ok(link_state(row.as_ref(), Utc::now()))
}

/// Sets a new password with the link `secret`; returns the user id. A link that is used, expired
/// or unknown is an error naming which, and a weak password a field error; neither changes anything.
pub async fn reset(state: &AppState, secret: &str, new_password: &str) -> Result<i64, AppError> {
    let link_error = |link: ResetLink| AppError::field("token", link.problem());
    let row = password_resets::find(&state.db, &token::digest(secret)).await?;
    let row = match (link_state(row.as_ref(), Utc::now()), row) {
        (ResetLink::Valid, Some(row)) => row,
        (other, _) => return Err(link_error(other)),
    };
    account::check_password(new_password)
        .map_err(|message| AppError::field("new_password", message))?;
    let hash = password::hash(new_password.to_owned()).await?;
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    // Re-checked under the write: a second click that raced the first finds the link used.
    if !password_resets::use_link(&mut tx, row.id, now).await? {
        return Err(link_error(ResetLink::Used));
    }
    users::set_password_hash(&mut tx, row.user_id, &hash, now).await?;
    password_resets::retire_for_user(&mut tx, row.user_id, now).await?;
    tx.commit().await?;
    let ended = sessions::delete_for_user(&state.db, &state.sessions, row.user_id).await?;
    tracing::info!(
        user_id = row.user_id,
        sessions = ended,
        "password reset; sessions ended"
    );
    Ok(row.user_id)
}
