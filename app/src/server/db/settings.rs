//! The one `program_settings` row: the referral rate and the new-customer discount partners get
//! unless an admin set their own (`partners.referral_rate_bps`, `partners.discount_cents`).

use super::Pool;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgramSettingsRow {
    pub referral_rate_bps: i64,
    pub discount_cents: i64,
    pub updated_at: Option<DateTime<Utc>>,
    /// "Ann Lee", when an admin changed the settings.
    pub updated_by: Option<String>,
    /// Partners with their own rate or discount (the setting does not reach them).
    pub overrides: i64,
}

pub async fn get(pool: &Pool) -> sqlx::Result<ProgramSettingsRow> {
    sqlx::query_as(
        "SELECT s.referral_rate_bps, s.discount_cents, s.updated_at,
                u.first_name || ' ' || u.last_name AS updated_by,
                (SELECT COUNT(*) FROM partners
                  WHERE referral_rate_bps IS NOT NULL OR discount_cents IS NOT NULL) AS overrides
         FROM program_settings s LEFT JOIN users u ON u.id = s.updated_by WHERE s.id = 1",
    )
    .fetch_one(pool)
    .await
}

pub async fn update(
    pool: &Pool,
    referral_rate_bps: i64,
    discount_cents: i64,
    admin_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE program_settings SET referral_rate_bps = $1, discount_cents = $2, updated_by = $3, updated_at = $4
         WHERE id = 1",
    )
    .bind(referral_rate_bps)
    .bind(discount_cents)
    .bind(admin_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
