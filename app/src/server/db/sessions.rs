//! Queries on `sessions`. Only the SHA-256 digest of a session secret is stored.

use super::Pool;
use crate::server::context::CurrentUser;
use crate::server::token;
use chrono::{DateTime, Utc};

/// Creates a session and returns its secret (for the cookie; never stored).
pub async fn create(
    pool: &Pool,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<String> {
    let secret = token::new_secret();
    sqlx::query(
        "INSERT INTO sessions (digest, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token::digest(&secret))
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(secret)
}

/// The user columns a [`CurrentUser`] is made of (with the partner id, if any).
const USER_SELECT: &str = "SELECT u.id, u.email, u.first_name, u.last_name, u.is_admin, p.id
     FROM users u LEFT JOIN partners p ON p.user_id = u.id";

type UserTuple = (i64, String, String, String, bool, Option<i64>);

fn current_user(row: UserTuple, session_digest: &str) -> CurrentUser {
    let (id, email, first_name, last_name, is_admin, partner_id) = row;
    CurrentUser {
        id,
        email,
        first_name,
        last_name,
        is_admin,
        partner_id,
        session_digest: session_digest.to_owned(),
    }
}

pub async fn find_user(
    pool: &Pool,
    digest: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<CurrentUser>> {
    let row: Option<UserTuple> = sqlx::query_as(&format!(
        "{USER_SELECT} JOIN sessions s ON s.user_id = u.id WHERE s.digest = $1 AND s.expires_at > $2"
    ))
    .bind(digest)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| current_user(row, digest)))
}

pub async fn delete(pool: &Pool, digest: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE digest = $1")
        .bind(digest)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn delete_expired(pool: &Pool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// The user as a request would see them (for operator commands that act on a user's behalf).
pub async fn find_user_by_email(pool: &Pool, email: &str) -> sqlx::Result<Option<CurrentUser>> {
    let row: Option<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} WHERE u.email = $1"))
        .bind(email)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| current_user(row, "")))
}
