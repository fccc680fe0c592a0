//! Queries on `payouts` and `payout_items`.
//!
//! Every state change is a conditional `UPDATE … WHERE status IN (…)`, so a payout moves forward
//! once however many runs, retries or admins touch it; the partial unique indexes on
//! `payout_items` keep a commission or delivery in at most one live payout.

use super::{DbConn, Pool};
use crate::domain::controls::Controls;
use crate::domain::money::Cents;
use crate::domain::payout::PayoutType;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayoutRow {
    pub id: i64,
    pub partner_id: i64,
    pub payout_type: String,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub destination: String,
    pub idempotency_key: String,
    pub transfer_id: Option<String>,
    pub reason: String,
    pub attempts: i64,
    pub first_sent_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub business_name: String,
    pub items: i64,
    /// Who approved it ("Ann Lee") and when, while batch approval is on.
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Set when an admin held it: the run never sends it until an admin approves it.
    pub held_by: Option<i64>,
}

const PAYOUT_SELECT: &str =
    "SELECT o.id, o.partner_id, o.payout_type, o.status, o.amount_cents, o.currency,
        o.destination, o.idempotency_key, o.transfer_id, o.reason, o.attempts, o.first_sent_at,
        o.completed_at, o.created_at, p.business_name,
        (SELECT COUNT(*) FROM payout_items i WHERE i.payout_id = o.id) AS items,
        au.first_name || ' ' || au.last_name AS approved_by, o.approved_at, o.held_by
     FROM payouts o JOIN partners p ON p.id = o.partner_id LEFT JOIN users au ON au.id = o.approved_by";

/// A partner who can be paid, with the controls that apply to them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payee {
    pub id: i64,
    pub destination: String,
    pub holding_days: i64,
    pub minimum_cents: i64,
}

impl Payee {
    pub fn controls(&self) -> Controls {
        Controls {
            holding_days: self.holding_days,
            minimum: Cents(self.minimum_cents),
        }
    }
}

const PAYEE_SELECT: &str = "SELECT p.id, p.stripe_account_id AS destination,
        COALESCE(p.holding_days, s.holding_days) AS holding_days,
        COALESCE(p.minimum_payout_cents, s.minimum_payout_cents) AS minimum_cents
     FROM partners p JOIN program_settings s ON s.id = 1
     WHERE p.stripe_account_id IS NOT NULL AND p.status = 'active'";

/// One partner as a payee, if they can be paid.
pub async fn payee(conn: &mut DbConn, partner_id: i64) -> sqlx::Result<Option<Payee>> {
    sqlx::query_as(&format!("{PAYEE_SELECT} AND p.id = $1"))
        .bind(partner_id)
        .fetch_optional(conn)
        .await
}

/// Partners who can be paid (active, with a Connect account), by id after `after`.
pub async fn payable_partners(pool: &Pool, after: i64, limit: i64) -> sqlx::Result<Vec<Payee>> {
    sqlx::query_as(&format!(
        "{PAYEE_SELECT} AND p.id > $1 ORDER BY p.id LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The payable items of `kind` that no live payout holds, for partners that cannot be paid yet
/// (no Connect account, or not active): how many partners and how much, for the run's summary.
pub async fn waiting_elsewhere(pool: &Pool, kind: PayoutType) -> sqlx::Result<(i64, i64)> {
    let sql = match kind {
        PayoutType::Commission => {
            "SELECT COUNT(DISTINCT c.partner_id), CAST(COALESCE(SUM(c.amount_cents), 0) AS BIGINT)
             FROM commissions c JOIN partners p ON p.id = c.partner_id
             WHERE c.status = 'approved' AND (p.stripe_account_id IS NULL OR p.status <> 'active')"
        }
        PayoutType::Fulfillment => concat!(
            "SELECT COUNT(DISTINCT r.partner_id), CAST(COALESCE(SUM(r.pay_cents), 0) AS BIGINT)
             FROM delivery_requests r JOIN partners p ON p.id = r.partner_id
             WHERE r.status = 'delivered' AND (p.stripe_account_id IS NULL OR p.status <> 'active')
               AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live)
               AND NOT ",
            delivery_refunded!()
        ),
    };
    sqlx::query_as(sql).fetch_one(pool).await
}

/// What preparing one partner's payout did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepared {
    /// A payout was written: its id and amount.
    Made(i64, i64),
    /// The balance (payable lines plus adjustments) did not reach the minimum, or was not above
    /// zero: nothing was written and all of it waits for a later run.
    CarriedOver(i64),
    Nothing,
}

/// The latest time an item may have been earned to be payable (bound as `$3`).
#[derive(Clone, Copy)]
enum Cutoff {
    /// The end of the holding period (commissions).
    Holding,
    /// `now` (adjustments count as soon as they are made).
    Now,
    /// None: a delivery is paid once it is marked delivered (the statement has no `$3`).
    None,
}

/// The payable items of `kind` for one partner, as SELECT lists (payout id as `$1`, partner as
/// `$2`, and the cutoff as `$3` where there is one). Commissions: approved, past the holding period,
/// not held by a risk flag, not in a live payout, and not on a payment that was refunded or lost
/// in a dispute. Deliveries: delivered, not in a live payout, and not refunded. Adjustments (only
/// with commissions): every one no live payout holds.
fn payable_lines(kind: PayoutType) -> &'static [(&'static str, &'static str, Cutoff)] {
    match kind {
        PayoutType::Commission => &[
            (
                "commission_id",
                "SELECT $1, c.id, c.amount_cents FROM commissions c
                 WHERE c.partner_id = $2 AND c.status = 'approved' AND c.risk_flag_id IS NULL
                   AND c.created_at <= $3
                   AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.commission_id = c.id AND i.live)
                   AND NOT EXISTS (SELECT 1 FROM payments pay WHERE pay.id = c.payment_id AND pay.status = 'refunded')
                 ORDER BY c.id",
                Cutoff::Holding,
            ),
            (
                "adjustment_id",
                "SELECT $1, a.id, a.amount_cents FROM adjustments a
                 WHERE a.partner_id = $2 AND a.created_at <= $3
                   AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.adjustment_id = a.id AND i.live)
                 ORDER BY a.id",
                Cutoff::Now,
            ),
        ],
        PayoutType::Fulfillment => &[(
            "delivery_request_id",
            concat!(
                "SELECT $1, r.id, r.pay_cents AS amount_cents FROM delivery_requests r
                 WHERE r.partner_id = $2 AND r.status = 'delivered'
                   AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live)
                   AND NOT ",
                delivery_refunded!(),
                " ORDER BY r.id"
            ),
            Cutoff::None,
        )],
    }
}

/// Writes a payout holding every payable item of `kind` for the partner, on the caller's
/// transaction, when the balance reaches the partner's minimum (`pending`, or `awaiting_approval`
/// when batch approval is on). Otherwise nothing is written.
///
/// The amount is the sum of the lines written (adjustments are negative lines), so the two cannot
/// disagree; the idempotency key is derived from the new row and never changes.
pub async fn prepare(
    conn: &mut DbConn,
    kind: PayoutType,
    payee: &Payee,
    currency: &str,
    awaiting_approval: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<Prepared> {
    let controls = payee.controls();
    // The holding period is for commissions; deliveries are paid for work done, and adjustments
    // count as soon as they are made.
    let cutoff = |cutoff: Cutoff| match cutoff {
        Cutoff::Holding => Some(controls.earned_by(now)),
        Cutoff::Now => Some(now),
        Cutoff::None => None,
    };
    let lines = payable_lines(kind);
    let mut net = 0_i64;
    let mut any = false;
    for (_, select, at) in lines {
        let sql = format!("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM ({select}) AS lines");
        let mut query = sqlx::query_scalar(&sql).bind(0_i64).bind(payee.id);
        if let Some(at) = cutoff(*at) {
            query = query.bind(at);
        }
        let sum: Option<i64> = query.fetch_one(&mut *conn).await?;
        if let Some(sum) = sum {
            any = true;
            net += sum;
        }
    }
    if !any {
        return Ok(Prepared::Nothing);
    }
    if !controls.pays(Cents(net)) {
        return Ok(Prepared::CarriedOver(net));
    }
    // The key is set below, once the id is known; a placeholder keeps the column unique meanwhile.
    let placeholder = format!(
        "preparing-{}-{}",
        payee.id,
        crate::server::token::new_secret()
    );
    let status = if awaiting_approval {
        "awaiting_approval"
    } else {
        "pending"
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payouts (partner_id, payout_type, status, amount_cents, currency, destination,
             idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(payee.id)
    .bind(kind.as_str())
    .bind(status)
    .bind(currency)
    .bind(&payee.destination)
    .bind(&placeholder)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for (column, select, at) in lines {
        let sql = format!("INSERT INTO payout_items (payout_id, {column}, amount_cents) {select}");
        let mut query = sqlx::query(&sql).bind(id).bind(payee.id);
        if let Some(at) = cutoff(*at) {
            query = query.bind(at);
        }
        query.execute(&mut *conn).await?;
    }
    let amount: i64 = sqlx::query_scalar(
        "UPDATE payouts SET idempotency_key = $2,
             amount_cents = (SELECT SUM(amount_cents) FROM payout_items WHERE payout_id = $1)
         WHERE id = $1 RETURNING amount_cents",
    )
    .bind(id)
    .bind(crate::domain::payout::idempotency_key(id, now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Prepared::Made(id, amount))
}

/// Payouts of `kind` still to be sent or settled (pending, processing, held for the account), by
/// id after `after`. Payouts awaiting approval or held by an admin wait for the admin.
pub async fn unsettled(
    pool: &Pool,
    kind: PayoutType,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<PayoutRow>> {
    sqlx::query_as(&format!(
        "{PAYOUT_SELECT} WHERE o.payout_type = $1
           AND (o.status IN ('pending', 'processing') OR (o.status = 'on_hold' AND o.held_by IS NULL))
           AND o.id > $2 ORDER BY o.id LIMIT $3"
    ))
    .bind(kind.as_str())
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn find(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<PayoutRow>> {
    sqlx::query_as(&format!("{PAYOUT_SELECT} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Marks an attempt: `processing`, one more attempt, and the time the key was first sent. Only
/// when nobody else has touched the payout since it was read (`attempts` unchanged): two runs or
/// an admin's "retry now" never send one payout side by side. Never a payout an admin holds: a run
/// works from rows it read minutes earlier, and a hold made since must still stop the send.
pub async fn claim(
    conn: &mut DbConn,
    id: i64,
    attempts_seen: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payouts SET status = 'processing', attempts = attempts + 1,
             first_sent_at = COALESCE(first_sent_at, $3), last_attempt_at = $3, updated_at = $3
         WHERE id = $1 AND attempts = $2 AND status IN ('pending', 'processing', 'on_hold')
           AND held_by IS NULL",
    )
    .bind(id)
    .bind(attempts_seen)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `completed` with Stripe's transfer id; a commission payout's commissions become `paid`. False
/// when the payout was already final (nothing changes).
pub async fn complete(
    conn: &mut DbConn,
    id: i64,
    transfer_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let partner: Option<i64> = sqlx::query_scalar(
        "UPDATE payouts SET status = 'completed', transfer_id = $2, completed_at = $3, reason = '',
             updated_at = $3
         WHERE id = $1 AND status IN ('pending', 'processing', 'on_hold') RETURNING partner_id",
    )
    .bind(id)
    .bind(transfer_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(partner) = partner else {
        return Ok(false);
    };
    // `partner_id` leads the planner to the partner's own commissions (an index on partner and
    // status), not to every approved commission of the program. Whatever the transfer carried was
    // paid: that includes a commission rejected meanwhile (on PostgreSQL a refund committed beside
    // the run's preparing transaction cannot see its lines), which the caller then takes back.
    let paid = sqlx::query(
        "UPDATE commissions SET status = 'paid', updated_at = $2
         WHERE partner_id = $3 AND status IN ('approved', 'rejected')
           AND id IN (SELECT commission_id FROM payout_items WHERE payout_id = $1 AND live AND commission_id IS NOT NULL)",
    )
    .bind(id)
    .bind(now)
    .bind(partner)
    .execute(&mut *conn)
    .await?;
    if paid.rows_affected() > 0 {
        super::partners::bump_stats(conn, partner, id).await?;
    }
    Ok(true)
}

/// `failed` with the reason, and its items released for a later payout. False when it was final.
pub async fn fail(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payouts SET status = 'failed', reason = $2, updated_at = $3
         WHERE id = $1 AND status IN ('pending', 'processing', 'on_hold')",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE payout_items SET live = FALSE WHERE payout_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// `on_hold` with the reason: only a payout never sent (pending, or held before). False when it
/// had been sent or was final.
pub async fn hold(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payouts SET status = 'on_hold', reason = $2, updated_at = $3
         WHERE id = $1 AND status IN ('pending', 'on_hold') AND attempts = 0",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An admin's approval: a payout awaiting approval, or one an admin held, may be sent. False when
/// it was in neither state (approved already, or sent).
pub async fn approve(
    conn: &mut DbConn,
    id: i64,
    admin_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payouts SET status = 'pending', approved_by = $2, approved_at = $3, held_by = NULL,
             reason = '', updated_at = $3
         WHERE id = $1 AND attempts = 0
           AND (status = 'awaiting_approval' OR (status = 'on_hold' AND held_by IS NOT NULL))",
    )
    .bind(id)
    .bind(admin_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An admin's hold: a payout never sent stays `on_hold` until an admin approves it (runs skip it).
pub async fn hold_by_admin(
    conn: &mut DbConn,
    id: i64,
    admin_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payouts SET status = 'on_hold', held_by = $2, reason = $3, updated_at = $4
         WHERE id = $1 AND attempts = 0 AND status IN ('awaiting_approval', 'pending', 'on_hold')",
    )
    .bind(id)
    .bind(admin_id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every payout waiting for approval, oldest first.
pub async fn awaiting_approval(pool: &Pool, up_to: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM payouts WHERE status = 'awaiting_approval' AND id <= $1 ORDER BY id",
    )
    .bind(up_to)
    .fetch_all(pool)
    .await
}

/// Whether a payout nets an adjustment, and whether its partner has an open risk flag.
pub async fn review_facts(
    conn: &mut DbConn,
    payout_id: i64,
    partner_id: i64,
) -> sqlx::Result<(bool, bool)> {
    sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM payout_items WHERE payout_id = $1 AND adjustment_id IS NOT NULL),
                EXISTS (SELECT 1 FROM risk_flags WHERE partner_id = $2 AND status = 'open')",
    )
    .bind(payout_id)
    .bind(partner_id)
    .fetch_one(conn)
    .await
}

/// A partner's earlier completed payouts of `kind`: how many, and their average amount.
pub async fn history(
    conn: &mut DbConn,
    partner_id: i64,
    kind: &str,
    before: i64,
) -> sqlx::Result<(i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT COUNT(*), CAST(AVG(amount_cents) AS BIGINT) FROM payouts
         WHERE partner_id = $1 AND payout_type = $2 AND status = 'completed' AND id < $3",
    )
    .bind(partner_id)
    .bind(kind)
    .bind(before)
    .fetch_one(conn)
    .await
}

/// Records why a sent payout's outcome is not known yet (it stays `processing`).
pub async fn note(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE payouts SET reason = $2, updated_at = $3 WHERE id = $1 AND status = 'processing'",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// One line of a payout, described for people.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub commission_id: Option<i64>,
    pub delivery_request_id: Option<i64>,
    pub amount_cents: i64,
    pub live: bool,
    pub adjustment_id: Option<i64>,
    /// Why money was taken back (adjustment lines).
    pub adjustment_reason: Option<String>,
    /// The commission's type, or NULL for a delivery.
    pub commission_type: Option<String>,
    pub order_id: Option<i64>,
    pub earned_at: Option<DateTime<Utc>>,
    pub delivery_date: Option<chrono::NaiveDate>,
    pub suburb: Option<String>,
}

pub async fn items(pool: &Pool, payout_id: i64) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(
        "SELECT i.id, i.commission_id, i.delivery_request_id, i.amount_cents, i.live,
                i.adjustment_id, a.reason AS adjustment_reason,
                c.commission_type, COALESCE(pay.order_id, e.order_id) AS order_id,
                COALESCE(c.created_at, a.created_at) AS earned_at, e.delivery_date, ord.suburb
         FROM payout_items i
         LEFT JOIN adjustments a ON a.id = i.adjustment_id
         LEFT JOIN commissions c ON c.id = COALESCE(i.commission_id, a.commission_id)
         LEFT JOIN payments pay ON pay.id = c.payment_id
         LEFT JOIN delivery_requests r ON r.id = i.delivery_request_id
         LEFT JOIN events e ON e.id = r.event_id
         LEFT JOIN orders ord ON ord.id = e.order_id
         WHERE i.payout_id = $1 ORDER BY i.id",
    )
    .bind(payout_id)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, Default)]
pub struct PayoutFilter {
    pub partner_id: Option<i64>,
    pub status: Option<String>,
}

fn push_filter<'a>(query: &mut QueryBuilder<'a, super::Db>, filter: &'a PayoutFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(partner) = filter.partner_id {
        query.push(" AND o.partner_id = ").push_bind(partner);
    }
    if let Some(status) = &filter.status {
        query.push(" AND o.status = ").push_bind(status.as_str());
    }
}

/// Every payout matching `filter`, oldest first, to stream with `fetch` (the CSV export).
pub fn export_query(filter: &PayoutFilter) -> QueryBuilder<'_, super::Db> {
    let mut query = QueryBuilder::new(PAYOUT_SELECT);
    push_filter(&mut query, filter);
    query.push(" ORDER BY o.id");
    query
}

pub async fn count(pool: &Pool, filter: &PayoutFilter) -> sqlx::Result<i64> {
    let mut query = QueryBuilder::new("SELECT COUNT(*) FROM payouts o");
    push_filter(&mut query, filter);
    query.build_query_scalar().fetch_one(pool).await
}

/// Newest first.
pub async fn page(
    pool: &Pool,
    filter: &PayoutFilter,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<PayoutRow>> {
    let mut query = QueryBuilder::new(PAYOUT_SELECT);
    push_filter(&mut query, filter);
    query
        .push(" ORDER BY o.created_at DESC, o.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    query.build_query_as().fetch_all(pool).await
}

/// How many payouts wait for an admin (failed or held), for the admin home.
pub async fn count_needing_attention(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM payouts WHERE status IN ('on_hold', 'failed', 'processing')
           AND NOT EXISTS (SELECT 1 FROM payouts later WHERE later.partner_id = payouts.partner_id
                             AND later.payout_type = payouts.payout_type AND later.status = 'completed'
                             AND later.id > payouts.id)",
    )
    .fetch_one(pool)
    .await
}

/// One partner's commission totals by status, and what completed payouts paid them (the reconcile check).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LedgerLine {
    pub partner_id: i64,
    pub business_name: String,
    pub earned_cents: i64,
    pub pending_cents: i64,
    pub approved_cents: i64,
    pub paid_cents: i64,
    pub rejected_cents: i64,
    /// Commission lines of completed payouts.
    pub paid_out_cents: i64,
    /// Delivery lines of completed payouts.
    pub deliveries_paid_cents: i64,
    /// Every adjustment (negative: money taken back after a refund).
    pub adjusted_cents: i64,
    /// Adjustment lines of completed payouts (negative: already taken back).
    pub netted_cents: i64,
}

/// One pass over commissions and one over completed payout lines, grouped by partner (no
/// per-partner subqueries: the check must stay linear whatever the planner's statistics say).
pub async fn ledger(pool: &Pool) -> sqlx::Result<Vec<LedgerLine>> {
    sqlx::query_as(
        "WITH earned AS (
             SELECT partner_id,
                 SUM(amount_cents) AS earned,
                 SUM(CASE WHEN status = 'pending' THEN amount_cents ELSE 0 END) AS pending,
                 SUM(CASE WHEN status = 'approved' THEN amount_cents ELSE 0 END) AS approved,
                 SUM(CASE WHEN status = 'paid' THEN amount_cents ELSE 0 END) AS paid,
                 SUM(CASE WHEN status = 'rejected' THEN amount_cents ELSE 0 END) AS rejected
             FROM commissions GROUP BY partner_id),
         paid_out AS (
             SELECT o.partner_id,
                 SUM(CASE WHEN i.commission_id IS NOT NULL THEN i.amount_cents ELSE 0 END) AS commissions,
                 SUM(CASE WHEN i.delivery_request_id IS NOT NULL THEN i.amount_cents ELSE 0 END) AS deliveries,
                 SUM(CASE WHEN i.adjustment_id IS NOT NULL THEN i.amount_cents ELSE 0 END) AS netted
             FROM payout_items i JOIN payouts o ON o.id = i.payout_id
             WHERE o.status = 'completed' GROUP BY o.partner_id),
         adjusted AS (
             SELECT partner_id, SUM(amount_cents) AS adjusted FROM adjustments GROUP BY partner_id)
         SELECT p.id AS partner_id, p.business_name,
             CAST(COALESCE(e.earned, 0) AS BIGINT) AS earned_cents,
             CAST(COALESCE(e.pending, 0) AS BIGINT) AS pending_cents,
             CAST(COALESCE(e.approved, 0) AS BIGINT) AS approved_cents,
             CAST(COALESCE(e.paid, 0) AS BIGINT) AS paid_cents,
             CAST(COALESCE(e.rejected, 0) AS BIGINT) AS rejected_cents,
             CAST(COALESCE(k.commissions, 0) AS BIGINT) AS paid_out_cents,
             CAST(COALESCE(k.deliveries, 0) AS BIGINT) AS deliveries_paid_cents,
             CAST(COALESCE(a.adjusted, 0) AS BIGINT) AS adjusted_cents,
             CAST(COALESCE(k.netted, 0) AS BIGINT) AS netted_cents
         FROM partners p
         LEFT JOIN earned e ON e.partner_id = p.id
         LEFT JOIN paid_out k ON k.partner_id = p.id
         LEFT JOIN adjusted a ON a.partner_id = p.id
         WHERE e.partner_id IS NOT NULL OR k.partner_id IS NOT NULL OR a.partner_id IS NOT NULL
         ORDER BY p.id",
    )
    .fetch_all(pool)
    .await
}

/// Everything that breaks the payout invariants, one line each (empty when all hold):
/// a paid commission not in exactly one completed payout, a commission in a completed payout that
/// is not paid, a delivery in more than one completed payout, a completed payout without a
/// transfer id or whose amount is not the sum of its lines, a transfer id on two payouts.
pub async fn broken_invariants(pool: &Pool) -> sqlx::Result<Vec<String>> {
    let checks: [(&str, &str); 8] = [
        (
            "adjustment netted in more than one completed payout",
            "SELECT i.adjustment_id FROM payout_items i JOIN payouts o ON o.id = i.payout_id
             WHERE o.status = 'completed' AND i.adjustment_id IS NOT NULL
             GROUP BY i.adjustment_id HAVING COUNT(*) > 1",
        ),
        (
            "commission held by a risk flag but in a payout",
            "SELECT c.id FROM commissions c JOIN payout_items i ON i.commission_id = c.id
             WHERE c.risk_flag_id IS NOT NULL AND (i.live OR c.status = 'paid')",
        ),
        (
            "paid commission not in exactly one completed payout",
            "SELECT c.id FROM commissions c
             LEFT JOIN (SELECT i.commission_id, COUNT(*) AS n FROM payout_items i
                        JOIN payouts o ON o.id = i.payout_id
                        WHERE o.status = 'completed' AND i.commission_id IS NOT NULL
                        GROUP BY i.commission_id) k ON k.commission_id = c.id
             WHERE c.status = 'paid' AND COALESCE(k.n, 0) <> 1",
        ),
        (
            "commission in a completed payout but not paid",
            "SELECT i.commission_id FROM payout_items i JOIN payouts o ON o.id = i.payout_id
             JOIN commissions c ON c.id = i.commission_id
             WHERE o.status = 'completed' AND c.status <> 'paid'",
        ),
        (
            "delivery paid more than once",
            "SELECT i.delivery_request_id FROM payout_items i JOIN payouts o ON o.id = i.payout_id
             WHERE o.status = 'completed' AND i.delivery_request_id IS NOT NULL
             GROUP BY i.delivery_request_id HAVING COUNT(*) > 1",
        ),
        (
            "completed payout without a transfer id",
            "SELECT id FROM payouts WHERE status = 'completed' AND (transfer_id IS NULL OR transfer_id = '')",
        ),
        (
            "payout amount differs from the sum of its lines",
            "SELECT o.id FROM payouts o
             LEFT JOIN (SELECT payout_id, SUM(amount_cents) AS total FROM payout_items GROUP BY payout_id) t
               ON t.payout_id = o.id
             WHERE o.amount_cents <> COALESCE(t.total, 0)",
        ),
        (
            "item in more than one live payout",
            "SELECT COALESCE(i.commission_id, i.delivery_request_id, i.adjustment_id) FROM payout_items i
             WHERE i.live GROUP BY i.commission_id, i.delivery_request_id, i.adjustment_id HAVING COUNT(*) > 1",
        ),
    ];
    let mut problems = Vec::new();
    for (what, sql) in checks {
        let ids: Vec<Option<i64>> = sqlx::query_scalar(sql).fetch_all(pool).await?;
        if !ids.is_empty() {
            let shown: Vec<String> = ids
                .iter()
                .take(20)
                .map(|id| id.map_or_else(|| "?".to_owned(), |id| format!("#{id}")))
                .collect();
            problems.push(format!(
                "{what}: {} ({}{})",
                ids.len(),
                shown.join(", "),
                if ids.len() > 20 { ", …" } else { "" }
            ));
        }
    }
    Ok(problems)
}

/// What waits for the partner's next payouts: approved commissions (in their holding period or
/// past it; not those a risk review holds, which are never paid while held) and delivered
/// deliveries that no live payout holds (not those refunded, which are never paid).
pub async fn waiting_for_partner(pool: &Pool, partner_id: i64) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(concat!(
        "SELECT
            CAST(COALESCE((SELECT SUM(c.amount_cents) FROM commissions c
                 WHERE c.partner_id = $1 AND c.status = 'approved' AND c.risk_flag_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.commission_id = c.id AND i.live)), 0) AS BIGINT),
            CAST(COALESCE((SELECT SUM(r.pay_cents) FROM delivery_requests r
                 WHERE r.partner_id = $1 AND r.status = 'delivered'
                   AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.delivery_request_id = r.id AND i.live)
                   AND NOT ",
        delivery_refunded!(),
        "), 0) AS BIGINT)"
    ))
    .bind(partner_id)
    .fetch_one(pool)
    .await
}

/// Payouts per status, for the admin filter.
pub async fn count_by_status(pool: &Pool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT status, COUNT(*) FROM payouts GROUP BY status")
        .fetch_all(pool)
        .await
}
