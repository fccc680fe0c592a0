//! Queries on `payment_reversals`: refunds (one row per charge, its cumulative refunded amount) and
//! lost disputes (one row per dispute).
//!
//! Invariant: a reversal is recorded even when the payment it reverses is not known yet
//! (`payment_id` NULL); recording that payment later claims it, so arrival order never loses one.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Refund,
    DisputeLost,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refund => "refund",
            Self::DisputeLost => "dispute_lost",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "refund" => Some(Self::Refund),
            "dispute_lost" => Some(Self::DisputeLost),
            _ => None,
        }
    }
}

pub struct NewReversal<'a> {
    pub kind: Kind,
    /// The charge (refunds) or the dispute (lost disputes).
    pub object_id: &'a str,
    pub payment_id: Option<i64>,
    pub intent_id: Option<&'a str>,
    pub invoice_id: Option<&'a str>,
    pub amount_cents: i64,
    pub is_full: bool,
}

/// Records a reversal, or raises the one already recorded for the same charge or dispute (Stripe
/// reports a charge's cumulative refunded amount; events may arrive out of order, so the larger
/// amount and "full" win).
pub async fn record(
    conn: &mut DbConn,
    r: &NewReversal<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO payment_reversals (payment_id, kind, stripe_object_id, stripe_payment_intent_id, stripe_invoice_id,
            amount_cents, is_full, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (kind, stripe_object_id) DO UPDATE SET
            payment_id = COALESCE(payment_reversals.payment_id, excluded.payment_id),
            amount_cents = CASE WHEN excluded.amount_cents > payment_reversals.amount_cents
                                THEN excluded.amount_cents ELSE payment_reversals.amount_cents END,
            is_full = (payment_reversals.is_full OR excluded.is_full),
            updated_at = excluded.updated_at",
    )
    .bind(r.payment_id)
    .bind(r.kind.as_str())
    .bind(r.object_id)
    .bind(r.intent_id)
    .bind(r.invoice_id)
    .bind(r.amount_cents)
    .bind(r.is_full)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives a newly recorded payment the reversals that arrived before it; returns the kinds of the
/// full ones among them (a full refund or a lost dispute reverses the payment at once).
pub async fn claim(
    conn: &mut DbConn,
    payment_id: i64,
    intent_id: Option<&str>,
    invoice_id: Option<&str>,
) -> sqlx::Result<Vec<Kind>> {
    if intent_id.is_none() && invoice_id.is_none() {
        return Ok(Vec::new());
    }
    let claimed: Vec<(String, bool)> = sqlx::query_as(
        "UPDATE payment_reversals SET payment_id = $1
         WHERE payment_id IS NULL AND (stripe_payment_intent_id = $2 OR stripe_invoice_id = $3)
         RETURNING kind, is_full",
    )
    .bind(payment_id)
    .bind(intent_id)
    .bind(invoice_id)
    .fetch_all(conn)
    .await?;
    Ok(claimed
        .into_iter()
        .filter(|(_, full)| *full)
        .filter_map(|(kind, _)| Kind::parse(&kind))
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReversalRow {
    pub payment_id: i64,
    pub kind: String,
    pub amount_cents: i64,
    pub is_full: bool,
    pub updated_at: DateTime<Utc>,
}

const LIST_SELECT: &str = "SELECT r.payment_id, r.kind, r.amount_cents, r.is_full, r.updated_at
     FROM payment_reversals r JOIN payments p ON p.id = r.payment_id";

/// The reversals of an order's payments, oldest first (admin order page).
pub async fn list_for_order(pool: &Pool, order_id: i64) -> sqlx::Result<Vec<ReversalRow>> {
    sqlx::query_as(&format!(
        "{LIST_SELECT} WHERE p.order_id = $1 ORDER BY r.id"
    ))
    .bind(order_id)
    .fetch_all(pool)
    .await
}

/// The reversals of a customer's payments ("My orders").
pub async fn list_for_user(pool: &Pool, user_id: i64) -> sqlx::Result<Vec<ReversalRow>> {
    sqlx::query_as(&format!("{LIST_SELECT} WHERE p.user_id = $1 ORDER BY r.id"))
        .bind(user_id)
        .fetch_all(pool)
        .await
}
