//! Revenue metrics per period as pages show them: a partner's own, and the program's with its top
//! partners. Amounts are formatted; `cents` stay only where a chart scales by them.

use serde::{Deserialize, Serialize};

/// One bar of a chart (a day, a week or a month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// Under the bar: "Nov", "3", "3 Nov".
    pub label: String,
    /// The bar's tooltip and text alternative: "November 2026", "3 Nov 2026", "Week of 3 Nov 2026".
    pub title: String,
    pub cents: i64,
    pub amount: String,
}

/// The period the numbers are for, as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodShown {
    /// "this_month", "last_month", "quarter", "year" or "custom".
    pub kind: String,
    /// "November 2026", "1 Oct – 31 Dec 2026".
    pub title: String,
    /// The first and last day, `YYYY-MM-DD` (the custom date fields' values).
    pub from: String,
    pub to: String,
    /// "day", "week" or "month": what one bar of the chart covers.
    pub step: String,
}

/// Commissions of one status earned in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTotal {
    /// "pending", "approved", "paid", "rejected".
    pub status: String,
    /// "Awaiting review", "Approved", "Paid", "Voided".
    pub label: String,
    pub count: i64,
    pub amount: String,
}

/// The numbers of one period (one partner's, or the whole program's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodNumbers {
    pub period: PeriodShown,
    /// What referred customers paid (succeeded payments).
    pub revenue: String,
    pub payments: i64,
    pub new_customers: i64,
    /// Earned, not voided.
    pub earned: String,
    /// Always the four statuses, in their order, zero when none.
    pub commissions: Vec<StatusTotal>,
    pub paid_out: String,
    pub payouts: i64,
    /// Earned commission per day, week or month of the period.
    pub bars: Vec<Bar>,
}

/// A partner among the program's top partners of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopPartnerLine {
    pub partner_id: i64,
    pub business_name: String,
    pub revenue: String,
    pub revenue_cents: i64,
    pub customers: i64,
    pub earned: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramMetrics {
    pub numbers: PeriodNumbers,
    /// Partners with referred revenue in the period, most first.
    pub top: Vec<TopPartnerLine>,
}
