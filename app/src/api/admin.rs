//! Admin home: counts that tell an admin what needs attention.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub customers: i64,
    pub admins: i64,
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

#[server(endpoint = "admin/overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::server::{context, services::admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            admin::overview(&state).await
        }
        .await,
    )
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
    pub summary: crate::api::orders::OrderSummary,
    pub customer: String,
    pub is_subscription: bool,
    pub test_mode: bool,
}

#[server(endpoint = "admin/orders")]
pub async fn list_orders(
    status: Option<String>,
    page: Option<i64>,
) -> Result<AdminOrderPage, AppError> {
    use crate::server::{context, services::admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            admin::orders(&state, status.as_deref(), page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/order")]
pub async fn get_admin_order(order_id: i64) -> Result<AdminOrderDetail, AppError> {
    use crate::server::{context, services::admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            admin::order(&state, order_id).await
        }
        .await,
    )
}

/// Test mode: the subscription's next paid invoice (the admin twin of `futureflower dev next-invoice`).
#[server(endpoint = "admin/order/next-invoice")]
pub async fn simulate_next_invoice(order_id: i64) -> Result<String, AppError> {
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            orders::simulate_next_invoice(&state, order_id).await
        }
        .await,
    )
}
