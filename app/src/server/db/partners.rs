//! Queries on `partners` and `discount_codes`.

use super::{Db, DbConn, Pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartnerRow {
    pub id: i64,
    pub user_id: i64,
    pub partner_type: String,
    pub status: String,
    pub business_name: String,
    pub phone: String,
    pub created_at: DateTime<Utc>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub code_id: Option<i64>,
    pub code: Option<String>,
    pub code_active: Option<bool>,
    /// The partner's own terms; `None` means the program setting applies.
    pub rate_override_bps: Option<i64>,
    pub discount_override_cents: Option<i64>,
    /// The program settings at the time of the query.
    pub program_rate_bps: i64,
    pub program_discount_cents: i64,
    /// The partner wants commission-review mails (the non-essential ones).
    pub email_commissions: bool,
    /// The partner's own holding period and minimum payout; `None`: the program's.
    pub holding_override_days: Option<i64>,
    pub minimum_override_cents: Option<i64>,
    pub program_holding_days: i64,
    pub program_minimum_cents: i64,
}

impl PartnerRow {
    /// The referral rate this partner earns now.
    pub fn rate_bps(&self) -> i64 {
        self.rate_override_bps.unwrap_or(self.program_rate_bps)
    }

    /// The holding period and minimum payout that apply to this partner now.
    pub fn controls(&self) -> crate::domain::controls::Controls {
        crate::domain::controls::Controls {
            holding_days: self
                .holding_override_days
                .unwrap_or(self.program_holding_days),
            minimum: crate::domain::money::Cents(
                self.minimum_override_cents
                    .unwrap_or(self.program_minimum_cents),
            ),
        }
    }

    /// The discount this partner's code gives now.
    pub fn discount_cents(&self) -> i64 {
        self.discount_override_cents
            .unwrap_or(self.program_discount_cents)
    }
}

const PARTNER_SELECT: &str = "SELECT p.id, p.user_id, p.partner_type, p.status, p.business_name, p.phone, p.created_at,
        u.first_name, u.last_name, u.email, c.id AS code_id, c.code, c.is_active AS code_active,
        p.referral_rate_bps AS rate_override_bps, p.discount_cents AS discount_override_cents,
        s.referral_rate_bps AS program_rate_bps, s.discount_cents AS program_discount_cents,
        p.email_commissions, p.holding_days AS holding_override_days,
        p.minimum_payout_cents AS minimum_override_cents, s.holding_days AS program_holding_days,
        s.minimum_payout_cents AS program_minimum_cents
     FROM partners p JOIN users u ON u.id = p.user_id LEFT JOIN discount_codes c ON c.partner_id = p.id
     JOIN program_settings s ON s.id = 1";

pub async fn insert(
    conn: &mut DbConn,
    user_id: i64,
    partner_type: &str,
    business_name: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO partners (user_id, partner_type, status, business_name, phone, created_at, updated_at)
         VALUES ($1, $2, 'pending', $3, $4, $5, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(partner_type)
    .bind(business_name)
    .bind(phone)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Inserts the partner's code unless the code is taken; `None` means "taken, pick another".
/// (`ON CONFLICT` rather than catching the error: on PostgreSQL an error would abort the transaction.)
pub async fn insert_code(
    conn: &mut DbConn,
    partner_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO discount_codes (partner_id, code, is_active, created_at)
         VALUES ($1, $2, TRUE, $3) ON CONFLICT (code) DO NOTHING RETURNING id",
    )
    .bind(partner_id)
    .bind(code)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn find(
    db: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
) -> sqlx::Result<Option<PartnerRow>> {
    sqlx::query_as(&format!("{PARTNER_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Turns the partner's commission-review mails on or off.
pub async fn set_email_commissions(pool: &Pool, id: i64, on: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE partners SET email_commissions = $2 WHERE id = $1")
        .bind(id)
        .bind(on)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn find_by_user(
    db: impl sqlx::Executor<'_, Database = Db>,
    user_id: i64,
) -> sqlx::Result<Option<PartnerRow>> {
    sqlx::query_as(&format!("{PARTNER_SELECT} WHERE p.user_id = $1"))
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// What checking a typed code needs: the code, its partner, and the discount it gives now (the
/// partner's override or the program setting).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub code: String,
    pub discount_cents: i64,
    pub is_active: bool,
    pub partner_id: i64,
    pub partner_status: String,
    pub partner_user_id: i64,
    pub business_name: String,
}

// The columns and tables of a `CodeRow`, as macros so that queries built on them are `concat!`ed
// constants rather than strings formatted on every request.
macro_rules! code_columns {
    () => {
        "SELECT c.id, c.code, COALESCE(p.discount_cents, s.discount_cents) AS discount_cents,
            c.is_active, p.id AS partner_id, p.status AS partner_status, p.user_id AS partner_user_id,
            p.business_name"
    };
}
macro_rules! code_tables {
    () => {
        " FROM discount_codes c JOIN partners p ON p.id = c.partner_id JOIN program_settings s ON s.id = 1"
    };
}

/// A code together with what decides whether one customer may use it on one order, read in a
/// single statement (checking a code is the hottest request a customer makes).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeForCustomer {
    #[sqlx(flatten)]
    pub code: CodeRow,
    /// The customer has a payment that succeeded (or was later refunded): not a first order.
    pub customer_has_paid: bool,
    /// Their lowest-numbered other order (not `order_id`) that carries a discount and whose payment
    /// has started: the condition of the unique index `orders_one_discounted_payment`.
    pub other_discounted_order: Option<i64>,
}

/// `code` must already be normalised (lower case); `order_id` 0 means "no order yet".
pub async fn find_code_for_customer(
    conn: &mut DbConn,
    code: &str,
    user_id: i64,
    order_id: i64,
) -> sqlx::Result<Option<CodeForCustomer>> {
    const SQL: &str = concat!(
        code_columns!(),
        ",
            EXISTS (SELECT 1 FROM payments pay
                    WHERE pay.user_id = $2 AND pay.status IN ('succeeded', 'refunded')) AS customer_has_paid,
            (SELECT MIN(o.id) FROM orders o
             WHERE o.user_id = $2 AND o.id <> $3 AND o.discount_cents > 0
               AND o.payment_started_at IS NOT NULL) AS other_discounted_order",
        code_tables!(),
        " WHERE c.code = $1"
    );
    sqlx::query_as(SQL)
        .bind(code)
        .bind(user_id)
        .bind(order_id)
        .fetch_optional(conn)
        .await
}

pub async fn find_code_by_id(conn: &mut DbConn, id: i64) -> sqlx::Result<Option<CodeRow>> {
    sqlx::query_as(concat!(code_columns!(), code_tables!(), " WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Moves a partner from one of `from` to `to`; false if it was in another state (nothing changes).
pub async fn set_status(
    conn: &mut DbConn,
    id: i64,
    from: &[&str],
    to: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE partners SET status = $2, updated_at = $3
         WHERE id = $1 AND status IN ($4, $5)",
    )
    .bind(id)
    .bind(to)
    .bind(now)
    .bind(from.first().copied().unwrap_or(""))
    .bind(from.get(1).or(from.first()).copied().unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the partner's own rate and discount; `None` returns that term to the program setting.
/// Only later commissions and checkouts see the change (each records what it used).
/// Takes the partner row's write lock (a no-op write), so a transaction can read it and then
/// change it (SQLite: write first; PostgreSQL: one change after the other).
pub async fn lock(conn: &mut DbConn, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE partners SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A partner's own terms; `None` in a field: the program setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terms {
    pub rate_bps: Option<i64>,
    pub discount_cents: Option<i64>,
    pub holding_days: Option<i64>,
    pub minimum_payout_cents: Option<i64>,
}

impl Terms {
    pub fn of(row: &PartnerRow) -> Self {
        Self {
            rate_bps: row.rate_override_bps,
            discount_cents: row.discount_override_cents,
            holding_days: row.holding_override_days,
            minimum_payout_cents: row.minimum_override_cents,
        }
    }

    /// How the audit log shows them ("program" where the program setting applies).
    pub fn describe(&self) -> String {
        let shown = |v: Option<i64>| v.map_or_else(|| "program".to_owned(), |v| v.to_string());
        format!(
            "rate {} bps, discount {} cents, holding {} days, minimum {} cents",
            shown(self.rate_bps),
            shown(self.discount_cents),
            shown(self.holding_days),
            shown(self.minimum_payout_cents)
        )
    }
}

pub async fn set_terms(
    conn: &mut DbConn,
    id: i64,
    terms: &Terms,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE partners SET referral_rate_bps = $2, discount_cents = $3, holding_days = $4,
             minimum_payout_cents = $5, updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(terms.rate_bps)
    .bind(terms.discount_cents)
    .bind(terms.holding_days)
    .bind(terms.minimum_payout_cents)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Admin list filters. `search` matches name, email, business name or code (case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    pub partner_type: Option<String>,
    pub status: Option<String>,
    pub search: Option<String>,
}

const FILTER_WHERE: &str = "WHERE ($1 IS NULL OR p.partner_type = $1) AND ($2 IS NULL OR p.status = $2)
       AND ($3 IS NULL OR lower(u.email) LIKE $3 OR lower(u.first_name || ' ' || u.last_name) LIKE $3
            OR lower(p.business_name) LIKE $3 OR c.code LIKE $3)";

fn like(search: Option<&String>) -> Option<String> {
    search.map(|s| {
        let escaped: String = s
            .to_lowercase()
            .chars()
            .filter(|c| *c != '%' && *c != '_')
            .collect();
        format!("%{escaped}%")
    })
}

pub async fn count(pool: &Pool, filter: &PartnerFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM partners p JOIN users u ON u.id = p.user_id
         LEFT JOIN discount_codes c ON c.partner_id = p.id {FILTER_WHERE}"
    ))
    .bind(filter.partner_type.as_deref())
    .bind(filter.status.as_deref())
    .bind(like(filter.search.as_ref()))
    .fetch_one(pool)
    .await
}

/// One page of partners: those awaiting approval first, then newest first.
pub async fn page(
    pool: &Pool,
    filter: &PartnerFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<PartnerRow>> {
    sqlx::query_as(&format!(
        "{PARTNER_SELECT} {FILTER_WHERE}
         ORDER BY CASE WHEN p.status = 'pending' THEN 0 ELSE 1 END, p.created_at DESC, p.id DESC
         LIMIT $4 OFFSET $5"
    ))
    .bind(filter.partner_type.as_deref())
    .bind(filter.status.as_deref())
    .bind(like(filter.search.as_ref()))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
}

/// How many rows a partner's dashboard version is spread over (see migration `partner_stats`).
const STATS_SLOTS: i64 = 16;

/// Marks the partner's dashboard numbers as changed, in the caller's transaction. `spread` picks the
/// slot (any number: a payment or user id): writers with different ones rarely wait for each other.
/// One transaction must use one `spread` throughout, so that it never holds two slots of a partner
/// (two transactions each holding the slot the other wants would deadlock).
pub async fn bump_stats(conn: &mut DbConn, partner_id: i64, spread: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO partner_stats (partner_id, slot, version) VALUES ($1, $2, 1)
         ON CONFLICT (partner_id, slot) DO UPDATE SET version = partner_stats.version + 1",
    )
    .bind(partner_id)
    .bind(spread.rem_euclid(STATS_SLOTS))
    .execute(conn)
    .await?;
    Ok(())
}

/// The partner's dashboard version: grows with every committed change to their numbers.
pub async fn stats_version(
    db: impl sqlx::Executor<'_, Database = Db>,
    partner_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM partner_stats WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_one(db)
    .await
}

/// Stores the partner's Connect account id unless one is stored already; returns the stored one
/// (so two clicks racing end with one account: the idempotency key gave both the same id anyway).
pub async fn set_stripe_account(
    conn: &mut DbConn,
    partner_id: i64,
    account_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "UPDATE partners SET stripe_account_id = COALESCE(stripe_account_id, $2), updated_at = $3
         WHERE id = $1 RETURNING stripe_account_id",
    )
    .bind(partner_id)
    .bind(account_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

#[derive(sqlx::FromRow)]
struct AccountColumns {
    stripe_account_id: Option<String>,
    charges_enabled: bool,
    payouts_enabled: bool,
    transfers_active: bool,
    requirements_due: String,
    disabled_reason: String,
}

/// The partner's Connect account (if onboarding was started) and what Stripe last said about it.
pub async fn account_state(
    conn: &mut DbConn,
    partner_id: i64,
) -> sqlx::Result<Option<(Option<String>, crate::domain::payout::AccountState)>> {
    let row: Option<AccountColumns> = sqlx::query_as(
        "SELECT stripe_account_id, charges_enabled, payouts_enabled, transfers_active,
                requirements_due, disabled_reason
         FROM partners WHERE id = $1",
    )
    .bind(partner_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            r.stripe_account_id,
            crate::domain::payout::AccountState {
                charges_enabled: r.charges_enabled,
                payouts_enabled: r.payouts_enabled,
                transfers_active: r.transfers_active,
                currently_due: r
                    .requirements_due
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                disabled_reason: Some(r.disabled_reason).filter(|r| !r.is_empty()),
            },
        )
    }))
}

/// Stores what Stripe said about an account at `seen_at` (an event's `created` time, or now for a
/// fresh read), unless something newer was stored already: events can arrive out of order. False
/// when no partner has the account or the state held is newer.
pub async fn set_account_state(
    conn: &mut DbConn,
    account_id: &str,
    state: &crate::domain::payout::AccountState,
    seen_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE partners SET charges_enabled = $2, payouts_enabled = $3, transfers_active = $4,
             requirements_due = $5, disabled_reason = $6, account_event_at = $7
         WHERE stripe_account_id = $1 AND (account_event_at IS NULL OR account_event_at <= $7)",
    )
    .bind(account_id)
    .bind(state.charges_enabled)
    .bind(state.payouts_enabled)
    .bind(state.transfers_active)
    .bind(state.currently_due.join(","))
    .bind(state.disabled_reason.clone().unwrap_or_default())
    .bind(seen_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
