//! Queries on `discount_usages` and `commissions`. Inserts are `ON CONFLICT DO NOTHING` against the
//! one-per-payment unique constraints, so a redelivered webhook records nothing twice.

use super::{Db, DbConn, Pool};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

/// Records that `payment_id` used a code; false if that payment already has a usage.
pub async fn insert_usage(
    conn: &mut DbConn,
    code_id: i64,
    user_id: i64,
    payment_id: i64,
    discount_cents: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO discount_usages (discount_code_id, user_id, payment_id, discount_cents, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(code_id)
    .bind(user_id)
    .bind(payment_id)
    .bind(discount_cents)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn usage_count_for_order(conn: &mut DbConn, order_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM discount_usages d JOIN payments p ON p.id = d.payment_id WHERE p.order_id = $1",
    )
    .bind(order_id)
    .fetch_one(conn)
    .await
}

/// The payment's referral commission and its partner, if it has one.
pub async fn referral_of_payment(
    conn: &mut DbConn,
    payment_id: i64,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, partner_id FROM commissions WHERE payment_id = $1 AND commission_type = 'referral'",
    )
    .bind(payment_id)
    .fetch_optional(conn)
    .await
}

/// A `pending` referral commission for `payment_id`, with the rate it was computed at; `None` if
/// that payment already has one.
pub async fn insert_referral(
    conn: &mut DbConn,
    partner_id: i64,
    payment_id: i64,
    amount_cents: i64,
    rate_bps: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO commissions (partner_id, payment_id, commission_type, amount_cents, rate_bps, status, created_at, updated_at)
         VALUES ($1, $2, 'referral', $3, $4, 'pending', $5, $5)
         ON CONFLICT (payment_id) WHERE commission_type = 'referral' DO NOTHING RETURNING id",
    )
    .bind(partner_id)
    .bind(payment_id)
    .bind(amount_cents)
    .bind(rate_bps)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// A `pending` commission for the customer's source florist who declined event `event_id` (DESIGN
/// §4); `payment_id` is the payment that paid for the delivery. `None` if the event already has one.
pub async fn insert_for_event(
    conn: &mut DbConn,
    partner_id: i64,
    event_id: i64,
    payment_id: Option<i64>,
    amount_cents: i64,
    rate_bps: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO commissions (partner_id, payment_id, event_id, commission_type, amount_cents, rate_bps, status, note, created_at, updated_at)
         VALUES ($1, $2, $3, 'fulfillment', $4, $5, 'pending', '', $6, $6)
         ON CONFLICT (event_id) WHERE commission_type = 'fulfillment' DO NOTHING RETURNING id",
    )
    .bind(partner_id)
    .bind(payment_id)
    .bind(event_id)
    .bind(amount_cents)
    .bind(rate_bps)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// A partner's headline numbers.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct PartnerTotals {
    pub uses: i64,
    pub customers: i64,
    pub pending_cents: i64,
    pub approved_cents: i64,
    pub paid_cents: i64,
    pub rejected_cents: i64,
    pub commissions: i64,
}

pub async fn totals(pool: &Pool, partner_id: i64) -> sqlx::Result<PartnerTotals> {
    sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM discount_usages d JOIN discount_codes c ON c.id = d.discount_code_id
              WHERE c.partner_id = $1) AS uses,
            (SELECT COUNT(*) FROM users WHERE referred_by_partner_id = $1) AS customers,
            CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN amount_cents END), 0) AS BIGINT) AS pending_cents,
            CAST(COALESCE(SUM(CASE WHEN status = 'approved' THEN amount_cents END), 0) AS BIGINT) AS approved_cents,
            CAST(COALESCE(SUM(CASE WHEN status = 'paid' THEN amount_cents END), 0) AS BIGINT) AS paid_cents,
            CAST(COALESCE(SUM(CASE WHEN status = 'rejected' THEN amount_cents END), 0) AS BIGINT) AS rejected_cents,
            COUNT(*) AS commissions
         FROM commissions WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_one(pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommissionRow {
    pub id: i64,
    pub partner_id: i64,
    pub business_name: String,
    pub payment_id: Option<i64>,
    /// The order the payment paid for: its number is what customers and partners know.
    pub order_id: Option<i64>,
    pub payment_cents: Option<i64>,
    pub customer_first_name: Option<String>,
    pub customer_last_name: Option<String>,
    pub customer_email: Option<String>,
    pub commission_type: String,
    pub amount_cents: i64,
    /// The rate a referral commission was computed at.
    pub rate_bps: Option<i64>,
    pub status: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    /// Held by an open risk flag (never paid while held).
    pub held: bool,
    /// The partner's holding period now (their own or the program's).
    pub holding_days: i64,
}

const COMMISSION_SELECT: &str = "SELECT m.id, m.partner_id, p.business_name, m.payment_id, pay.order_id, pay.amount_cents AS payment_cents,
        u.first_name AS customer_first_name, u.last_name AS customer_last_name, u.email AS customer_email,
        m.commission_type, m.amount_cents, m.rate_bps, m.status, m.note, m.created_at,
        m.risk_flag_id IS NOT NULL AS held,
        COALESCE(p.holding_days, (SELECT s.holding_days FROM program_settings s WHERE s.id = 1)) AS holding_days
     FROM commissions m JOIN partners p ON p.id = m.partner_id
     LEFT JOIN payments pay ON pay.id = m.payment_id LEFT JOIN users u ON u.id = pay.user_id";

/// Filters shared by the partner's table and the admin review page.
#[derive(Debug, Clone, Default)]
pub struct CommissionFilter {
    pub partner_id: Option<i64>,
    pub status: Option<String>,
}

impl CommissionFilter {
    /// Appends ` WHERE …` with only the conditions that are set. (A `($1 IS NULL OR col = $1)`
    /// pattern would keep SQLite from using the indexes: a dashboard with 10,000 commissions was
    /// 20× slower that way.)
    fn push_where<'a>(&'a self, query: &mut QueryBuilder<'a, Db>) {
        query.push(" WHERE 1 = 1");
        if let Some(partner) = self.partner_id {
            query.push(" AND m.partner_id = ").push_bind(partner);
        }
        if let Some(status) = &self.status {
            query.push(" AND m.status = ").push_bind(status.as_str());
        }
    }
}

pub async fn count(
    db: impl sqlx::Executor<'_, Database = Db>,
    filter: &CommissionFilter,
) -> sqlx::Result<i64> {
    let mut query = QueryBuilder::new("SELECT COUNT(*) FROM commissions m");
    filter.push_where(&mut query);
    query.build_query_scalar().fetch_one(db).await
}

/// Newest first.
pub async fn page(
    db: impl sqlx::Executor<'_, Database = Db>,
    filter: &CommissionFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<CommissionRow>> {
    let mut query = QueryBuilder::new(COMMISSION_SELECT);
    filter.push_where(&mut query);
    query
        .push(" ORDER BY m.created_at DESC, m.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    query.build_query_as().fetch_all(db).await
}

/// Every commission matching `filter`, oldest first: build it, then stream it with `fetch` (the
/// CSV export, which never holds the whole list).
pub fn export_query(filter: &CommissionFilter) -> QueryBuilder<'_, Db> {
    let mut query = QueryBuilder::new(COMMISSION_SELECT);
    filter.push_where(&mut query);
    query.push(" ORDER BY m.id");
    query
}

/// `pending` → `approved` for one commission, or for every pending one matching `filter` when
/// `id` is `None`. Returns how many changed (a second click changes nothing).
/// One commission with its partner's and payment's details.
pub async fn find(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<CommissionRow>> {
    sqlx::query_as(&format!("{COMMISSION_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// A commission [`approve`] changed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Approved {
    pub id: i64,
    pub partner_id: i64,
    pub amount_cents: i64,
}

/// `pending` → `approved` for one commission or every pending one matching `filter`, on the
/// caller's transaction (the partners' mails go in the same one). Returns what changed.
pub async fn approve(
    conn: &mut DbConn,
    id: Option<i64>,
    filter: &CommissionFilter,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Approved>> {
    let changed: Vec<Approved> = sqlx::query_as(
        "UPDATE commissions SET status = 'approved', updated_at = $3
         WHERE status = 'pending' AND ($1 IS NULL OR id = $1) AND ($2 IS NULL OR partner_id = $2)
         RETURNING id, partner_id, amount_cents",
    )
    .bind(id)
    .bind(filter.partner_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    // Exactly the partners whose numbers changed, in the same transaction as the change.
    let mut partners: Vec<i64> = changed.iter().map(|c| c.partner_id).collect();
    partners.sort_unstable();
    partners.dedup();
    for partner in partners {
        super::partners::bump_stats(conn, partner, id.unwrap_or(0)).await?;
    }
    Ok(changed)
}

/// `pending` → `rejected` with the admin's reason, on the caller's transaction. Returns the
/// commission's partner, or `None` when it was not pending.
pub async fn reject(
    conn: &mut DbConn,
    id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let partner: Option<i64> = sqlx::query_scalar(
        "UPDATE commissions SET status = 'rejected', note = $2, updated_at = $3
         WHERE id = $1 AND status = 'pending' RETURNING partner_id",
    )
    .bind(id)
    .bind(note)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(partner) = partner {
        super::partners::bump_stats(conn, partner, id).await?;
    }
    Ok(partner)
}

/// Rejects the payment's referral commission while it is not yet paid (`pending` or `approved`):
/// the payment was refunded or lost in a dispute. Returns the partner whose numbers changed.
///
/// A commission already in a live payout is left alone: that payout may be on its way to Stripe,
/// so the commission is paid, and then shows among [`paid_on_reversed_payments`] (money to recover).
pub async fn reject_unpaid_for_payment(
    conn: &mut DbConn,
    payment_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "UPDATE commissions SET status = 'rejected', note = $2, updated_at = $3
         WHERE payment_id = $1 AND status IN ('pending', 'approved')
           AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.commission_id = commissions.id AND i.live)
         RETURNING id, partner_id",
    )
    .bind(payment_id)
    .bind(note)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Commissions already paid out on payments that were later refunded or lost in a dispute: money
/// to recover from the partner (the payouts work nets it against the next payout). Newest first.
pub async fn paid_on_reversed_payments(
    pool: &Pool,
    order_id: Option<i64>,
) -> sqlx::Result<Vec<CommissionRow>> {
    let mut query = QueryBuilder::new(COMMISSION_SELECT);
    query.push(" WHERE m.status = 'paid' AND pay.status = 'refunded'");
    if let Some(order) = order_id {
        query.push(" AND pay.order_id = ").push_bind(order);
    }
    query.push(" ORDER BY m.created_at DESC, m.id DESC LIMIT 200");
    query.build_query_as().fetch_all(pool).await
}
