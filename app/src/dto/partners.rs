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
    pub status: String,
    pub status_label: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthBar {
    /// "Nov"
    pub label: String,
    /// "November 2026"
    pub title: String,
    pub cents: i64,
    pub amount: String,
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
    pub share_link: Option<String>,
    pub uses: i64,
    pub customers: i64,
    pub pending: String,
    pub approved: String,
    pub paid: String,
    pub rejected: String,
    pub months: Vec<MonthBar>,
    pub commissions: Paged<CommissionLine>,
    pub status_filter: Option<String>,
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
    pub discount: String,
    pub uses: i64,
    pub customers: i64,
    pub pending: String,
    pub approved: String,
    pub paid: String,
    pub commissions: Vec<CommissionLine>,
}
