//! The partner program as pages see it: the dashboard, code checks and the admin partner lists.

use super::Paged;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionLine {
    pub id: i64,
    pub date: String,
    pub partner: String,
    pub partner_id: i64,
    /// "Ann Lee <ann@example.com>" for admins; first name and initial for the partner.
    pub customer: String,
    pub payment: String,
    pub amount: String,
    /// The rate the commission was computed at ("5%"), or "—" when it has none.
    pub rate: String,
    pub status: String,
    pub status_label: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDashboard {
    pub business_name: String,
    pub partner_type: String,
    pub status: String,
    pub status_label: String,
    /// Upper case for reading aloud and typing, e.g. "ROSIE-S-ROSES-K7Q2".
    pub code: Option<String>,
    pub code_active: bool,
    pub discount: String,
    /// The partner's referral rate now, "5%".
    pub rate: String,
    /// How many of a referred customer's first payments earn a commission.
    pub commissioned_payments: i64,
    pub share_link: Option<String>,
    pub uses: i64,
    pub customers: i64,
    pub pending: String,
    pub approved: String,
    pub paid: String,
    pub rejected: String,
    pub months: Vec<super::metrics::Bar>,
    pub commissions: Paged<CommissionLine>,
    pub status_filter: Option<String>,
    /// Mails when commissions are approved or rejected (the partner can turn them off).
    pub email_commissions: bool,
    /// A delivery florist's booking link, areas, pause and requests.
    pub florist: Option<crate::dto::delivery::FloristPanel>,
    /// Where the partner stands with Stripe payouts (the "Set up payouts" banner until done).
    pub payout_setup: crate::dto::payouts::PayoutSetup,
}

/// A valid code, as the customer sees it confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCheck {
    pub code: String,
    pub business_name: String,
    pub discount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPartnerRow {
    pub id: i64,
    pub business_name: String,
    pub contact: String,
    pub partner_type: String,
    pub status: String,
    pub status_label: String,
    pub code: String,
    pub joined: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPartnerDetail {
    pub row: AdminPartnerRow,
    pub phone: String,
    pub terms: PartnerTerms,
    pub uses: i64,
    pub customers: i64,
    pub pending: String,
    /// Some commissions wait for approval ("Approve all pending" has work to do).
    pub has_pending: bool,
    pub approved: String,
    pub paid: String,
    pub commissions: Vec<CommissionLine>,
    /// A delivery florist's details and record.
    pub florist: Option<crate::dto::delivery::FloristRecord>,
    /// Stripe onboarding: started, payable, and what Stripe still needs.
    pub payout_setup: crate::dto::payouts::PayoutSetup,
}

/// The program's terms as everyone may read them (the partner sign-up page says what partners earn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramTerms {
    /// "5%"
    pub rate: String,
    /// "$5.00"
    pub discount: String,
    pub commissioned_payments: i64,
}

/// The program settings page: current values (as the form shows them) and who changed them last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSettings {
    /// For the form: "5", "7.5".
    pub rate_percent: String,
    /// For the form: "5.00".
    pub discount_amount: String,
    pub rate: String,
    pub discount: String,
    /// "23 Nov 2026 by Ann Lee", or `None` while the defaults stand.
    pub updated: Option<String>,
    /// Partners with their own terms, whom a change here does not reach.
    pub overrides: i64,
    /// Days a commission waits after its payment before it can be paid.
    pub holding_days: i64,
    /// For the form ("20.00") and shown ("$20.00").
    pub minimum_amount: String,
    pub minimum: String,
    /// Prepared payout batches wait for an admin's approval.
    pub approve_payouts: bool,
}

/// One partner's rate and discount, and whether each is their own or the program's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerTerms {
    pub rate: String,
    pub discount: String,
    pub rate_is_custom: bool,
    pub discount_is_custom: bool,
    /// For the form: the override, or empty when the program setting applies.
    pub rate_percent: String,
    pub discount_amount: String,
    pub program_rate: String,
    pub program_discount: String,
    /// The holding period and minimum payout that apply, and the overrides for the form (empty:
    /// the program's).
    pub holding: String,
    pub minimum: String,
    pub holding_days: String,
    pub minimum_amount: String,
    pub program_holding: String,
    pub program_minimum: String,
}
