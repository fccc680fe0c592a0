//! Payout controls as pages show them: the batch waiting for approval, a partner's ledger, the
//! activity log and risk flags.

use super::Paged;
use super::payouts::PayoutListed;
use serde::{Deserialize, Serialize};

/// One prepared payout in the approval batch, with what makes it worth a second look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalLine {
    pub payout: PayoutListed,
    /// "First payout to this partner", "8× the partner's usual payout ($50.00)"…
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalBatch {
    /// Batch approval is on (program settings).
    pub approval_on: bool,
    pub lines: Vec<ApprovalLine>,
    /// The sum of the batch, "$1,234.00".
    pub total: String,
    /// Payouts an admin held (they wait for approval too).
    pub held: Vec<PayoutListed>,
}

/// One money movement in a partner's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub date: String,
    /// "Commission earned (referral)", "Commission voided: …", "Taken back: …", "Payout #12 sent"…
    pub what: String,
    /// Signed, "+$5.00" or "−$5.00".
    pub amount: String,
    pub negative: bool,
    /// What we owe the partner after this movement.
    pub balance: String,
    /// For earned items: where they stand now ("Payable on 3 Dec 2026", "Held: …", "In payout #7",
    /// "Paid in payout #7", "Awaiting review", "Voided").
    pub status: Option<String>,
    /// The payout it went into, if any (for a link).
    pub payout_id: Option<i64>,
}

/// A partner's totals (the same sums the reconcile check uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerTotals {
    /// Awaiting an admin's review.
    pub pending: String,
    /// Approved and still in the holding period.
    pub holding: String,
    /// Ready for the next payout (past the holding period, plus deliveries and adjustments).
    pub payable: String,
    /// Held by a risk review.
    pub held: String,
    /// Money taken back that the next payout nets (negative, or "$0.00").
    pub adjustments: String,
    /// In a payout that was not sent yet.
    pub in_transit: String,
    pub paid: String,
    /// Everything we owe the partner.
    pub balance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub partner_id: i64,
    pub business_name: String,
    pub totals: LedgerTotals,
    pub entries: Paged<LedgerEntry>,
    /// "7 days", "$20.00".
    pub holding_period: String,
    pub minimum: String,
    /// What the payable balance still needs to reach the minimum (None once it does).
    pub left_to_minimum: Option<String>,
    /// When the next commission in the holding period becomes payable.
    pub next_payable_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub id: i64,
    pub when: String,
    /// "Ann Lee", or the system ("Payment reversal", "Risk check").
    pub actor: String,
    pub by_person: bool,
    pub action: String,
    /// "payout #12"
    pub subject: String,
    pub partner: Option<(i64, String)>,
    pub before: String,
    pub after: String,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub lines: Paged<ActivityLine>,
    /// Every action written so far, for the filter.
    pub actions: Vec<String>,
    pub action: Option<String>,
    pub partner_id: Option<i64>,
    /// "people" or "system" (None: both).
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFlagLine {
    pub id: i64,
    pub partner: (i64, String),
    pub kind: String,
    pub detail: String,
    /// open | cleared | confirmed
    pub status: String,
    pub raised: String,
    /// "24 Nov 2026 by Ann Lee"
    pub resolved: Option<String>,
    pub held: i64,
    pub held_amount: String,
}
