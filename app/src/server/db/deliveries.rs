//! Queries on `delivery_requests`, their emailed links (`delivery_links`) and events waiting for an
//! admin (`events.attention`).
//!
//! Every status change is a conditional `UPDATE … WHERE status = <expected>`: of two answers racing
//! on one request, exactly one changes a row; the other sees `false` and changes nothing.

use super::{Db, DbConn, Pool};
use chrono::{DateTime, NaiveDate, Utc};

/// A scheduled event with what offering it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventToOffer {
    pub event_id: i64,
    pub status: String,
    pub delivery_date: NaiveDate,
    pub order_id: i64,
    pub budget_cents: i64,
    pub suburb: String,
    pub city: String,
    pub country: String,
    pub source_partner_id: Option<i64>,
}

const EVENT_TO_OFFER: &str =
    "SELECT e.id AS event_id, e.status, e.delivery_date, o.id AS order_id, o.budget_cents,
        o.suburb, o.city, o.country, u.source_partner_id
     FROM events e JOIN orders o ON o.id = e.order_id JOIN users u ON u.id = o.user_id";

/// Up to `limit` scheduled events with id > `after`, on or before `horizon`, that have no request
/// and wait for no admin: the job's first step, in id order (keyset paging keeps memory flat).
pub async fn events_to_offer(
    conn: &mut DbConn,
    horizon: NaiveDate,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<EventToOffer>> {
    sqlx::query_as(&format!(
        "{EVENT_TO_OFFER}
         WHERE e.id > $2 AND e.status = 'scheduled' AND e.delivery_date <= $1 AND e.attention IS NULL
           AND NOT EXISTS (SELECT 1 FROM delivery_requests r WHERE r.event_id = e.id)
         ORDER BY e.id LIMIT $3"
    ))
    .bind(horizon)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Takes the event's row lock (and, on SQLite, the write lock) until the transaction ends: a no-op
/// write, first in the transaction, so two admins assigning one event go one after the other.
pub async fn lock_event(conn: &mut DbConn, event_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE events SET updated_at = updated_at WHERE id = $1")
        .bind(event_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn event_to_offer(
    conn: &mut DbConn,
    event_id: i64,
) -> sqlx::Result<Option<EventToOffer>> {
    sqlx::query_as(&format!("{EVENT_TO_OFFER} WHERE e.id = $1"))
        .bind(event_id)
        .fetch_optional(conn)
        .await
}

/// Every florist already asked for the event (whatever they answered).
pub async fn asked(conn: &mut DbConn, event_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT partner_id FROM delivery_requests WHERE event_id = $1")
        .bind(event_id)
        .fetch_all(conn)
        .await
}

pub struct NewRequest {
    pub event_id: i64,
    pub partner_id: i64,
    pub pay_cents: i64,
    pub expires_at: DateTime<Utc>,
    pub assigned_by: Option<i64>,
}

/// Inserts a pending request; `None` when this florist was already asked for this event, or the
/// event already has a live request (both constraints: an event is never offered twice at once,
/// nor to one florist twice).
pub async fn insert(
    conn: &mut DbConn,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO delivery_requests (event_id, partner_id, status, pay_cents, expires_at, assigned_by,
            first_notified_at, created_at, updated_at)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $6, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.event_id)
    .bind(new.partner_id)
    .bind(new.pay_cents)
    .bind(new.expires_at)
    .bind(new.assigned_by)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Stores the digest of a new link to `request_id`.
pub async fn insert_link(
    conn: &mut DbConn,
    request_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delivery_links (token_hash, request_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(request_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A request with everything its page, its mails and its decisions need.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub event_id: i64,
    pub partner_id: i64,
    pub status: String,
    pub pay_cents: i64,
    pub expires_at: DateTime<Utc>,
    pub second_notified_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub note: String,
    pub card_left_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub photo_path: Option<String>,
    pub delivery_date: NaiveDate,
    pub event_status: String,
    pub event_payment_id: Option<i64>,
    pub order_id: i64,
    pub budget_cents: i64,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub delivery_notes: String,
    pub occasion: String,
    pub card_message: String,
    pub customer_id: i64,
    pub source_partner_id: Option<i64>,
    pub business_name: String,
    pub florist_user_id: i64,
    pub florist_first_name: String,
    pub florist_email: String,
}

const REQUEST_SELECT: &str = "SELECT r.id, r.event_id, r.partner_id, r.status, r.pay_cents, r.expires_at,
        r.second_notified_at, r.responded_at, r.reason, r.note, r.card_left_at, r.delivered_at, r.photo_path,
        e.delivery_date, e.status AS event_status, e.payment_id AS event_payment_id,
        o.id AS order_id, o.budget_cents, o.recipient_name, o.recipient_phone, o.street_address, o.suburb,
        o.city, o.state, o.postcode, o.country, o.delivery_notes, o.occasion, e.message AS card_message,
        o.user_id AS customer_id, cu.source_partner_id,
        p.business_name, p.user_id AS florist_user_id, fu.first_name AS florist_first_name, fu.email AS florist_email
     FROM delivery_requests r JOIN events e ON e.id = r.event_id JOIN orders o ON o.id = e.order_id
     JOIN users cu ON cu.id = o.user_id JOIN partners p ON p.id = r.partner_id JOIN users fu ON fu.id = p.user_id";

pub async fn find(
    db: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
) -> sqlx::Result<Option<RequestRow>> {
    sqlx::query_as(&format!("{REQUEST_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The request a link opens, by the link's digest.
pub async fn find_by_token(
    db: impl sqlx::Executor<'_, Database = Db>,
    token_hash: &str,
) -> sqlx::Result<Option<RequestRow>> {
    sqlx::query_as(&format!(
        "{REQUEST_SELECT} JOIN delivery_links l ON l.request_id = r.id WHERE l.token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Moves the request from `from` to `to`, recording the answer; false if it was no longer in
/// `from` (another answer won) or, for a pending one, its answer-by time has passed.
pub async fn transition(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    reason: Option<&str>,
    note: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE delivery_requests SET status = $3, updated_at = $6,
            responded_at = CASE WHEN status = 'pending' THEN $6 ELSE responded_at END,
            reason = COALESCE($4, reason),
            note = CASE WHEN $5 = '' THEN note ELSE $5 END,
            card_left_at = CASE WHEN $3 = 'card_left' THEN $6 ELSE card_left_at END,
            delivered_at = CASE WHEN $3 = 'delivered' THEN $6 ELSE delivered_at END
         WHERE id = $1 AND status = $2 AND (status <> 'pending' OR expires_at > $6)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_photo(conn: &mut DbConn, id: i64, path: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE delivery_requests SET photo_path = $2 WHERE id = $1")
        .bind(id)
        .bind(path)
        .execute(conn)
        .await?;
    Ok(())
}

/// Pending requests whose answer-by time has passed (the job expires them), in id order.
pub async fn overdue(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, event_id FROM delivery_requests
         WHERE status = 'pending' AND expires_at <= $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(now)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Expires a pending request whose time has passed; false if it was answered meanwhile.
pub async fn expire(conn: &mut DbConn, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE delivery_requests SET status = 'expired', updated_at = $2
         WHERE id = $1 AND status = 'pending' AND expires_at <= $2",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which mail the job sends about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Pending, delivery within a week, not reminded yet ([`to_remind`]).
    Reminder,
    /// Accepted, delivery today, not told yet ([`to_tell_today`]).
    DeliveryDay,
}

/// Pending requests to remind: delivery on or before `horizon`, offered at or before
/// `offered_before`, still open at `now`, not reminded yet; in id order.
pub async fn to_remind(
    conn: &mut DbConn,
    horizon: NaiveDate,
    offered_before: DateTime<Utc>,
    now: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT r.id FROM delivery_requests r JOIN events e ON e.id = r.event_id
         WHERE r.status = 'pending' AND r.second_notified_at IS NULL AND r.expires_at > $3
           AND r.first_notified_at <= $2 AND e.delivery_date <= $1 AND e.status = 'scheduled' AND r.id > $4
         ORDER BY r.id LIMIT $5",
    )
    .bind(horizon)
    .bind(offered_before)
    .bind(now)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Accepted requests for deliveries on `today` whose florist was not told yet; in id order.
pub async fn to_tell_today(
    conn: &mut DbConn,
    today: NaiveDate,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT r.id FROM delivery_requests r JOIN events e ON e.id = r.event_id
         WHERE r.status = 'accepted' AND r.day_notified_at IS NULL AND e.delivery_date = $1
           AND e.status = 'scheduled' AND r.id > $2
         ORDER BY r.id LIMIT $3",
    )
    .bind(today)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Marks `notice` sent for the request; false if it already was (another run sent it).
pub async fn mark_notified(
    conn: &mut DbConn,
    id: i64,
    notice: Notice,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let sql = match notice {
        Notice::Reminder => {
            "UPDATE delivery_requests SET second_notified_at = $2 WHERE id = $1 AND second_notified_at IS NULL"
        }
        Notice::DeliveryDay => {
            "UPDATE delivery_requests SET day_notified_at = $2 WHERE id = $1 AND day_notified_at IS NULL"
        }
    };
    let done = sqlx::query(sql).bind(id).bind(now).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// "Card left" requests whose 24 hours ran out: `(request, event)`.
pub async fn card_left_lapsed(
    conn: &mut DbConn,
    before: DateTime<Utc>,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, event_id FROM delivery_requests WHERE status = 'card_left' AND card_left_at <= $1 ORDER BY id",
    )
    .bind(before)
    .fetch_all(conn)
    .await
}

/// Sets the event aside for an admin with `reason`; false if it already waits for one.
pub async fn flag(
    conn: &mut DbConn,
    event_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE events SET attention = $2, attention_at = $3, updated_at = $3 WHERE id = $1 AND attention IS NULL",
    )
    .bind(event_id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn clear_flag(conn: &mut DbConn, event_id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE events SET attention = NULL, attention_at = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(event_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the event delivered (the florist confirmed it).
pub async fn mark_event_delivered(
    conn: &mut DbConn,
    event_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE events SET status = 'delivered', updated_at = $2 WHERE id = $1 AND status = 'scheduled'",
    )
    .bind(event_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The order's first succeeded payment (what a prepaid delivery was paid by).
pub async fn paying_payment(conn: &mut DbConn, order_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(id) FROM payments WHERE order_id = $1 AND status IN ('succeeded', 'refunded')",
    )
    .bind(order_id)
    .fetch_one(conn)
    .await
}

/// One line of a florist's request list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FloristLine {
    pub id: i64,
    pub status: String,
    pub delivery_date: NaiveDate,
    pub suburb: String,
    pub city: String,
    pub pay_cents: i64,
    pub expires_at: DateTime<Utc>,
}

/// The florist's requests: open ones first (soonest answer-by), then by delivery date, newest first.
pub async fn for_florist(
    pool: &Pool,
    partner_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<FloristLine>> {
    sqlx::query_as(
        "SELECT r.id, r.status, e.delivery_date, o.suburb, o.city, r.pay_cents, r.expires_at
         FROM delivery_requests r JOIN events e ON e.id = r.event_id JOIN orders o ON o.id = e.order_id
         WHERE r.partner_id = $1
         ORDER BY CASE WHEN r.status = 'pending' THEN 0 WHEN r.status IN ('accepted', 'card_left') THEN 1 ELSE 2 END,
                  CASE WHEN r.status IN ('pending', 'accepted', 'card_left') THEN e.delivery_date END,
                  e.delivery_date DESC, r.id DESC
         LIMIT $2",
    )
    .bind(partner_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A florist's record: how many requests ended each way, and declines/withdrawals per reason.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Record {
    pub offered: i64,
    pub accepted: i64,
    pub declined: i64,
    pub expired: i64,
    pub withdrawn: i64,
    pub delivered: i64,
    pub delivered_on_time: i64,
    pub failed: i64,
}

pub async fn record(pool: &Pool, partner_id: i64) -> sqlx::Result<Record> {
    sqlx::query_as(
        "SELECT COUNT(*) AS offered,
            COALESCE(SUM(CASE WHEN r.status IN ('accepted', 'card_left', 'delivered', 'failed', 'withdrawn') THEN 1 ELSE 0 END), 0) AS accepted,
            COALESCE(SUM(CASE WHEN r.status = 'declined' THEN 1 ELSE 0 END), 0) AS declined,
            COALESCE(SUM(CASE WHEN r.status = 'expired' THEN 1 ELSE 0 END), 0) AS expired,
            COALESCE(SUM(CASE WHEN r.status = 'withdrawn' THEN 1 ELSE 0 END), 0) AS withdrawn,
            COALESCE(SUM(CASE WHEN r.status = 'delivered' THEN 1 ELSE 0 END), 0) AS delivered,
            COALESCE(SUM(CASE WHEN r.status = 'delivered' AND r.card_left_at IS NULL THEN 1 ELSE 0 END), 0) AS delivered_on_time,
            COALESCE(SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
         FROM delivery_requests r WHERE r.partner_id = $1",
    )
    .bind(partner_id)
    .fetch_one(pool)
    .await
}

/// Declines and withdrawals per reason: `(status, reason, count)`.
pub async fn reasons(pool: &Pool, partner_id: i64) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT status, reason, COUNT(*) FROM delivery_requests
         WHERE partner_id = $1 AND status IN ('declined', 'withdrawn', 'failed') AND reason IS NOT NULL
         GROUP BY status, reason ORDER BY status, COUNT(*) DESC",
    )
    .bind(partner_id)
    .fetch_all(pool)
    .await
}

/// An event waiting for an admin.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlaggedEvent {
    pub event_id: i64,
    pub attention: String,
    pub attention_at: DateTime<Utc>,
    pub delivery_date: NaiveDate,
    pub order_id: i64,
    pub suburb: String,
    pub city: String,
    pub country: String,
    pub budget_cents: i64,
    pub asked: i64,
}

pub async fn flagged_count(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE attention IS NOT NULL AND status = 'scheduled'",
    )
    .fetch_one(pool)
    .await
}

/// Events waiting for an admin, soonest delivery first.
pub async fn flagged(pool: &Pool, limit: i64, offset: i64) -> sqlx::Result<Vec<FlaggedEvent>> {
    sqlx::query_as(
        "SELECT e.id AS event_id, e.attention, e.attention_at, e.delivery_date, o.id AS order_id, o.suburb,
            o.city, o.country, o.budget_cents,
            (SELECT COUNT(*) FROM delivery_requests r WHERE r.event_id = e.id) AS asked
         FROM events e JOIN orders o ON o.id = e.order_id
         WHERE e.attention IS NOT NULL AND e.status = 'scheduled'
         ORDER BY e.delivery_date, e.id LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// Per delivery of a customer's orders: the status of the request that holds it, if any.
pub async fn holders_for_user(
    pool: &Pool,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT r.event_id, r.status, p.business_name FROM delivery_requests r
         JOIN events e ON e.id = r.event_id JOIN orders o ON o.id = e.order_id JOIN partners p ON p.id = r.partner_id
         WHERE o.user_id = $1 AND r.status IN ('accepted', 'card_left', 'delivered')",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}
