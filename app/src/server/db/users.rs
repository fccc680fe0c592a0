//! Queries on `users`.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    /// Already normalised (trimmed, lower case).
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub is_admin: bool,
    /// Where the sign-up came from (a risk signal), when it came over HTTP.
    pub signup_ip: Option<&'a str>,
}

/// Inserts a user; a taken email surfaces as a unique violation.
pub async fn insert(
    conn: &mut DbConn,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, first_name, last_name, is_admin, signup_ip, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.is_admin)
    .bind(user.signup_ip)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Remembers the partner whose code this user applied first; a later code never replaces it.
pub async fn set_referred_by(
    conn: &mut DbConn,
    user_id: i64,
    partner_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET referred_by_partner_id = $2, updated_at = $3
         WHERE id = $1 AND referred_by_partner_id IS NULL",
    )
    .bind(user_id)
    .bind(partner_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        super::partners::bump_stats(conn, partner_id, user_id).await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Makes an existing user an admin with a new password; returns false when no such user.
pub async fn promote_to_admin(
    pool: &Pool,
    email: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET is_admin = TRUE, password_hash = $2, updated_at = $3 WHERE email = $1",
    )
    .bind(email)
    .bind(password_hash)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count(pool: &Pool, admins: bool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_admin = $1")
        .bind(admins)
        .fetch_one(pool)
        .await
}

pub async fn count_created_since(pool: &Pool, since: DateTime<Utc>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE created_at >= $1")
        .bind(since)
        .fetch_one(pool)
        .await
}

pub async fn recent(pool: &Pool, limit: i64) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(
        "SELECT id, email, first_name, last_name, is_admin, created_at
         FROM users ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn exists_any(pool: &Pool) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// On the pool or inside a transaction (a notice queued with the change reads its reader here).
pub async fn find<'e>(
    db: impl sqlx::Executor<'e, Database = super::Db>,
    id: i64,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(
        "SELECT id, email, first_name, last_name, is_admin, created_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A user as sign-in sees them: who they are, what they may do, and their password hash (from which
/// the session's auth hash is derived, so a password change signs every old session out).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignedInRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub password_hash: String,
    /// Set when the user is a partner (of any status).
    pub partner_id: Option<i64>,
}

/// The columns of a [`SignedInRow`], over `users u LEFT JOIN partners p ON p.user_id = u.id` (a
/// macro so that the session store can read them in the same statement as the session).
macro_rules! signed_in_columns {
    () => {
        "u.id, u.email, u.first_name, u.last_name, u.is_admin, u.password_hash, p.id AS partner_id"
    };
}
pub(crate) use signed_in_columns;

const SIGNED_IN_SELECT: &str = concat!(
    "SELECT ",
    signed_in_columns!(),
    " FROM users u LEFT JOIN partners p ON p.user_id = u.id"
);

pub async fn find_signed_in(pool: &Pool, id: i64) -> sqlx::Result<Option<SignedInRow>> {
    sqlx::query_as(&format!("{SIGNED_IN_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn find_signed_in_by_email(
    pool: &Pool,
    email: &str,
) -> sqlx::Result<Option<SignedInRow>> {
    sqlx::query_as(&format!("{SIGNED_IN_SELECT} WHERE u.email = $1"))
        .bind(email)
        .fetch_optional(pool)
        .await
}

pub async fn set_password_hash(
    conn: &mut DbConn,
    id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the florist whose booking link the user came from; only ever set once.
pub async fn set_source_partner(
    conn: &mut DbConn,
    user_id: i64,
    partner_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET source_partner_id = $2 WHERE id = $1 AND source_partner_id IS NULL",
    )
    .bind(user_id)
    .bind(partner_id)
    .execute(conn)
    .await?;
    Ok(())
}
