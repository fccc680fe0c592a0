//! A partner's ledger as a page: every money movement with the running balance, where each earned
//! item stands now, and the totals (pending, in the holding period, payable, held, in transit,
//! paid). Partners see their own; admins anyone's.
//!
//! Invariant: the last running balance equals the sum of the totals (both are computed from the
//! rows in `db::ledger`, and the property test in `tests/api/controls.rs` holds them together and
//! to the reconcile check).

use crate::domain::controls::Controls;
use crate::domain::money::Cents;
use crate::dto::controls::{Ledger, LedgerEntry, LedgerTotals};
use crate::dto::{AppError, Paged};
use crate::server::context::AppState;
use crate::server::db::ledger::{self as rows, Movement, Totals};
use crate::server::db::partners;
use crate::server::services::payout_views::day;
use chrono::{DateTime, Utc};

pub const PER_PAGE: i64 = 50;

/// "+$5.00" / "−$5.00".
pub fn signed(state: &AppState, cents: i64) -> String {
    let sign = if cents < 0 { "−" } else { "+" };
    format!("{sign}{}", state.money(cents.abs()))
}

impl Totals {
    /// Everything we owe the partner: the ledger's last running balance.
    pub fn balance(&self) -> i64 {
        self.pending_cents
            + self.holding_cents
            + self.payable_cents
            + self.held_cents
            + self.deliveries_cents
            + self.adjustments_cents
            + self.in_transit_cents
    }

    /// What the next payout would carry now (before the minimum is applied).
    pub fn next_payout(&self) -> i64 {
        self.payable_cents + self.deliveries_cents + self.adjustments_cents
    }
}

/// Where an earned item stands now.
fn status(
    state: &AppState,
    controls: Controls,
    m: &Movement,
    now: DateTime<Utc>,
) -> Option<String> {
    let in_payout = |id: i64| match m.payout_status.as_deref() {
        Some("completed") => format!("Paid in payout #{id}"),
        Some("awaiting_approval") => format!("In payout #{id}, awaiting approval"),
        _ => format!("In payout #{id}"),
    };
    match m.kind.as_str() {
        "earned" => Some(match (m.status.as_deref(), m.payout_id) {
            (Some("rejected"), _) => "Voided".to_owned(),
            (_, Some(id)) => in_payout(id),
            _ if m.held == Some(true) => "Held for review".to_owned(),
            (Some("pending"), _) => "Awaiting review".to_owned(),
            (Some("approved"), _) if controls.payable_on(m.at) > now => {
                format!("Payable on {}", day(state, controls.payable_on(m.at)))
            }
            (Some("approved"), _) => "Payable".to_owned(),
            (other, _) => other.unwrap_or_default().to_owned(),
        }),
        "delivered" | "adjusted" => Some(match m.payout_id {
            Some(id) => in_payout(id),
            None if m.kind == "adjusted" => "Taken from your next payout".to_owned(),
            None if m.status.as_deref() == Some("refunded") => "Not paid: refunded".to_owned(),
            None => "Payable".to_owned(),
        }),
        _ => None,
    }
}

fn what(m: &Movement) -> String {
    match m.kind.as_str() {
        "earned" if m.detail == "fulfillment" => {
            format!("Commission #{} earned (a delivery you passed on)", m.ref_id)
        }
        "earned" => format!("Commission #{} earned (referral)", m.ref_id),
        "delivered" => format!("Delivery #{} done", m.ref_id),
        "unpaid" => format!(
            "Delivery #{} not paid: the customer's payment was refunded before it was paid out",
            m.ref_id
        ),
        "voided" => format!("Commission #{} voided: {}", m.ref_id, m.detail),
        "adjusted" => format!("Taken back: {}", m.detail),
        "paid" => format!("Payout #{} sent", m.ref_id),
        other => other.to_owned(),
    }
}

pub fn entry(state: &AppState, controls: Controls, m: Movement, now: DateTime<Utc>) -> LedgerEntry {
    LedgerEntry {
        date: day(state, m.at),
        what: what(&m),
        amount: signed(state, m.amount_cents),
        negative: m.amount_cents < 0,
        balance: state.money(m.balance_cents),
        status: status(state, controls, &m, now),
        payout_id: if m.kind == "paid" {
            Some(m.ref_id)
        } else {
            m.payout_id
        },
    }
}

pub async fn ledger(state: &AppState, partner_id: i64, page: i64) -> Result<Ledger, AppError> {
    let partner = partners::find(&state.db, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let controls = partner.controls();
    let now = Utc::now();
    let totals = rows::totals(&state.db, partner_id, controls.earned_by(now)).await?;
    let total = rows::count(&state.db, partner_id).await?;
    let (page, pages) = Paged::<()>::window(total, PER_PAGE, page);
    let moves = rows::page(&state.db, partner_id, (page - 1) * PER_PAGE, PER_PAGE).await?;
    let next = Cents(totals.next_payout());
    let waiting = next.0 != 0 || totals.holding_cents > 0;
    let left = controls.left_to_minimum(next);
    Ok(Ledger {
        partner_id,
        business_name: partner.business_name.clone(),
        totals: LedgerTotals {
            pending: state.money(totals.pending_cents),
            holding: state.money(totals.holding_cents),
            payable: state.money(totals.payable_cents + totals.deliveries_cents),
            held: state.money(totals.held_cents),
            adjustments: state.money(totals.adjustments_cents),
            in_transit: state.money(totals.in_transit_cents),
            paid: state.money(totals.paid_cents),
            balance: state.money(totals.balance()),
        },
        entries: Paged {
            rows: moves
                .into_iter()
                .map(|m| entry(state, controls, m, now))
                .collect(),
            page,
            pages,
            total,
        },
        holding_period: if controls.holding_days == 1 {
            "1 day".to_owned()
        } else {
            format!("{} days", controls.holding_days)
        },
        minimum: state.money(controls.minimum.0),
        left_to_minimum: (waiting && left.0 > 0).then(|| state.money(left.0)),
        next_payable_on: totals
            .next_payable_earned_at
            .map(|at| day(state, controls.payable_on(at))),
    })
}
