//! Admin home: counts that tell an admin what needs attention.

use crate::dto::AppError;
use crate::dto::admin::{AdminOrderDetail, AdminOrderPage, AdminOverview};
use leptos::prelude::*;

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

/// The outbox: mails by status and kind, newest first.
#[server(endpoint = "admin/emails")]
pub async fn list_emails(
    status: Option<String>,
    kind: Option<String>,
    page: Option<i64>,
) -> Result<crate::dto::admin::AdminEmails, AppError> {
    use crate::server::{context, services::outbox_admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            outbox_admin::list(
                &state,
                status.as_deref(),
                kind.as_deref(),
                page.unwrap_or(1),
            )
            .await
        }
        .await,
    )
}

/// "Send again" for a failed mail: a new copy is queued, the failed one kept.
#[server(endpoint = "admin/emails/resend")]
pub async fn resend_email(email_id: i64, #[server(default)] back: String) -> Result<(), AppError> {
    use crate::server::{context, services::outbox_admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            outbox_admin::send_again(&state, email_id).await?;
            leptos_axum::redirect(&context::safe_next(Some(&back), "/admin/emails"));
            Ok(())
        }
        .await,
    )
}

/// A template with sample data (the HTML part is served by `/admin/emails/preview/<kind>/html`).
#[server(endpoint = "admin/emails/preview")]
pub async fn preview_email(kind: String) -> Result<crate::dto::admin::EmailPreview, AppError> {
    use crate::server::{context, services::outbox_admin};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            Ok(outbox_admin::preview(&state, &kind)?.0)
        }
        .await,
    )
}
