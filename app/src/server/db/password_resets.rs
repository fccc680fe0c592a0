//! Queries on `password_resets`: emailed single-use links for a forgotten password.
//!
//! Invariants: only the SHA-256 of a link's token is stored; a link is used by one conditional
//! `UPDATE` (unused and unexpired), so two clicks racing each other cannot both succeed.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResetRow {
    pub id: i64,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores a new link's digest; returns its id (part of the mail's dedupe key).
pub async fn insert(
    conn: &mut DbConn,
    user_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await
}

pub async fn find(pool: &Pool, token_hash: &str) -> sqlx::Result<Option<ResetRow>> {
    sqlx::query_as(
        "SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

/// Marks the link used if it is still unused and unexpired at `now`; false otherwise.
pub async fn use_link(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE password_resets SET used_at = $2
         WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Retires every other open link of the user (after a reset, an older mail must not work).
pub async fn retire_for_user(
    conn: &mut DbConn,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Forgets links that expired more than a day ago (the maintenance pass).
pub async fn delete_expired(pool: &Pool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM password_resets WHERE expires_at < $1")
            .bind(now - chrono::Duration::days(1))
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
