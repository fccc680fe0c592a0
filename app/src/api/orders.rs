//! Ordering flowers, checkout and "my orders".
// `create_order` takes one argument per form field, so a plain HTML form posts to it without JS;
// the lint fires on the client function `#[server]` generates, where an item-level allow cannot reach.
#![allow(clippy::too_many_arguments)]

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the order form needs to guide the customer (limits come from configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFormOptions {
    pub min_budget: String,
    pub max_budget: String,
    /// `YYYY-MM-DD`, for the date input's `min`.
    pub earliest_date: String,
    pub max_years: u32,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub order_id: i64,
    pub title: String,
    pub recipient: String,
    pub address: String,
    pub first_delivery: String,
    pub budget: String,
    pub subtotal: String,
    /// The discount line (`None` when no discount applies).
    pub discount: Option<String>,
    pub total: String,
    /// What the total buys, e.g. "24 deliveries" or "charged every month".
    pub total_note: String,
    pub payable: bool,
    pub status_label: String,
    /// The offline payment simulator is active: show the test-mode banner.
    pub test_mode: bool,
    /// With real Stripe: what Stripe.js needs to collect the card on this page.
    pub card: Option<CardPayment>,
    /// With real Stripe: why the card form could not be prepared (the payment service failed).
    pub card_problem: Option<String>,
    /// The partner code on this order.
    pub code: Option<AppliedCode>,
    /// A code can be applied or removed (unpaid, and payment not started).
    pub code_editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCode {
    pub code: String,
    pub business_name: String,
}

/// Stripe.js Payment Element settings for one checkout. The client secret lets only this
/// customer's browser confirm this one payment; it is never logged or stored by us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardPayment {
    pub publishable_key: String,
    pub client_secret: String,
    /// Where Stripe sends the browser after the card is confirmed.
    pub return_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub id: i64,
    pub date: String,
    pub amount: String,
    /// For people ("Paid", "Under review").
    pub status: String,
    /// `pending`, `succeeded`, `failed`, `refunded` or `needs_review`.
    pub status_code: String,
    /// Refunds and lost disputes of this payment, one line each.
    pub reversals: Vec<String>,
    /// Admins only: why the payment waits for a decision.
    pub review: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub recipient: String,
    pub address: String,
    pub total: String,
    pub placed: String,
    pub payments: Vec<PaymentLine>,
    /// The next few scheduled deliveries, formatted for people.
    pub upcoming: Vec<String>,
    pub scheduled_count: usize,
    pub delivered_count: usize,
    /// A running subscription its customer (or an admin) may stop.
    pub cancellable: bool,
    /// The subscription was stopped here but the payment service has not confirmed it yet.
    pub gateway_cancel_pending: bool,
}

#[server(endpoint = "orders/form-options")]
pub async fn get_order_form_options() -> Result<OrderFormOptions, AppError> {
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_user()?;
            Ok(orders::form_options(&state))
        }
        .await,
    )
}

#[server(endpoint = "orders/create")]
pub async fn create_order(
    kind: String,
    budget: String,
    #[server(default)] frequency: String,
    #[server(default)] years: String,
    first_delivery_date: String,
    recipient_name: String,
    street_address: String,
    suburb: String,
    city: String,
    #[server(default)] state: String,
    postcode: String,
    country: String,
    #[server(default)] delivery_notes: String,
    #[server(default)] message: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::domain::order::OrderForm;
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let app = context::app_state()?;
            let user = context::require_user()?;
            let form = OrderForm {
                kind,
                budget,
                frequency,
                years,
                first_delivery_date,
                recipient_name,
                street_address,
                suburb,
                city,
                state,
                postcode,
                country,
                delivery_notes,
                message,
            };
            let id = orders::create(&app, &user, &form).await?;
            // A code from a partner's share link goes along, ready to apply at checkout.
            match crate::domain::partner::normalize_code(&code) {
                Some(code) => {
                    leptos_axum::redirect(&format!("/checkout/{id}?code={}", code.to_uppercase()))
                }
                None => leptos_axum::redirect(&format!("/checkout/{id}")),
            }
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "orders/checkout")]
pub async fn get_checkout(order_id: i64) -> Result<CheckoutView, AppError> {
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            orders::checkout(&state, &user, order_id).await
        }
        .await,
    )
}

/// Pays for an order. In test mode the simulator completes the payment at once and the customer
/// lands on their orders; with Stripe the browser confirms the card with Stripe.js.
#[server(endpoint = "orders/pay")]
pub async fn pay_order(order_id: i64) -> Result<(), AppError> {
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            match orders::pay(&state, &user, order_id).await? {
                orders::PayOutcome::Paid => {
                    leptos_axum::redirect(&format!("/orders?paid={order_id}"));
                }
                orders::PayOutcome::CardNeeded => {
                    leptos_axum::redirect(&format!("/checkout/{order_id}"));
                }
            }
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "orders/mine")]
pub async fn get_my_orders() -> Result<Vec<OrderSummary>, AppError> {
    use crate::server::{context, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            orders::mine(&state, &user).await
        }
        .await,
    )
}

/// The customer stops their subscription (at the payment service too). Deliveries already paid for
/// still arrive.
#[server(endpoint = "orders/cancel")]
pub async fn cancel_subscription(order_id: i64) -> Result<(), AppError> {
    use crate::server::{context, services::subscriptions};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            subscriptions::cancel_by_customer(&state, &user, order_id).await?;
            leptos_axum::redirect(&format!("/orders?cancelled={order_id}"));
            Ok(())
        }
        .await,
    )
}
