//! Ordering flowers, checkout and "my orders".
// `create_order` takes one argument per form field, so a plain HTML form posts to it without JS;
// the lint fires on the client function `#[server]` generates, where an item-level allow cannot reach.
#![allow(clippy::too_many_arguments)]

use crate::dto::AppError;
use crate::dto::orders::{CheckoutView, OrderFormOptions, OrderSummary};
use leptos::prelude::*;

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
    #[server(default)] recipient_phone: String,
    #[server(default)] occasion: String,
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
                recipient_phone,
                occasion,
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
