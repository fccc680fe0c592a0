//! Queries on `emails`: the outbox (issue 11).
//!
//! Invariants:
//! - [`enqueue`] runs on the caller's connection, inside the transaction of the change that causes
//!   the mail; one `dedupe_key` is queued at most once.
//! - A row is sent only by the sender holding its lease: [`claim_due`] takes due rows with one
//!   conditional `UPDATE` whose `WHERE` repeats the due condition, so on PostgreSQL a claimer that
//!   waited on another's row lock re-checks it and skips the row; on SQLite writes are serialised.
//! - The outcome is recorded only by the claim that is current (`status = 'sending'` and the attempt
//!   number it was claimed with), so a sender whose lease ran out and whose row was claimed again
//!   cannot overwrite the later attempt's result.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

/// The rows a sender may claim at `$1`.
const DUE: &str =
    "((status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1))";

/// A mail to queue: rendered text and HTML, addressed, with the cause that makes it unique.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub dedupe_key: String,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmailRow {
    pub id: i64,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    pub lease_until: Option<DateTime<Utc>>,
}

/// Queues `email`, due at once; false when a mail with its dedupe key already exists.
pub async fn enqueue(
    conn: &mut DbConn,
    email: &NewEmail,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO emails (dedupe_key, recipient, kind, subject, body_text, body_html, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&email.dedupe_key)
    .bind(&email.recipient)
    .bind(&email.kind)
    .bind(&email.subject)
    .bind(&email.body_text)
    .bind(&email.body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Mails due at `now` (queued and due, or sending with a lapsed lease).
pub async fn count_due(pool: &Pool, now: DateTime<Utc>) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM emails WHERE {DUE}"))
        .bind(now)
        .fetch_one(pool)
        .await
}

/// Claims up to `limit` due mails (queued and due, or sending with an expired lease) until
/// `lease_until`, counting the attempt. Oldest first.
pub async fn claim_due(
    pool: &Pool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<EmailRow>> {
    sqlx::query_as(&format!(
        "UPDATE emails SET status = 'sending', lease_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM emails WHERE {DUE} ORDER BY id LIMIT $3) AND {DUE}
         RETURNING id, recipient, kind, subject, body_text, body_html, attempts, lease_until"
    ))
    .bind(now)
    .bind(lease_until)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The mail left: `sent`. False if this claim is no longer the current one.
pub async fn mark_sent(pool: &Pool, row: &EmailRow, now: DateTime<Utc>) -> sqlx::Result<bool> {
    finish(
        pool,
        row,
        "status = 'sent', sent_at = $3, lease_until = NULL, last_error = NULL",
        Some(now),
        None,
    )
    .await
}

/// A transient failure: queued again for `next_attempt_at`, with the reason.
pub async fn mark_retry(
    pool: &Pool,
    row: &EmailRow,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<bool> {
    finish(
        pool,
        row,
        "status = 'queued', next_attempt_at = $3, lease_until = NULL, last_error = $4",
        Some(next_attempt_at),
        Some(error),
    )
    .await
}

/// A permanent failure (or the last attempt): `failed`, with the server's answer kept.
pub async fn mark_failed(pool: &Pool, row: &EmailRow, error: &str) -> sqlx::Result<bool> {
    finish(
        pool,
        row,
        "status = 'failed', lease_until = NULL, last_error = $4",
        None,
        Some(error),
    )
    .await
}

/// Records the outcome of the claim `row` came from. Each `set` uses the parameters it needs: `$3`
/// a time, `$4` an error (both engines accept a bound parameter the statement does not use).
async fn finish(
    pool: &Pool,
    row: &EmailRow,
    set: &str,
    at: Option<DateTime<Utc>>,
    error: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE emails SET {set} WHERE id = $1 AND status = 'sending' AND attempts = $2"
    ))
    .bind(row.id)
    .bind(row.attempts)
    .bind(at)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The admin outbox's filters; `None` is "any".
#[derive(Debug, Clone, Default)]
pub struct EmailFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
}

/// A mail as the admin outbox lists it (no bodies).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedEmail {
    pub id: i64,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The copy queued by "send again", if there is one.
    pub resent_as: Option<i64>,
}

const FILTERED: &str = "($1 IS NULL OR e.status = $1) AND ($2 IS NULL OR e.kind = $2)";

pub async fn count(pool: &Pool, filter: &EmailFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM emails e WHERE {FILTERED}"))
        .bind(filter.status.as_deref())
        .bind(filter.kind.as_deref())
        .fetch_one(pool)
        .await
}

/// Newest first.
pub async fn page(
    pool: &Pool,
    filter: &EmailFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListedEmail>> {
    sqlx::query_as(&format!(
        "SELECT e.id, e.recipient, e.kind, e.subject, e.status, e.attempts, e.last_error,
                e.next_attempt_at, e.sent_at, e.created_at, r.id AS resent_as
         FROM emails e LEFT JOIN emails r ON r.dedupe_key = 'resend:' || e.id
         WHERE {FILTERED} ORDER BY e.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(filter.status.as_deref())
    .bind(filter.kind.as_deref())
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// Queues a fresh copy of failed mail `id` (the failed row stays as it was). Returns the copy's
/// id; `None` when `id` is not a failed mail. A second "send again" of the same mail returns the
/// first copy (its dedupe key is `resend:<id>`).
pub async fn resend(pool: &Pool, id: i64, now: DateTime<Utc>) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO emails (dedupe_key, recipient, kind, subject, body_text, body_html, next_attempt_at, created_at)
         SELECT 'resend:' || id, recipient, kind, subject, body_text, body_html, $2, $2
         FROM emails WHERE id = $1 AND status = 'failed'
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let copy = sqlx::query_scalar("SELECT id FROM emails WHERE dedupe_key = 'resend:' || $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(copy)
}

/// How many mails are in each status (the admin home and the outbox's filter).
pub async fn count_by_status(pool: &Pool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT status, COUNT(*) FROM emails GROUP BY status")
        .fetch_all(pool)
        .await
}
