//! Queries on `events` (one row per delivery).

use super::{DbConn, Pool};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub order_id: i64,
    pub delivery_date: NaiveDate,
    pub status: String,
    /// The florist who accepted the delivery, if one has.
    pub florist: Option<String>,
}

/// The columns of an [`EventRow`], with the florist holding the delivery (at most one, by the
/// `delivery_requests_one_live` index).
const EVENT_COLUMNS: &str = "SELECT e.id, e.order_id, e.delivery_date, e.status, p.business_name AS florist
     FROM events e
     LEFT JOIN delivery_requests r ON r.event_id = e.id AND r.status IN ('accepted', 'card_left', 'delivered')
     LEFT JOIN partners p ON p.id = r.partner_id";

/// Schedules deliveries on `dates`; a date the order already has is skipped (unique constraint).
/// Returns how many were added.
pub async fn schedule(
    conn: &mut DbConn,
    order_id: i64,
    payment_id: Option<i64>,
    dates: &[NaiveDate],
    message: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let mut added = 0;
    for date in dates {
        added += sqlx::query(
            "INSERT INTO events (order_id, payment_id, delivery_date, message, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'scheduled', $5, $5) ON CONFLICT DO NOTHING",
        )
        .bind(order_id)
        .bind(payment_id)
        .bind(date)
        .bind(message)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(added)
}

pub async fn count_for_order(conn: &mut DbConn, order_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE order_id = $1")
        .bind(order_id)
        .fetch_one(conn)
        .await
}

/// Cancels the order's scheduled deliveries (all of them, or only the one `payment_id` paid for).
pub async fn cancel_scheduled(
    conn: &mut DbConn,
    order_id: i64,
    payment_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE events SET status = 'cancelled', updated_at = $3
         WHERE order_id = $1 AND status = 'scheduled' AND ($2 IS NULL OR payment_id = $2)",
    )
    .bind(order_id)
    .bind(payment_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn list_for_user(pool: &Pool, user_id: i64) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(&format!(
        "{EVENT_COLUMNS} JOIN orders o ON o.id = e.order_id
         WHERE o.user_id = $1 ORDER BY e.delivery_date, e.id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

pub async fn list_for_order<'e>(
    db: impl sqlx::Executor<'e, Database = super::Db>,
    order_id: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(&format!(
        "{EVENT_COLUMNS} WHERE e.order_id = $1 ORDER BY e.delivery_date, e.id"
    ))
    .bind(order_id)
    .fetch_all(db)
    .await
}
