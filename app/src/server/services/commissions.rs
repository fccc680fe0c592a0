//! Referral commissions: created when a referred customer's payment succeeds (inside the webhook's
//! transaction), reviewed by admins.
//!
//! Invariants: at most one usage and one referral commission per payment (unique constraints; the
//! inserts are `ON CONFLICT DO NOTHING`), commissions only on a customer's first
//! [`COMMISSIONED_PAYMENTS`] paid payments, amount = the partner's rate at that moment (their own or
//! the program's) of the order's per-delivery budget, half-to-even; the rate is stored with it. Only `pending` commissions can be approved or rejected, and a rejection needs a reason.

use crate::domain::money::Cents;
use crate::domain::partner::{COMMISSION_STATUSES, COMMISSIONED_PAYMENTS};
use crate::domain::rate::Rate;
use crate::dto::AppError;
use crate::dto::Paged;
use crate::dto::partners::CommissionLine;
use crate::server::context::{AppState, Settings};
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::commissions::{self as rows, CommissionFilter};
use crate::server::db::{DbConn, adjustments, orders, partners, payments};
use crate::server::services::notices;
use crate::server::services::partners::{PER_PAGE, commission_line};
use chrono::{DateTime, Utc};

/// What a succeeded payment earned, for the webhook's outcome text.
#[derive(Debug, Default)]
pub struct Rewards {
    pub usage: bool,
    pub commission: Option<Cents>,
    /// The referring partner is not active (suspended): this payment earns them nothing.
    pub partner_inactive: bool,
    /// The commission is held by a risk flag (why).
    pub held: Option<String>,
}

impl Rewards {
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.usage {
            parts.push("code use recorded".to_owned());
        }
        if let Some(c) = self.commission {
            parts.push(format!("commission {} pending", c.to_decimal_string()));
        }
        if let Some(reason) = &self.held {
            parts.push(format!("commission held: {reason}"));
        }
        if self.partner_inactive {
            parts.push("no commission: the referring partner is suspended".to_owned());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("; {}", parts.join(", "))
        }
    }
}

/// A payment that just succeeded.
#[derive(Debug, Clone, Copy)]
pub struct Paid {
    pub id: i64,
    pub user_id: i64,
}

/// Called in the webhook transaction right after `payment` became succeeded.
pub async fn on_payment_succeeded(
    conn: &mut DbConn,
    payment: Paid,
    order: &orders::OrderRow,
    now: DateTime<Utc>,
) -> Result<Rewards, AppError> {
    let mut rewards = Rewards::default();
    // The discount is on the order's first payment only (a subscription's later invoices are full price).
    if let Some(code_id) = order.discount_code_id
        && order.discount_cents > 0
        && rows::usage_count_for_order(conn, order.id).await? == 0
    {
        rewards.usage = rows::insert_usage(
            conn,
            code_id,
            payment.user_id,
            payment.id,
            order.discount_cents,
            now,
        )
        .await?;
        if rewards.usage
            && let Some(code) = partners::find_code_by_id(conn, code_id).await?
        {
            partners::bump_stats(conn, code.partner_id, payment.id).await?;
        }
    }
    // A no-op write takes the customer's row lock (PostgreSQL; SQLite already serialises writers),
    // so two of their payments settling at once count "first 3" one after the other. Portable,
    // unlike `SELECT … FOR UPDATE`.
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(payment.user_id)
        .execute(&mut *conn)
        .await?;
    let referrer: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.status, COALESCE(p.referral_rate_bps, s.referral_rate_bps)
         FROM users u JOIN partners p ON p.id = u.referred_by_partner_id JOIN program_settings s ON s.id = 1
         WHERE u.id = $1",
    )
    .bind(payment.user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((partner_id, partner_status, rate_bps)) = referrer else {
        return Ok(rewards);
    };
    // A suspended partner earns nothing on payments made while suspended (the payment still counts
    // as one of the customer's first three). Reactivated, they earn again on later payments.
    if partner_status != "active" {
        rewards.partner_inactive = true;
        return Ok(rewards);
    }
    // This payment is already counted as succeeded.
    if payments::count_succeeded_for_user(conn, payment.user_id).await? > COMMISSIONED_PAYMENTS {
        return Ok(rewards);
    }
    let amount = Rate::from_bps(rate_bps).of(Cents(order.budget_cents));
    if amount.0 > 0
        && let Some(commission_id) =
            rows::insert_referral(conn, partner_id, payment.id, amount.0, rate_bps, now).await?
    {
        rewards.commission = Some(amount);
        rewards.held =
            crate::server::services::risk::screen(conn, partner_id, commission_id, payment.id, now)
                .await?;
        partners::bump_stats(conn, partner_id, payment.id).await?;
    }
    Ok(rewards)
}

/// Takes back the payment's referral commission: while it is unpaid (`pending` or `approved`) it is
/// rejected with the reason the partner sees; once paid it stays paid and a negative adjustment
/// takes its amount from the partner's next payout. Returns whether anything was taken back.
pub async fn reject_for_reversal(
    conn: &mut DbConn,
    settings: &Settings,
    payment_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let rejected = rows::reject_unpaid_for_payment(conn, payment_id, reason, now).await?;
    if let Some((commission, partner)) = rejected {
        partners::bump_stats(conn, partner, payment_id).await?;
        notices::commission_rejected(conn, settings, commission, now).await?;
    }
    // Already paid: taken back from the partner's next payout (a negative adjustment). A
    // commission in a payout still on its way is settled when that payout completes or fails.
    let reason = format!("{reason} after this commission was paid");
    let made = adjustments::claw_back_paid(conn, payment_id, &reason, now).await?;
    let actor = Actor::system("Payment reversal", &format!("payment {payment_id}"));
    crate::server::services::payouts::record_adjustments(conn, &actor, &made, now).await?;
    for adjustment in &made {
        partners::bump_stats(conn, adjustment.partner_id, payment_id).await?;
    }
    Ok(rejected.is_some() || !made.is_empty())
}

/// One page of commissions matching `filter`.
pub async fn page(
    state: &AppState,
    conn: &mut DbConn,
    filter: &CommissionFilter,
    page: i64,
    for_admin: bool,
    known_total: Option<i64>,
) -> Result<Paged<CommissionLine>, AppError> {
    let total = match known_total {
        Some(total) => total,
        None => rows::count(&mut *conn, filter).await?,
    };
    let (page, pages) = Paged::<()>::window(total, PER_PAGE, page);
    let found = rows::page(&mut *conn, filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    Ok(Paged {
        rows: found
            .iter()
            .map(|r| commission_line(r, state, for_admin))
            .collect(),
        page,
        pages,
        total,
    })
}

/// The admin filter as the review page reads it: no status means what needs review (`pending`),
/// `all` every status. The CSV export reads it the same way, so it downloads what the page shows.
pub fn admin_filter(status: Option<&str>, partner_id: Option<i64>) -> CommissionFilter {
    let status = match status {
        None | Some("") => Some("pending".to_owned()),
        Some("all") => None,
        Some(s) if COMMISSION_STATUSES.contains(&s) => Some(s.to_owned()),
        Some(_) => Some("pending".to_owned()),
    };
    CommissionFilter { partner_id, status }
}

/// The admin review list; with no status given it shows what needs review (`pending`).
pub async fn admin_list(
    state: &AppState,
    status: Option<String>,
    partner_id: Option<i64>,
    page_number: i64,
) -> Result<Paged<CommissionLine>, AppError> {
    let filter = admin_filter(status.as_deref(), partner_id);
    page(
        state,
        &mut *state.db.acquire().await?,
        &filter,
        page_number,
        true,
        None,
    )
    .await
}

/// Approves one commission, or every pending one (of a partner); each partner whose commissions
/// were approved gets one mail for the lot, if they want commission mails.
pub async fn approve(
    state: &AppState,
    actor: &Actor,
    commission_id: Option<i64>,
    partner_id: Option<i64>,
) -> Result<u64, AppError> {
    let filter = CommissionFilter {
        partner_id,
        status: None,
    };
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    let changed = rows::approve(&mut tx, commission_id, &filter, now).await?;
    for commission in &changed {
        let change = Change {
            action: "commission.approve",
            subject_type: "commission",
            subject_id: commission.id,
            partner_id: Some(commission.partner_id),
            before: "pending".into(),
            after: "approved".into(),
        };
        audit::record(&mut tx, actor, &change, now).await?;
    }
    let mut by_partner: std::collections::BTreeMap<i64, Vec<&rows::Approved>> = Default::default();
    for commission in &changed {
        by_partner
            .entry(commission.partner_id)
            .or_default()
            .push(commission);
    }
    for (partner, approved) in by_partner {
        notices::commissions_approved(&mut tx, &state.settings, partner, &approved, now).await?;
    }
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(
        ?commission_id,
        ?partner_id,
        changed = changed.len(),
        "commissions approved"
    );
    Ok(changed.len() as u64)
}

pub async fn reject(
    state: &AppState,
    actor: &Actor,
    commission_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say why the commission is rejected: the partner sees this reason.",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "Keep the reason under 500 characters.",
        ));
    }
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    let Some(partner_id) = rows::reject(&mut tx, commission_id, reason, now).await? else {
        return Err(AppError::field(
            "reason",
            "Only a pending commission can be rejected; this one was already reviewed.",
        ));
    };
    let change = Change {
        action: "commission.reject",
        subject_type: "commission",
        subject_id: commission_id,
        partner_id: Some(partner_id),
        before: "pending".into(),
        after: format!("rejected: {reason}"),
    };
    audit::record(&mut tx, actor, &change, now).await?;
    notices::commission_rejected(&mut tx, &state.settings, commission_id, now).await?;
    tx.commit().await?;
    state.mail_wake.queued();
    Ok(())
}
