//! Payouts as partners and admins see them.

use super::Paged;
use serde::{Deserialize, Serialize};

/// Where a partner stands with Stripe payouts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutSetup {
    /// An Express account exists (onboarding was started).
    pub started: bool,
    /// Stripe can pay the account.
    pub ready: bool,
    /// What Stripe still needs, in plain words (when started and not ready).
    pub needs: Option<String>,
    /// The offline simulator stands in for Stripe (test mode).
    pub simulated: bool,
}

/// One payout in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutListed {
    pub id: i64,
    /// "Commissions" or "Deliveries".
    pub kind: String,
    pub amount: String,
    /// `pending`, `processing`, `completed`, `failed` or `on_hold`.
    pub status: String,
    /// The status in words ("Sent", "On hold"…).
    pub status_label: String,
    /// When it was prepared, and when it was sent (if it was).
    pub created: String,
    pub sent: Option<String>,
    pub items: i64,
    /// Why it failed, is held, or is waiting for Stripe (empty otherwise).
    pub reason: String,
    /// Shown to admins only.
    pub partner: Option<(i64, String)>,
    pub transfer_id: Option<String>,
}

/// A partner's payouts page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerPayouts {
    pub setup: PayoutSetup,
    pub payouts: Paged<PayoutListed>,
    /// What is approved and waiting for the next payout, per kind ("Commissions", "$12.00").
    pub waiting: Vec<(String, String)>,
}

/// One line of a payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutLine {
    pub description: String,
    pub amount: String,
    /// The line was released when the payout failed (it waits for a later payout).
    pub released: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutDetail {
    pub payout: PayoutListed,
    pub lines: Vec<PayoutLine>,
    /// What the partner can do about a failed or held payout.
    pub advice: Option<String>,
}

/// The admin payouts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPayouts {
    pub payouts: Paged<PayoutListed>,
    pub status: Option<String>,
    /// (status, label, count) for the filter.
    pub counts: Vec<(String, String, i64)>,
}
