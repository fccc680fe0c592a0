//! Revenue metrics over a span of time, for one partner or the whole program (`partner: None`).
//!
//! Definitions (the pages say them in words too):
//! - *referred revenue*: payments that succeeded (refunded and failed ones do not count) made by
//!   customers a partner referred, by the payment's date;
//! - *new customers*: referred customers whose first paid payment (succeeded, or refunded later)
//!   falls in the span;
//! - *commissions*: by the date they were earned, grouped by their status now;
//! - *paid out*: completed payouts, by the date the transfer completed.
//!
//! Spans are half-open, `[from, to)`. Every sum is cast back to BIGINT (PostgreSQL sums BIGINT
//! as NUMERIC) so both engines answer `i64`.

use super::{Db, Pool};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row as _};

/// `[from, to)`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sales {
    pub revenue_cents: i64,
    pub payments: i64,
    pub new_customers: i64,
}

/// Appends the referred-customer condition on `u` (users): one partner's, or any partner's.
fn push_referred<'a>(query: &mut QueryBuilder<'a, Db>, partner: Option<i64>) {
    match partner {
        Some(id) => query.push(" u.referred_by_partner_id = ").push_bind(id),
        None => query.push(" u.referred_by_partner_id IS NOT NULL"),
    };
}

fn push_span<'a>(query: &mut QueryBuilder<'a, Db>, column: &str, span: Span) {
    query
        .push(format!(" AND {column} >= "))
        .push_bind(span.from)
        .push(format!(" AND {column} < "))
        .push_bind(span.to);
}

pub async fn sales(pool: &Pool, partner: Option<i64>, span: Span) -> sqlx::Result<Sales> {
    let mut query = QueryBuilder::new(
        "SELECT CAST(COALESCE(SUM(pay.amount_cents), 0) AS BIGINT), COUNT(*)
         FROM payments pay JOIN users u ON u.id = pay.user_id WHERE",
    );
    push_referred(&mut query, partner);
    query.push(" AND pay.status = 'succeeded'");
    push_span(&mut query, "pay.created_at", span);
    let row = query.build().fetch_one(pool).await?;
    let (revenue_cents, payments) = (row.try_get(0)?, row.try_get(1)?);

    let mut query = QueryBuilder::new(
        "SELECT COUNT(*) FROM (SELECT MIN(pay.created_at) AS first_paid
         FROM payments pay JOIN users u ON u.id = pay.user_id WHERE",
    );
    push_referred(&mut query, partner);
    query.push(" AND pay.status IN ('succeeded', 'refunded') GROUP BY pay.user_id) f WHERE 1 = 1");
    push_span(&mut query, "f.first_paid", span);
    let new_customers = query.build_query_scalar().fetch_one(pool).await?;
    Ok(Sales {
        revenue_cents,
        payments,
        new_customers,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusSum {
    pub status: String,
    pub count: i64,
    pub cents: i64,
}

/// Commissions earned in the span, per status now.
pub async fn commissions_by_status(
    pool: &Pool,
    partner: Option<i64>,
    span: Span,
) -> sqlx::Result<Vec<StatusSum>> {
    let mut query = QueryBuilder::new(
        "SELECT status, COUNT(*) AS count, CAST(SUM(amount_cents) AS BIGINT) AS cents
         FROM commissions WHERE 1 = 1",
    );
    if let Some(id) = partner {
        query.push(" AND partner_id = ").push_bind(id);
    }
    push_span(&mut query, "created_at", span);
    query.push(" GROUP BY status");
    query.build_query_as().fetch_all(pool).await
}

/// Completed payouts in the span: how many, and their sum.
pub async fn paid_out(pool: &Pool, partner: Option<i64>, span: Span) -> sqlx::Result<(i64, i64)> {
    let mut query = QueryBuilder::new(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT)
         FROM payouts WHERE status = 'completed'",
    );
    if let Some(id) = partner {
        query.push(" AND partner_id = ").push_bind(id);
    }
    push_span(&mut query, "completed_at", span);
    query.build_query_as().fetch_one(pool).await
}

/// Earned (not rejected) commission per bar: `bounds` are `n + 1` ascending instants, the answer
/// has `n` sums. One indexed range scan (a column per bar); the calendar arithmetic is the
/// caller's.
pub async fn earned_per_bar(
    pool: &Pool,
    partner: Option<i64>,
    bounds: &[DateTime<Utc>],
) -> sqlx::Result<Vec<i64>> {
    let (Some(&from), Some(&to)) = (bounds.first(), bounds.last()) else {
        return Ok(Vec::new());
    };
    if bounds.len() < 2 {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::new("SELECT ");
    for (i, bar) in bounds.windows(2).enumerate() {
        if i > 0 {
            query.push(", ");
        }
        query
            .push("CAST(COALESCE(SUM(CASE WHEN created_at >= ")
            .push_bind(bar[0])
            .push(" AND created_at < ")
            .push_bind(bar[1])
            .push(" THEN amount_cents END), 0) AS BIGINT)");
    }
    query.push(" FROM commissions WHERE status <> 'rejected'");
    if let Some(id) = partner {
        query.push(" AND partner_id = ").push_bind(id);
    }
    push_span(&mut query, "created_at", Span { from, to });
    let row = query.build().fetch_one(pool).await?;
    (0..bounds.len() - 1)
        .map(|i| row.try_get::<i64, _>(i))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TopPartner {
    pub partner_id: i64,
    pub business_name: String,
    pub revenue_cents: i64,
    pub customers: i64,
    pub earned_cents: i64,
}

/// The partners whose referred customers paid the most in the span (ties: the older partner
/// first), with what they earned in it.
pub async fn top_partners(pool: &Pool, span: Span, limit: i64) -> sqlx::Result<Vec<TopPartner>> {
    let mut query = QueryBuilder::new(
        "SELECT p.id AS partner_id, p.business_name, r.revenue_cents, r.customers,
            CAST(COALESCE((SELECT SUM(m.amount_cents) FROM commissions m
                WHERE m.partner_id = p.id AND m.status <> 'rejected'",
    );
    push_span(&mut query, "m.created_at", span);
    query.push(
        "), 0) AS BIGINT) AS earned_cents
         FROM (SELECT u.referred_by_partner_id AS partner_id,
                 CAST(SUM(pay.amount_cents) AS BIGINT) AS revenue_cents,
                 COUNT(DISTINCT pay.user_id) AS customers
               FROM payments pay JOIN users u ON u.id = pay.user_id
               WHERE u.referred_by_partner_id IS NOT NULL AND pay.status = 'succeeded'",
    );
    push_span(&mut query, "pay.created_at", span);
    query.push(
        " GROUP BY u.referred_by_partner_id) r JOIN partners p ON p.id = r.partner_id
         ORDER BY r.revenue_cents DESC, p.id LIMIT ",
    );
    query.push_bind(limit);
    query.build_query_as().fetch_all(pool).await
}
