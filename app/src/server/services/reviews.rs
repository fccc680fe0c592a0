//! An admin's decision on a payment under review (`needs_review`: its amount or currency differs
//! from what we asked, or it paid an invoice of a subscription that had already ended).
//!
//! Invariants: only a `needs_review` payment can be decided, once (conditional update); accepting
//! settles it exactly as a matching webhook would ([`settlement`]); refunding asks the gateway
//! first (with an idempotency key derived from the payment, so a retry refunds once) and then
//! records the refund as `charge.refunded` would, so Stripe's own event later changes nothing.

use crate::dto::AppError;
use crate::server::context::AppState;
use crate::server::db::reversals::{self, Kind, NewReversal};
use crate::server::db::{orders, payments};
use crate::server::services::{settlement, subscriptions};
use chrono::Utc;

const ALREADY_DECIDED: &str =
    "This payment is no longer waiting for review: it was already decided.";

/// Accepts the payment as received: the order is scheduled and commissions are earned.
pub async fn accept(state: &AppState, payment_id: i64) -> Result<String, AppError> {
    let now = Utc::now();
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    // The decision first: a write, so on SQLite this transaction holds the write lock before it
    // reads (a read snapshot made stale by another writer could not be upgraded later).
    let accepted = payments::accept_review(&mut tx, payment_id, now).await?;
    let payment = payments::find(&mut tx, payment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accepted {
        return Err(AppError::field("payment", ALREADY_DECIDED));
    }
    let order = orders::find(&mut tx, payment.order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = if payment.stripe_invoice_id.is_some() {
        orders::lock(&mut tx, order.id).await?;
        settlement::settle_invoice(
            &mut tx,
            &state.settings,
            payment.id,
            payment.amount_cents,
            &order,
            now,
        )
        .await?
    } else {
        settlement::settle_one_off(&mut tx, &state.settings, &payment, &order, now).await?
    };
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(payment = payment.id, %summary, "payment under review accepted");
    Ok(format!("Payment #{} accepted: {summary}.", payment.id))
}

/// Refunds the payment in full at the gateway and records it.
pub async fn refund(state: &AppState, payment_id: i64) -> Result<String, AppError> {
    let payment = {
        let mut conn = state.db.acquire().await?;
        payments::find(&mut conn, payment_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    if payment.status != "needs_review" {
        return Err(AppError::field("payment", ALREADY_DECIDED));
    }
    let Some(intent_id) = payment.stripe_payment_intent_id.clone() else {
        return Err(AppError::field(
            "payment",
            "We do not know this payment's PaymentIntent: refund it from Stripe's dashboard; the refund then shows here.",
        ));
    };
    let refund = state
        .payments
        .refund_payment(&intent_id, format!("payment-{}-refund", payment.id))
        .await
        .map_err(|error| {
            tracing::error!(payment = payment.id, %error, "refund at the gateway failed");
            AppError::field(
                "payment",
                "The payment service did not confirm the refund. Nothing changed here; please try again in a minute.",
            )
        })?;
    let now = Utc::now();
    let reversed = {
        let _queued = state.write_gate.enter().await;
        let mut tx = state.db.begin().await?;
        reversals::record(
            &mut tx,
            &NewReversal {
                kind: Kind::Refund,
                object_id: &refund.charge_id,
                payment_id: Some(payment.id),
                intent_id: Some(&intent_id),
                invoice_id: payment.stripe_invoice_id.as_deref(),
                amount_cents: payment.amount_cents,
                is_full: true,
            },
            now,
        )
        .await?;
        let reversed =
            settlement::reverse(&mut tx, &state.settings, &payment, Kind::Refund, now).await?;
        tx.commit().await?;
        state.mail_wake.queued();
        reversed
    };
    if let Some(order) = reversed.as_ref().and_then(|r| r.cancel_subscription_of) {
        subscriptions::cancel_at_gateway(state, order).await;
    }
    tracing::info!(payment = payment.id, "payment under review refunded");
    Ok(format!("Payment #{} refunded in full.", payment.id))
}
