//! Ending subscriptions: by the customer (from "My orders"), by an admin, or because the order was
//! refunded.
//!
//! Invariants: the order is cancelled in our database first, in one transaction that also records
//! that the gateway must end it (`cancel_requested_at`); the gateway is called after that commits,
//! never inside it. The gateway call is idempotent, so a failure is simply retried by the
//! maintenance pass until the gateway confirms (`gateway_cancelled_at`). Deliveries already paid for
//! stay scheduled; no further invoice schedules anything (an invoice that still arrives waits for
//! an admin as `needs_review`).

use crate::domain::order::OrderKind;
use crate::dto::AppError;
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::orders;
use chrono::Utc;

/// The customer stops their own subscription.
pub async fn cancel_by_customer(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<(), AppError> {
    let order = orders::find_for_user(&state.db, order_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    cancel(state, &order).await
}

/// An admin stops a customer's subscription.
pub async fn cancel_by_admin(state: &AppState, order_id: i64) -> Result<(), AppError> {
    let order = {
        let mut conn = state.db.acquire().await?;
        orders::find(&mut conn, order_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    cancel(state, &order).await
}

async fn cancel(state: &AppState, order: &orders::OrderRow) -> Result<(), AppError> {
    if OrderKind::parse(&order.kind) != Some(OrderKind::Subscription) {
        return Err(AppError::field(
            "order",
            "Only a subscription can be cancelled here; this order is already paid in full.",
        ));
    }
    if !matches!(order.status.as_str(), "active" | "pending_payment") {
        return Err(AppError::field(
            "order",
            "This subscription has already ended.",
        ));
    }
    let now = Utc::now();
    {
        let _queued = state.write_gate.enter().await;
        let mut tx = state.db.begin().await?;
        orders::mark_cancelled(&mut tx, order.id, now).await?;
        orders::request_gateway_cancel(&mut tx, order.id, now).await?;
        tx.commit().await?;
    }
    tracing::info!(order = order.id, "subscription cancelled");
    cancel_at_gateway(state, order.id).await;
    Ok(())
}

/// Ends the order's subscription at the gateway if we asked for that and it has not confirmed yet.
/// Never fails the caller: a gateway failure is logged and retried by [`retry_pending`].
pub async fn cancel_at_gateway(state: &AppState, order_id: i64) {
    let order = match state.db.acquire().await {
        Ok(mut conn) => orders::find(&mut conn, order_id).await,
        Err(error) => Err(error),
    };
    let subscription_id = match order {
        Ok(Some(orders::OrderRow {
            stripe_subscription_id: Some(id),
            cancel_requested_at: Some(_),
            gateway_cancelled_at: None,
            ..
        })) => id,
        Ok(_) => return,
        Err(error) => {
            tracing::error!(order = order_id, %error, "reading an order to cancel its subscription");
            return;
        }
    };
    match state.payments.cancel_subscription(&subscription_id).await {
        Ok(()) => {
            let confirmed = match state.db.acquire().await {
                Ok(mut conn) => {
                    orders::confirm_gateway_cancelled(&mut conn, order_id, Utc::now()).await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = confirmed {
                tracing::error!(order = order_id, %error, "recording a cancelled subscription");
            }
        }
        Err(error) => {
            tracing::warn!(order = order_id, %error, "cancelling the subscription at the gateway failed; it is retried");
        }
    }
}

/// Retries the cancellations the gateway has not confirmed; returns how many were attempted.
pub async fn retry_pending(state: &AppState) -> Result<usize, AppError> {
    let pending = orders::pending_gateway_cancels(&state.db, 100).await?;
    for (order_id, _) in &pending {
        cancel_at_gateway(state, *order_id).await;
    }
    Ok(pending.len())
}
