//! Queries on `orders`.

use super::{DbConn, Pool};
use crate::domain::order::NewOrder;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub budget_cents: i64,
    pub frequency: Option<String>,
    pub years: i32,
    pub recipient_name: String,
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub delivery_notes: String,
    pub message: String,
    pub first_delivery_date: NaiveDate,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub total_cents: i64,
    pub status: String,
    pub stripe_subscription_id: Option<String>,
    pub discount_code_id: Option<i64>,
    /// Set once the gateway is asked for a PaymentIntent or subscription: the amount is then fixed.
    pub payment_started_at: Option<DateTime<Utc>>,
    /// A subscription we asked the gateway to end, and when it confirmed.
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub gateway_cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, user_id, kind, budget_cents, frequency, years, recipient_name, street_address, suburb, city, \
    state, postcode, country, delivery_notes, message, first_delivery_date, subtotal_cents, discount_cents, total_cents, \
    status, stripe_subscription_id, discount_code_id, payment_started_at, cancel_requested_at, gateway_cancelled_at, created_at";

pub async fn insert(
    pool: &Pool,
    user_id: i64,
    order: &NewOrder,
    total_cents: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO orders (user_id, kind, budget_cents, frequency, years, recipient_name, street_address, suburb, city,
            state, postcode, country, delivery_notes, message, first_delivery_date, subtotal_cents, discount_cents,
            total_cents, status, created_at, updated_at, recipient_phone, occasion)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'pending_payment', $19, $19, $20, $21)
         RETURNING id",
    )
    .bind(user_id)
    .bind(order.kind.as_str())
    .bind(order.budget.0)
    .bind(order.frequency.map(|f| f.as_str()))
    .bind(i32::try_from(order.years).unwrap_or(1))
    .bind(&order.recipient_name)
    .bind(&order.street_address)
    .bind(&order.suburb)
    .bind(&order.city)
    .bind(&order.state)
    .bind(&order.postcode)
    .bind(&order.country)
    .bind(&order.delivery_notes)
    .bind(&order.message)
    .bind(order.first_delivery_date)
    .bind(order.subtotal.0)
    .bind(order.subtotal.0 - total_cents)
    .bind(total_cents)
    .bind(now)
    .bind(&order.recipient_phone)
    .bind(&order.occasion)
    .fetch_one(pool)
    .await
}

/// The order, if it belongs to `user_id` (someone else's order is indistinguishable from none).
pub async fn find_for_user(pool: &Pool, id: i64, user_id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM orders WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await
}

pub async fn find(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM orders WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn find_by_subscription(
    conn: &mut DbConn,
    subscription_id: &str,
) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM orders WHERE stripe_subscription_id = $1"
    ))
    .bind(subscription_id)
    .fetch_optional(conn)
    .await
}

pub async fn list_for_user(pool: &Pool, user_id: i64) -> sqlx::Result<Vec<OrderRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Takes the order's row lock until the transaction ends (a no-op write: portable, unlike
/// `SELECT … FOR UPDATE`). Invoices of one subscription then settle one after the other, so each
/// counts the deliveries before it correctly. SQLite serialises writers anyway.
pub async fn lock(conn: &mut DbConn, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE orders SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// `pending_payment` → `active`; false when the order was not waiting for payment.
pub async fn activate(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE orders SET status = 'active', updated_at = $2 WHERE id = $1 AND status = 'pending_payment'")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_refunded(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE orders SET status = 'refunded', updated_at = $2 WHERE id = $1 AND status <> 'refunded'")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks payment as starting, which fixes the order's amount (its discount can no longer change)
/// before the gateway is called. True if this call set it, false if it was already set. A second
/// discounted order of the same customer fails here with a unique violation
/// (`orders_one_discounted_payment`): the first-order discount is given once.
pub async fn mark_payment_started(
    conn: &mut DbConn,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET payment_started_at = $2, updated_at = $2
         WHERE id = $1 AND status = 'pending_payment' AND payment_started_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Undoes [`mark_payment_started`] after the gateway definitely created nothing (a refused
/// request), so the customer may change the code again. Never once a payment or subscription exists.
pub async fn release_payment_start(pool: &Pool, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orders SET payment_started_at = NULL, updated_at = $2
         WHERE id = $1 AND stripe_subscription_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = $1)",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// `active`/`pending_payment` → `cancelled` (a subscription stopped by its customer or an admin).
pub async fn mark_cancelled(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = 'cancelled', updated_at = $2
         WHERE id = $1 AND status IN ('active', 'pending_payment')",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Asks for the order's subscription to be ended at the gateway (kept until the gateway confirms).
pub async fn request_gateway_cancel(
    conn: &mut DbConn,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET cancel_requested_at = $2, updated_at = $2
         WHERE id = $1 AND stripe_subscription_id IS NOT NULL AND cancel_requested_at IS NULL
           AND gateway_cancelled_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The gateway confirmed the subscription has ended (our call, or `customer.subscription.deleted`).
pub async fn confirm_gateway_cancelled(
    conn: &mut DbConn,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET gateway_cancelled_at = $2, cancel_requested_at = COALESCE(cancel_requested_at, $2), updated_at = $2
         WHERE id = $1 AND gateway_cancelled_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Subscriptions we asked to end that the gateway has not confirmed yet: `(order id, subscription id)`.
pub async fn pending_gateway_cancels(pool: &Pool, limit: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, stripe_subscription_id FROM orders
         WHERE cancel_requested_at IS NOT NULL AND gateway_cancelled_at IS NULL AND stripe_subscription_id IS NOT NULL
         ORDER BY cancel_requested_at LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Stores the Stripe customer and subscription once; a second call keeps the first ids.
pub async fn set_subscription(
    pool: &Pool,
    id: i64,
    customer_id: &str,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET stripe_customer_id = $2, stripe_subscription_id = $3, updated_at = $4
         WHERE id = $1 AND stripe_subscription_id IS NULL",
    )
    .bind(id)
    .bind(customer_id)
    .bind(subscription_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets (or, with `None`, clears) the order's discount while it is unpaid and no payment has been
/// started for it; false otherwise. `total_cents` and `discount_cents` always add up to the subtotal.
pub async fn set_discount(
    conn: &mut DbConn,
    id: i64,
    code_id: Option<i64>,
    discount_cents: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET discount_code_id = $2, discount_cents = $3, total_cents = subtotal_cents - $3, updated_at = $4
         WHERE id = $1 AND status = 'pending_payment' AND payment_started_at IS NULL AND stripe_subscription_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = $1)",
    )
    .bind(id)
    .bind(code_id)
    .bind(discount_cents)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Another order of the user's that carries a discount and whose payment has started: the
/// first-order discount is already spoken for (the same condition as the unique index
/// `orders_one_discounted_payment`, which has the last word when two orders race).
pub async fn other_discounted_order_in_payment(
    conn: &mut DbConn,
    user_id: i64,
    order_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT o.id FROM orders o
         WHERE o.user_id = $1 AND o.id <> $2 AND o.discount_cents > 0 AND o.payment_started_at IS NOT NULL
         ORDER BY o.id LIMIT 1",
    )
    .bind(user_id)
    .bind(order_id)
    .fetch_optional(conn)
    .await
}

/// A row of the admin orders table (with the customer's name and email).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub total_cents: i64,
    pub created_at: DateTime<Utc>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// The admin table's filter: an order status, or `needs_review` (an order with a payment waiting
/// for an admin's decision).
const ADMIN_FILTER: &str = "($1 IS NULL OR o.status = $1 OR ($1 = 'needs_review' AND EXISTS
    (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'needs_review')))";

pub async fn count(pool: &Pool, status: Option<&str>) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM orders o WHERE {ADMIN_FILTER}"
    ))
    .bind(status)
    .fetch_one(pool)
    .await
}

/// One page of orders, newest first, optionally of one status.
pub async fn page(
    pool: &Pool,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<AdminRow>> {
    sqlx::query_as(&format!(
        "SELECT o.id, o.kind, o.status, o.total_cents, o.created_at, u.first_name, u.last_name, u.email
         FROM orders o JOIN users u ON u.id = o.user_id
         WHERE {ADMIN_FILTER}
         ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}
