//! What the admin pages show: the overview counts, users, orders and one order in full.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    /// Partners waiting for approval.
    pub partners_to_review: i64,
    /// Commissions waiting for approval or rejection.
    pub commissions_to_review: i64,
    pub customers: i64,
    pub admins: i64,
    /// Payments whose amount or currency differs from what we asked, waiting for a decision.
    pub payments_to_review: i64,
    /// Mails that failed for good (the outbox page can send them again).
    pub emails_failed: i64,
    /// Deliveries no florist has taken, waiting for an admin to assign one.
    pub deliveries_waiting: i64,
    /// Payouts held, refused or unconfirmed that no later payout has settled.
    pub payouts_needing_attention: i64,
    pub signups_last_7_days: i64,
    pub recent_users: Vec<UserRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub joined: String,
}

/// One page of the admin orders table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderPage {
    pub rows: Vec<AdminOrderRow>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderRow {
    pub id: i64,
    pub customer: String,
    pub kind: String,
    pub status: String,
    pub total: String,
    pub placed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderDetail {
    pub summary: crate::dto::orders::OrderSummary,
    pub customer: String,
    pub is_subscription: bool,
    pub test_mode: bool,
    /// Commissions already paid on this order's refunded or disputed payments: to recover.
    pub to_recover: Vec<crate::dto::partners::CommissionLine>,
}

/// One mail in the admin outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEmailRow {
    pub id: i64,
    pub recipient: String,
    pub kind_label: String,
    pub subject: String,
    pub status: String,
    pub status_label: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created: String,
    /// When it left, or when the next attempt is due (queued), or "" (failed).
    pub when: String,
    /// "Send again" was used: the copy's id.
    pub resent_as: Option<i64>,
}

/// The admin outbox page: a page of mails, the filters applied and the choices for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEmails {
    pub mails: crate::dto::Paged<AdminEmailRow>,
    pub status: Option<String>,
    pub kind: Option<String>,
    /// (kind, label) for the filter.
    pub kinds: Vec<(String, String)>,
    pub failed: i64,
    pub waiting: i64,
}

/// One template rendered with sample data, for the admin preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreview {
    pub kind: String,
    pub label: String,
    pub subject: String,
    pub text: String,
    /// (kind, label) of every template, for the list beside the preview.
    pub kinds: Vec<(String, String)>,
}
