//! Admin home: counts that tell an admin what needs attention.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
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
    /// Commissions already paid on this order's refunded or disputed payments: to recover.
    pub to_recover: Vec<crate::api::partners::CommissionLine>,
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

/// Decides a payment under review: `decision` is `accept` (schedule the order as paid) or `refund`
/// (refund it in full at the payment service). Returns what was done, for the admin.
#[server(endpoint = "admin/payment/review")]
pub async fn review_payment(payment_id: i64, decision: String) -> Result<String, AppError> {
    use crate::server::{context, services::reviews};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            match decision.as_str() {
                "accept" => reviews::accept(&state, payment_id).await,
                "refund" => reviews::refund(&state, payment_id).await,
                _ => Err(AppError::field("decision", "Choose accept or refund.")),
            }
        }
        .await,
    )
}

/// Cancels a customer's subscription (at the payment service too). Deliveries already paid for stay.
#[server(endpoint = "admin/order/cancel")]
pub async fn admin_cancel_subscription(order_id: i64) -> Result<String, AppError> {
    use crate::server::{context, services::subscriptions};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            subscriptions::cancel_by_admin(&state, order_id).await?;
            Ok(format!("Subscription of order #{order_id} cancelled."))
        }
        .await,
    )
}
