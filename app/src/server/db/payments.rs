//! Queries on `payments`. Status changes are conditional updates, so replays change nothing.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub user_id: i64,
    pub order_id: i64,
    pub stripe_payment_intent_id: Option<String>,
    pub stripe_invoice_id: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    /// What we asked, when what arrived differs (`needs_review`).
    pub expected_cents: Option<i64>,
    pub expected_currency: Option<String>,
    pub review_reason: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, user_id, order_id, stripe_payment_intent_id, stripe_invoice_id, amount_cents, currency, status, \
    expected_cents, expected_currency, review_reason, created_at";

/// What we asked for, when a payment arrives with another amount or currency.
#[derive(Debug, Clone)]
pub struct Review {
    pub expected_cents: i64,
    pub expected_currency: String,
    /// Shown to the admin who decides.
    pub reason: String,
}

pub struct NewPayment<'a> {
    pub user_id: i64,
    pub order_id: i64,
    pub intent_id: Option<&'a str>,
    pub invoice_id: Option<&'a str>,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub status: &'a str,
    /// Set for a payment recorded as `needs_review`.
    pub review: Option<&'a Review>,
}

/// Inserts a payment unless its PaymentIntent or invoice id is already recorded; returns the new id.
pub async fn insert(
    conn: &mut DbConn,
    p: &NewPayment<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO payments (user_id, order_id, stripe_payment_intent_id, stripe_invoice_id, amount_cents, currency,
            status, expected_cents, expected_currency, review_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, $11, $8, $8)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(p.user_id)
    .bind(p.order_id)
    .bind(p.intent_id)
    .bind(p.invoice_id)
    .bind(p.amount_cents)
    .bind(p.currency)
    .bind(p.status)
    .bind(now)
    .bind(p.review.map(|r| r.expected_cents))
    .bind(p.review.map(|r| r.expected_currency.as_str()))
    .bind(p.review.map_or("", |r| r.reason.as_str()))
    .fetch_optional(conn)
    .await
}

pub async fn find_by_intent(
    conn: &mut DbConn,
    intent_id: &str,
) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments WHERE stripe_payment_intent_id = $1"
    ))
    .bind(intent_id)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_invoice(
    conn: &mut DbConn,
    invoice_id: &str,
) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments WHERE stripe_invoice_id = $1"
    ))
    .bind(invoice_id)
    .fetch_optional(conn)
    .await
}

/// The payment a PaymentIntent or an invoice id names (the PaymentIntent first).
pub async fn find_by_intent_or_invoice(
    conn: &mut DbConn,
    intent_id: Option<&str>,
    invoice_id: Option<&str>,
) -> sqlx::Result<Option<PaymentRow>> {
    if let Some(intent) = intent_id
        && let Some(found) = find_by_intent(conn, intent).await?
    {
        return Ok(Some(found));
    }
    match invoice_id {
        Some(invoice) => find_by_invoice(conn, invoice).await,
        None => Ok(None),
    }
}

/// The order's open one-off payment, so paying twice reuses one PaymentIntent. A declined one
/// (`failed`) is still open: Stripe lets the customer retry the same PaymentIntent with another card.
pub async fn find_pending_intent_for_order(
    pool: &Pool,
    order_id: i64,
) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments WHERE order_id = $1 AND status IN ('pending', 'failed') AND stripe_payment_intent_id IS NOT NULL
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(order_id)
    .fetch_optional(pool)
    .await
}

/// Records the card a payment was made with (once: the first fingerprint seen stays).
pub async fn set_fingerprint(conn: &mut DbConn, id: i64, fingerprint: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payments SET card_fingerprint = $2 WHERE id = $1 AND card_fingerprint IS NULL",
    )
    .bind(id)
    .bind(fingerprint)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `pending`/`failed` → `succeeded`; false if it already succeeded or was refunded.
pub async fn mark_succeeded(
    conn: &mut DbConn,
    id: i64,
    amount_cents: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payments SET status = 'succeeded', amount_cents = $2, updated_at = $3
         WHERE id = $1 AND status IN ('pending', 'failed')",
    )
    .bind(id)
    .bind(amount_cents)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `pending`/`failed` → `needs_review`: what arrived (`amount_cents`, `currency`) differs from what
/// we asked (`review`). Nothing is scheduled or earned until an admin decides.
pub async fn mark_needs_review(
    conn: &mut DbConn,
    id: i64,
    amount_cents: i64,
    currency: &str,
    review: &Review,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payments SET status = 'needs_review', amount_cents = $2, currency = $3, expected_cents = $4,
            expected_currency = $5, review_reason = $6, updated_at = $7
         WHERE id = $1 AND status IN ('pending', 'failed')",
    )
    .bind(id)
    .bind(amount_cents)
    .bind(currency)
    .bind(review.expected_cents)
    .bind(&review.expected_currency)
    .bind(&review.reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An admin accepted a payment under review: `needs_review` → `succeeded`.
pub async fn accept_review(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payments SET status = 'succeeded', updated_at = $2 WHERE id = $1 AND status = 'needs_review'",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the PaymentIntent of an invoice payment (once), so a refund naming only the
/// PaymentIntent finds it.
pub async fn set_intent(conn: &mut DbConn, id: i64, intent_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE payments SET stripe_payment_intent_id = $2 WHERE id = $1 AND stripe_payment_intent_id IS NULL",
    )
    .bind(id)
    .bind(intent_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM payments WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// How many payments wait for an admin's decision (admin home).
pub async fn count_needing_review(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE status = 'needs_review'")
        .fetch_one(pool)
        .await
}

pub async fn mark_failed(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE payments SET status = 'failed', updated_at = $2 WHERE id = $1 AND status = 'pending'")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_refunded(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE payments SET status = 'refunded', updated_at = $2 WHERE id = $1 AND status <> 'refunded'")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's payments that went through (refunded ones count: they were paid first).
pub async fn count_succeeded_for_user(conn: &mut DbConn, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments WHERE user_id = $1 AND status IN ('succeeded', 'refunded')",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await
}

/// Every payment recorded for the order, in any status.
pub async fn count_for_order(conn: &mut DbConn, order_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE order_id = $1")
        .bind(order_id)
        .fetch_one(conn)
        .await
}

pub async fn count_succeeded_for_order(conn: &mut DbConn, order_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE order_id = $1 AND status = 'succeeded'")
        .bind(order_id)
        .fetch_one(conn)
        .await
}

pub async fn list_for_orders(pool: &Pool, user_id: i64) -> sqlx::Result<Vec<PaymentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

pub async fn list_for_order(pool: &Pool, order_id: i64) -> sqlx::Result<Vec<PaymentRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM payments WHERE order_id = $1 ORDER BY created_at, id"
    ))
    .bind(order_id)
    .fetch_all(pool)
    .await
}
