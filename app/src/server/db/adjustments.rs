//! Queries on `adjustments`: money taken back from a partner after it was paid.
//!
//! Invariant: at most one adjustment per commission (a unique index), so a refund and a lost
//! dispute of one payment, or a webhook redelivered, take a commission back once.

use super::DbConn;
use chrono::{DateTime, Utc};

/// One adjustment just written.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Made {
    pub id: i64,
    pub partner_id: i64,
    pub commission_id: i64,
    pub amount_cents: i64,
}

/// Writes a negative adjustment for each paid commission `source` (`FROM … WHERE …` on `c`,
/// commissions, with `$1` its one parameter) selects; commissions taken back before are skipped.
async fn claw_back(
    conn: &mut DbConn,
    source: &'static str,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Made>> {
    let sql = format!(
        "INSERT INTO adjustments (partner_id, commission_id, amount_cents, reason, created_at)
         SELECT c.partner_id, c.id, -c.amount_cents, $2, $3 {source} AND c.status = 'paid'
         ON CONFLICT (commission_id) WHERE commission_id IS NOT NULL DO NOTHING
         RETURNING id, partner_id, commission_id, amount_cents"
    );
    sqlx::query_as(&sql)
        .bind(id)
        .bind(reason)
        .bind(now)
        .fetch_all(conn)
        .await
}

/// Takes back the payment's commission if it was already paid: a negative adjustment of its
/// amount. Nothing when it was not paid, or was taken back before.
pub async fn claw_back_paid(
    conn: &mut DbConn,
    payment_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Made>> {
    claw_back(
        conn,
        "FROM commissions c WHERE c.payment_id = $1",
        payment_id,
        reason,
        now,
    )
    .await
}

/// A payout just completed: its commissions whose payment was reversed while the payout was on its
/// way are taken back now (they were paid after all).
pub async fn claw_back_in_payout(
    conn: &mut DbConn,
    payout_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Made>> {
    claw_back(
        conn,
        "FROM payout_items i JOIN commissions c ON c.id = i.commission_id
         JOIN payments pay ON pay.id = c.payment_id
         WHERE i.payout_id = $1 AND i.live AND pay.status = 'refunded'",
        payout_id,
        reason,
        now,
    )
    .await
}

/// A payout just failed: its commissions whose payment was reversed meanwhile are rejected (they
/// were never paid, so nothing is taken back).
pub async fn reject_released(
    conn: &mut DbConn,
    payout_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE commissions SET status = 'rejected', note = $2, updated_at = $3
         WHERE status IN ('pending', 'approved')
           AND id IN (SELECT commission_id FROM payout_items WHERE payout_id = $1 AND commission_id IS NOT NULL)
           AND EXISTS (SELECT 1 FROM payments pay WHERE pay.id = commissions.payment_id AND pay.status = 'refunded')",
    )
    .bind(payout_id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
