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
