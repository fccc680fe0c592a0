//! A partner's ledger: every money movement, oldest to newest, with the running balance (what we
//! owe the partner after it).
//!
//! Movements: a commission earned (+), a commission voided (−, when rejected), a delivery done
//! (+), a delivery not paid (−, its payment refunded before a payout held it), an adjustment (−,
//! money taken back after a refund), a payout sent (−, its net amount).
//! The running balance therefore ends at pending + approved commissions + unpaid deliveries +
//! adjustments not yet netted — the same sums the reconcile check adds up (`payouts::ledger`), and
//! the property test holds the two to each other.

use super::Pool;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Movement {
    pub at: DateTime<Utc>,
    /// earned | voided | delivered | unpaid (a delivery refunded) | adjusted | paid
    pub kind: String,
    /// The commission, delivery request, adjustment or payout.
    pub ref_id: i64,
    /// The commission type, the rejection or adjustment reason, or the payout type.
    pub detail: String,
    pub amount_cents: i64,
    pub balance_cents: i64,
    /// For earned commissions: their status, whether a risk flag holds them, and the live payout
    /// holding them (with its status). For deliveries: "refunded" when they will not be paid.
    pub status: Option<String>,
    pub held: Option<bool>,
    pub payout_id: Option<i64>,
    pub payout_status: Option<String>,
}

/// The ledger query: `$1` is the partner. Kinds on one instant are ordered earned, delivered,
/// voided or unpaid, adjusted, paid, so a balance never dips below what it was owed a moment before.
pub fn sql(newest_first: bool) -> String {
    format!(
        concat!(
        "WITH moves AS (
            SELECT c.created_at AS at, 'earned' AS kind, 1 AS rank, c.id AS ref_id, c.commission_type AS detail,
                   c.amount_cents, c.status, c.risk_flag_id IS NOT NULL AS held,
                   i.payout_id, o.status AS payout_status
            FROM commissions c
            LEFT JOIN payout_items i ON i.commission_id = c.id AND i.live
            LEFT JOIN payouts o ON o.id = i.payout_id
            WHERE c.partner_id = $1
            UNION ALL
            SELECT r.delivered_at, 'delivered', 2, r.id, '', r.pay_cents,
                   CASE WHEN i.payout_id IS NULL AND ", delivery_refunded!(), " THEN 'refunded' END,
                   NULL, i.payout_id, o.status
            FROM delivery_requests r
            LEFT JOIN payout_items i ON i.delivery_request_id = r.id AND i.live
            LEFT JOIN payouts o ON o.id = i.payout_id
            WHERE r.partner_id = $1 AND r.status = 'delivered'
            UNION ALL
            SELECT (SELECT MAX(pay.updated_at) ", refunded_delivery_payments!(), "),
                   'unpaid', 3, r.id, '', -r.pay_cents, NULL, NULL, NULL, NULL
            FROM delivery_requests r
            WHERE r.partner_id = $1 AND r.status = 'delivered' AND ", delivery_refunded!(), "
              AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live)
            UNION ALL
            SELECT c.updated_at, 'voided', 3, c.id, c.note, -c.amount_cents, NULL, NULL, NULL, NULL
            FROM commissions c WHERE c.partner_id = $1 AND c.status = 'rejected'
            UNION ALL
            SELECT a.created_at, 'adjusted', 4, a.id, a.reason, a.amount_cents, NULL, NULL, i.payout_id, o.status
            FROM adjustments a
            LEFT JOIN payout_items i ON i.adjustment_id = a.id AND i.live
            LEFT JOIN payouts o ON o.id = i.payout_id
            WHERE a.partner_id = $1
            UNION ALL
            SELECT o.completed_at, 'paid', 5, o.id, o.payout_type, -o.amount_cents, NULL, NULL, NULL, NULL
            FROM payouts o WHERE o.partner_id = $1 AND o.status = 'completed'
         )
         SELECT at, kind, ref_id, detail, amount_cents,
                CAST(SUM(amount_cents) OVER (ORDER BY at, rank, ref_id ROWS UNBOUNDED PRECEDING) AS BIGINT) AS balance_cents,
                status, held, payout_id, payout_status
         FROM moves ORDER BY at {order}, rank {order}, ref_id {order}"
        ),
        order = if newest_first { "DESC" } else { "ASC" }
    )
}

/// One page of the ledger, newest first.
pub async fn page(
    pool: &Pool,
    partner_id: i64,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<Movement>> {
    sqlx::query_as(&format!("{} LIMIT $2 OFFSET $3", sql(true)))
        .bind(partner_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
}

pub async fn count(pool: &Pool, partner_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(concat!(
        "SELECT
            (SELECT COUNT(*) FROM commissions WHERE partner_id = $1)
          + (SELECT COUNT(*) FROM commissions WHERE partner_id = $1 AND status = 'rejected')
          + (SELECT COUNT(*) FROM delivery_requests WHERE partner_id = $1 AND status = 'delivered')
          + (SELECT COUNT(*) FROM delivery_requests r WHERE r.partner_id = $1 AND r.status = 'delivered'
               AND ", delivery_refunded!(), "
               AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live))
          + (SELECT COUNT(*) FROM adjustments WHERE partner_id = $1)
          + (SELECT COUNT(*) FROM payouts WHERE partner_id = $1 AND status = 'completed')"
    ))
    .bind(partner_id)
    .fetch_one(pool)
    .await
}

/// A partner's totals, as the ledger page's summary shows them.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Totals {
    /// Commissions waiting for an admin's review.
    pub pending_cents: i64,
    /// Approved, past the holding period, not held, in no live payout.
    pub payable_cents: i64,
    /// Approved but still in the holding period, and the earliest time one becomes payable.
    pub holding_cents: i64,
    pub next_payable_earned_at: Option<DateTime<Utc>>,
    /// Held by an open risk flag.
    pub held_cents: i64,
    /// Delivered deliveries no live payout holds (not those refunded: they are never paid).
    pub deliveries_cents: i64,
    /// Adjustments no live payout holds (negative).
    pub adjustments_cents: i64,
    /// In a payout not completed yet (pending, awaiting approval, processing, on hold).
    pub in_transit_cents: i64,
    /// Completed payouts, net.
    pub paid_cents: i64,
}

/// `earned_by`: commissions earned at or before it are past the holding period.
pub async fn totals(
    pool: &Pool,
    partner_id: i64,
    earned_by: DateTime<Utc>,
) -> sqlx::Result<Totals> {
    sqlx::query_as(concat!(
        "WITH free AS (
            SELECT c.* FROM commissions c
            WHERE c.partner_id = $1 AND c.status IN ('pending', 'approved')
              AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.commission_id = c.id AND i.live))
         SELECT
            CAST(COALESCE((SELECT SUM(amount_cents) FROM free WHERE status = 'pending' AND risk_flag_id IS NULL), 0) AS BIGINT) AS pending_cents,
            CAST(COALESCE((SELECT SUM(amount_cents) FROM free WHERE status = 'approved' AND risk_flag_id IS NULL AND created_at <= $2), 0) AS BIGINT) AS payable_cents,
            CAST(COALESCE((SELECT SUM(amount_cents) FROM free WHERE status = 'approved' AND risk_flag_id IS NULL AND created_at > $2), 0) AS BIGINT) AS holding_cents,
            (SELECT MIN(created_at) FROM free WHERE status = 'approved' AND risk_flag_id IS NULL AND created_at > $2) AS next_payable_earned_at,
            CAST(COALESCE((SELECT SUM(amount_cents) FROM free WHERE risk_flag_id IS NOT NULL), 0) AS BIGINT) AS held_cents,
            CAST(COALESCE((SELECT SUM(r.pay_cents) FROM delivery_requests r WHERE r.partner_id = $1 AND r.status = 'delivered'
                 AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live)
                 AND NOT ", delivery_refunded!(), "), 0) AS BIGINT) AS deliveries_cents,
            CAST(COALESCE((SELECT SUM(a.amount_cents) FROM adjustments a WHERE a.partner_id = $1
                 AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.adjustment_id = a.id AND i.live)), 0) AS BIGINT) AS adjustments_cents,
            CAST(COALESCE((SELECT SUM(amount_cents) FROM payouts WHERE partner_id = $1
                 AND status IN ('awaiting_approval', 'pending', 'processing', 'on_hold')), 0) AS BIGINT) AS in_transit_cents,
            CAST(COALESCE((SELECT SUM(amount_cents) FROM payouts WHERE partner_id = $1 AND status = 'completed'), 0) AS BIGINT) AS paid_cents"
    ))
    .bind(partner_id)
    .bind(earned_by)
    .fetch_one(pool)
    .await
}
