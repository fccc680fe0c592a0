//! The one `program_settings` row: the referral rate, the new-customer discount, the holding
//! period and the minimum payout partners get unless an admin set their own (`partners.*`), and
//! whether payout batches wait for an admin's approval.

use super::{DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgramSettingsRow {
    pub referral_rate_bps: i64,
    pub discount_cents: i64,
    pub holding_days: i64,
    pub minimum_payout_cents: i64,
    pub approve_payouts: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// "Ann Lee", when an admin changed the settings.
    pub updated_by: Option<String>,
    /// Partners with their own terms (the setting does not reach them).
    pub overrides: i64,
}

/// The values an admin sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Values {
    pub referral_rate_bps: i64,
    pub discount_cents: i64,
    pub holding_days: i64,
    pub minimum_payout_cents: i64,
    pub approve_payouts: bool,
}

impl Values {
    /// How the audit log shows them.
    pub fn describe(&self) -> String {
        format!(
            "rate {} bps, discount {} cents, holding {} days, minimum {} cents, approval {}",
            self.referral_rate_bps,
            self.discount_cents,
            self.holding_days,
            self.minimum_payout_cents,
            if self.approve_payouts { "on" } else { "off" }
        )
    }
}

impl ProgramSettingsRow {
    pub fn values(&self) -> Values {
        Values {
            referral_rate_bps: self.referral_rate_bps,
            discount_cents: self.discount_cents,
            holding_days: self.holding_days,
            minimum_payout_cents: self.minimum_payout_cents,
            approve_payouts: self.approve_payouts,
        }
    }
}

const SETTINGS_SELECT: &str = "SELECT s.referral_rate_bps, s.discount_cents, s.holding_days,
        s.minimum_payout_cents, s.approve_payouts, s.updated_at,
        u.first_name || ' ' || u.last_name AS updated_by,
        (SELECT COUNT(*) FROM partners
          WHERE referral_rate_bps IS NOT NULL OR discount_cents IS NOT NULL
             OR holding_days IS NOT NULL OR minimum_payout_cents IS NOT NULL) AS overrides
     FROM program_settings s LEFT JOIN users u ON u.id = s.updated_by WHERE s.id = 1";

pub async fn get(pool: &Pool) -> sqlx::Result<ProgramSettingsRow> {
    sqlx::query_as(SETTINGS_SELECT).fetch_one(pool).await
}

/// Takes the settings row's write lock (a no-op write): the transaction's first statement, so on
/// SQLite it can write after reading, and two admins' changes are recorded one after the other.
pub async fn lock(conn: &mut DbConn) -> sqlx::Result<()> {
    sqlx::query("UPDATE program_settings SET updated_at = updated_at WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

/// The settings as they are on the caller's transaction (the value before a change).
pub async fn get_on(conn: &mut DbConn) -> sqlx::Result<ProgramSettingsRow> {
    sqlx::query_as(SETTINGS_SELECT).fetch_one(conn).await
}

pub async fn update(
    conn: &mut DbConn,
    values: &Values,
    admin_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE program_settings SET referral_rate_bps = $1, discount_cents = $2, holding_days = $3,
             minimum_payout_cents = $4, approve_payouts = $5, updated_by = $6, updated_at = $7
         WHERE id = 1",
    )
    .bind(values.referral_rate_bps)
    .bind(values.discount_cents)
    .bind(values.holding_days)
    .bind(values.minimum_payout_cents)
    .bind(values.approve_payouts)
    .bind(admin_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
