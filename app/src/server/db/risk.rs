//! Queries on `risk_flags` and the signals they are raised on (see `domain::risk`).

use super::{DbConn, Pool};
use chrono::{DateTime, Duration, Utc};

/// What the risk check needs to know about one referral.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Referral {
    pub partner_user_id: i64,
    pub partner_email: String,
    pub partner_ip: Option<String>,
    pub customer_id: i64,
    pub customer_email: String,
    pub customer_ip: Option<String>,
    pub customer_joined: DateTime<Utc>,
    pub fingerprint: Option<String>,
}

pub async fn referral(
    conn: &mut DbConn,
    partner_id: i64,
    payment_id: i64,
) -> sqlx::Result<Option<Referral>> {
    sqlx::query_as(
        "SELECT pu.id AS partner_user_id, pu.email AS partner_email, pu.signup_ip AS partner_ip,
                cu.id AS customer_id, cu.email AS customer_email, cu.signup_ip AS customer_ip,
                cu.created_at AS customer_joined, pay.card_fingerprint AS fingerprint
         FROM payments pay JOIN users cu ON cu.id = pay.user_id
         JOIN partners p ON p.id = $1 JOIN users pu ON pu.id = p.user_id
         WHERE pay.id = $2",
    )
    .bind(partner_id)
    .bind(payment_id)
    .fetch_optional(conn)
    .await
}

/// Whether the partner's own user ever paid with this card.
pub async fn partner_used_card(
    conn: &mut DbConn,
    partner_user_id: i64,
    fingerprint: &str,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM payments WHERE card_fingerprint = $1 AND user_id = $2 LIMIT 1",
    )
    .bind(fingerprint)
    .bind(partner_user_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The partner's referred sign-ups from `ip` in the day up to `joined`.
pub async fn referred_from_ip(
    conn: &mut DbConn,
    partner_id: i64,
    ip: &str,
    joined: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE signup_ip = $1 AND referred_by_partner_id = $2
           AND created_at > $3 AND created_at <= $4",
    )
    .bind(ip)
    .bind(partner_id)
    .bind(joined - Duration::days(1))
    .bind(joined)
    .fetch_one(conn)
    .await
}

pub async fn open_flag(conn: &mut DbConn, partner_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM risk_flags WHERE partner_id = $1 AND status = 'open'")
        .bind(partner_id)
        .fetch_optional(conn)
        .await
}

/// Opens a flag, or returns the partner's open one (one open flag per partner).
pub async fn open(
    conn: &mut DbConn,
    partner_id: i64,
    kind: &str,
    customer_id: i64,
    detail: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<(i64, bool)> {
    let made: Option<i64> = sqlx::query_scalar(
        "INSERT INTO risk_flags (partner_id, kind, customer_id, detail, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (partner_id) WHERE status = 'open' DO NOTHING RETURNING id",
    )
    .bind(partner_id)
    .bind(kind)
    .bind(customer_id)
    .bind(detail)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    match made {
        Some(id) => Ok((id, true)),
        None => Ok((
            open_flag(conn, partner_id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?,
            false,
        )),
    }
}

/// Holds one commission under a flag (only while it is unpaid and unheld).
pub async fn hold_commission(
    conn: &mut DbConn,
    commission_id: i64,
    flag_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE commissions SET risk_flag_id = $2, updated_at = $3
         WHERE id = $1 AND risk_flag_id IS NULL AND status IN ('pending', 'approved')
           AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.commission_id = commissions.id AND i.live)",
    )
    .bind(commission_id)
    .bind(flag_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlagRow {
    pub id: i64,
    pub partner_id: i64,
    pub business_name: String,
    pub kind: String,
    pub detail: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub held: i64,
    pub held_cents: i64,
}

const FLAG_SELECT: &str = "SELECT f.id, f.partner_id, p.business_name, f.kind, f.detail, f.status,
        f.created_at, f.resolved_at, u.first_name || ' ' || u.last_name AS resolved_by,
        (SELECT COUNT(*) FROM commissions c WHERE c.risk_flag_id = f.id) AS held,
        CAST(COALESCE((SELECT SUM(c.amount_cents) FROM commissions c WHERE c.risk_flag_id = f.id), 0) AS BIGINT) AS held_cents
     FROM risk_flags f JOIN partners p ON p.id = f.partner_id LEFT JOIN users u ON u.id = f.resolved_by";

pub async fn find(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<FlagRow>> {
    sqlx::query_as(&format!("{FLAG_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Open flags first, then the latest resolved ones; `partner` narrows to one partner.
pub async fn list(pool: &Pool, partner: Option<i64>, limit: i64) -> sqlx::Result<Vec<FlagRow>> {
    sqlx::query_as(&format!(
        "{FLAG_SELECT} WHERE ($1 = 0 OR f.partner_id = $1)
         ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.created_at DESC, f.id DESC LIMIT $2"
    ))
    .bind(partner.unwrap_or(0))
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn count_open(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM risk_flags WHERE status = 'open'")
        .fetch_one(pool)
        .await
}

/// Closes an open flag as `cleared` or `confirmed`. False when it was not open.
pub async fn resolve(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    admin_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE risk_flags SET status = $2, resolved_at = $3, resolved_by = $4
         WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .bind(status)
    .bind(now)
    .bind(admin_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cleared: the flag's commissions go on as if never held.
pub async fn release_commissions(
    conn: &mut DbConn,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE commissions SET risk_flag_id = NULL, updated_at = $2 WHERE risk_flag_id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Confirmed: the flag's unpaid commissions are rejected with the reason the partner reads.
pub async fn reject_commissions(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE commissions SET status = 'rejected', note = $2, updated_at = $3
         WHERE risk_flag_id = $1 AND status IN ('pending', 'approved')",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
