//! Receiving Stripe webhooks (DESIGN §5).
//!
//! Invariants:
//! - the signature is checked before anything is parsed or stored;
//! - the event id is recorded in the same transaction as the event's effects, before acting: a
//!   redelivery (or ten concurrent deliveries) finds the id and changes nothing, and a failure rolls
//!   back both, so Stripe's retry acts again;
//! - every effect is also a conditional update or a unique insert, so even a new event id carrying
//!   an old fact (Stripe sends `invoice.paid` and `invoice.payment_succeeded` for one invoice) pays,
//!   activates or schedules at most once;
//! - order of arrival does not matter: a subscription's invoice is acted on by invoice, never by its
//!   PaymentIntent, and a refund or lost dispute that arrives before the payment it reverses is
//!   recorded and applied when that payment arrives;
//! - a payment whose amount or currency differs from what we asked is `needs_review`: nothing is
//!   scheduled or earned until an admin accepts or refunds it (as is an invoice paid on a
//!   subscription that had already been cancelled);
//! - the gateway is never called inside the transaction: what an event lacks (the PaymentIntent of
//!   a 2025-shape invoice, the invoice of a PaymentIntent) is asked for before it, and a subscription
//!   to cancel is cancelled after it commits (a maintenance pass retries a failed cancellation).

use crate::domain::money::Cents;
use crate::dto::AppError;
use crate::server::context::AppState;
use crate::server::db::reversals::{self, Kind, NewReversal};
use crate::server::db::{DbConn, commissions as commission_rows, orders, payments, webhook_events};
use crate::server::services::settlement::{self, Reversed};
use crate::server::services::{subscriptions, webhook_batch};
use crate::server::stripe::event::{self, Event};
use crate::server::stripe::signature::{self, SignatureError};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The event changed something; the text says what.
    Processed(String),
    /// The event id was seen before.
    Duplicate,
    /// Nothing to do (an event type we do not use, or a fact already recorded); the text says why.
    Ignored(String),
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Self::Processed(what) => format!("processed: {what}"),
            Self::Duplicate => "duplicate".into(),
            Self::Ignored(why) => format!("ignored: {why}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature: {0}")]
    Signature(#[from] SignatureError),
    #[error("payload: {0}")]
    Payload(String),
    #[error("internal error")]
    Internal(#[from] AppError),
}

impl From<sqlx::Error> for WebhookError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

pub async fn receive(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    signature::verify(
        body,
        signature,
        &state.settings.webhook_secret,
        now.timestamp(),
    )?;
    let event = event::parse(body).map_err(WebhookError::Payload)?;
    let context = Context {
        settings: state.settings.clone(),
        hint: gateway_hint(state, &event).await,
        cancel_orders: Vec::new(),
    };
    let (id, kind) = (event.id.clone(), event.kind.clone());
    let (outcome, context) = if webhook_batch::BATCHED {
        state
            .webhook_batch
            .apply(&state.db, &state.write_gate, event, context, now)
            .await?
    } else {
        in_own_transaction(state, &event, context, now).await?
    };
    if matches!(outcome, Outcome::Processed(_)) {
        // Settling may have queued a customer mail.
        state.mail_wake.queued();
    }
    if outcome != Outcome::Duplicate {
        tracing::info!(event_id = %id, event_type = %kind, outcome = %outcome.describe(), "stripe event");
    }
    for order_id in context.cancel_orders {
        subscriptions::cancel_at_gateway(state, order_id).await;
    }
    Ok(outcome)
}

/// One event, one transaction (PostgreSQL; see [`webhook_batch`] for SQLite).
async fn in_own_transaction(
    state: &AppState,
    event: &Event,
    mut context: Context,
    now: DateTime<Utc>,
) -> Result<(Outcome, Context), WebhookError> {
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    let outcome = apply(&mut tx, event, &mut context, now).await?;
    tx.commit().await?;
    Ok((outcome, context))
}

/// Everything an event does to the database, in the caller's transaction (or savepoint): record
/// its id (a redelivery stops here), act on it, and keep the outcome.
pub(super) async fn apply(
    conn: &mut DbConn,
    event: &Event,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    if !webhook_events::record(conn, &event.id, &event.kind, now).await? {
        return Ok(Outcome::Duplicate);
    }
    let outcome = dispatch(conn, event, context, now).await?;
    webhook_events::set_outcome(conn, &event.id, &outcome.describe()).await?;
    Ok(outcome)
}

/// What the handlers need besides the event and the transaction.
pub(super) struct Context {
    /// The deployment's settings: its currency (upper case) is what every payment is asked in;
    /// the customer mails settling queues take their links and amounts from them.
    settings: std::sync::Arc<crate::server::context::Settings>,
    /// An id the event lacked, asked of the gateway before the transaction (see [`gateway_hint`]).
    hint: Option<String>,
    /// Orders whose subscription is to be ended at the gateway once the transaction has committed.
    cancel_orders: Vec<i64>,
}

/// Asks the gateway, before the transaction, for the one id an event may lack: the PaymentIntent
/// of an invoice (2025-shape invoices do not name it unless asked to) and the invoice of a refunded
/// or disputed PaymentIntent we do not know (so a subscription refund finds its invoice payment).
/// Best effort: a failure is logged and the event is handled without it.
async fn gateway_hint(state: &AppState, event: &Event) -> Option<String> {
    if state.payments.is_simulator() {
        return None;
    }
    let object = &event.object;
    let asked = match event.kind.as_str() {
        "invoice.payment_succeeded" | "invoice.paid"
            if event::invoice_payment_intent(object).is_none() =>
        {
            let invoice = event::object_id(object)?;
            state.payments.invoice_payment_intent(&invoice).await
        }
        "charge.refunded" | "charge.dispute.closed" if event::invoice_id(object).is_none() => {
            let intent = event::payment_intent_id(object)?;
            let mut conn = state.db.acquire().await.ok()?;
            if payments::find_by_intent(&mut conn, &intent)
                .await
                .ok()
                .flatten()
                .is_some()
            {
                return None;
            }
            drop(conn);
            state.payments.payment_intent_invoice(&intent).await
        }
        _ => return None,
    };
    asked.unwrap_or_else(|error| {
        tracing::warn!(event_id = %event.id, %error, "could not ask the gateway for a missing id");
        None
    })
}

async fn dispatch(
    conn: &mut DbConn,
    event: &Event,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    match event.kind.as_str() {
        "payment_intent.succeeded" => intent_succeeded(conn, &event.object, context, now).await,
        "payment_intent.payment_failed" => intent_failed(conn, &event.object, now).await,
        "invoice.payment_succeeded" | "invoice.paid" => {
            invoice_paid(conn, &event.object, context, now).await
        }
        "charge.refunded" => charge_refunded(conn, &event.object, context, now).await,
        "charge.succeeded" => charge_succeeded(conn, &event.object, now).await,
        "charge.dispute.closed" => dispute_closed(conn, &event.object, context, now).await,
        "customer.subscription.deleted" => subscription_deleted(conn, &event.object, now).await,
        other => Ok(Outcome::Ignored(format!("{other} is not used"))),
    }
}

fn required_id(object: &serde_json::Value) -> Result<String, WebhookError> {
    event::object_id(object).ok_or_else(|| WebhookError::Payload("data.object has no id".into()))
}

/// Why what arrived is not what we asked, if it is not.
fn mismatch(
    received: i64,
    received_currency: &str,
    expected: i64,
    expected_currency: &str,
) -> Option<payments::Review> {
    if received == expected && received_currency.eq_ignore_ascii_case(expected_currency) {
        return None;
    }
    Some(payments::Review {
        expected_cents: expected,
        expected_currency: expected_currency.to_owned(),
        reason: format!(
            "Received {} {received_currency}, but we asked for {} {expected_currency}.",
            Cents(received).to_decimal_string(),
            Cents(expected).to_decimal_string()
        ),
    })
}

async fn intent_succeeded(
    conn: &mut DbConn,
    intent: &serde_json::Value,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let intent_id = required_id(intent)?;
    if let Some(invoice_id) = event::invoice_id(intent) {
        // The invoice event settles it; this one only tells us the invoice's PaymentIntent.
        if let Some(payment) = payments::find_by_invoice(conn, &invoice_id).await? {
            payments::set_intent(conn, payment.id, &intent_id).await?;
        }
        return Ok(Outcome::Ignored(
            "a subscription invoice's PaymentIntent: the invoice event records it".into(),
        ));
    }
    let Some(payment) = payments::find_by_intent(conn, &intent_id).await? else {
        tracing::warn!(%intent_id, "payment_intent.succeeded for a PaymentIntent we did not create");
        return Ok(Outcome::Ignored("unknown PaymentIntent".into()));
    };
    let amount = event::amount_received(intent).unwrap_or(payment.amount_cents);
    let currency = match event::currency(intent) {
        c if c.is_empty() => payment.currency.clone(),
        c => c,
    };
    if let Some(review) = mismatch(amount, &currency, payment.amount_cents, &payment.currency) {
        if !payments::mark_needs_review(conn, payment.id, amount, &currency, &review, now).await? {
            return Ok(already(&payment));
        }
        tracing::error!(%intent_id, payment = payment.id, reason = %review.reason, "payment needs review");
        let reversed = apply_early_reversals(conn, payment.id, context, now).await?;
        return Ok(Outcome::Processed(format!(
            "payment {} needs review: {}{reversed}",
            payment.id, review.reason
        )));
    }
    if let Some(fingerprint) = event::card_fingerprint(intent) {
        payments::set_fingerprint(conn, payment.id, &fingerprint).await?;
    }
    if !payments::mark_succeeded(conn, payment.id, amount, now).await? {
        return Ok(already(&payment));
    }
    let order = find_order(conn, payment.order_id).await?;
    let summary =
        settlement::settle_one_off(conn, &context.settings, &payment, &order, now).await?;
    let reversed = apply_early_reversals(conn, payment.id, context, now).await?;
    Ok(Outcome::Processed(format!("{summary}{reversed}")))
}

/// A charge tells us the card (Stripe sends `payment_intent.succeeded` without it unless the
/// charge is expanded): recorded on its payment, whose commission, if it has one already, is
/// screened again with it.
async fn charge_succeeded(
    conn: &mut DbConn,
    charge: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let (Some(intent_id), Some(fingerprint)) = (
        event::payment_intent_id(charge),
        event::card_fingerprint(charge),
    ) else {
        return Ok(Outcome::Ignored(
            "a charge without a PaymentIntent or card".into(),
        ));
    };
    let Some(payment) = payments::find_by_intent(conn, &intent_id).await? else {
        return Ok(Outcome::Ignored("unknown PaymentIntent".into()));
    };
    if !payments::set_fingerprint(conn, payment.id, &fingerprint).await? {
        return Ok(Outcome::Ignored(
            "the payment's card is known already".into(),
        ));
    }
    let held = match commission_rows::referral_of_payment(conn, payment.id).await? {
        Some((commission, partner)) => {
            crate::server::services::risk::screen(conn, partner, commission, payment.id, now)
                .await?
        }
        None => None,
    };
    Ok(Outcome::Processed(format!(
        "card recorded for payment {}{}",
        payment.id,
        held.map(|r| format!("; commission held: {r}"))
            .unwrap_or_default()
    )))
}

fn already(payment: &payments::PaymentRow) -> Outcome {
    Outcome::Ignored(format!("payment {} already {}", payment.id, payment.status))
}

async fn find_order(conn: &mut DbConn, order_id: i64) -> Result<orders::OrderRow, WebhookError> {
    Ok(orders::find(conn, order_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("payment for missing order {order_id}")))?)
}

async fn intent_failed(
    conn: &mut DbConn,
    intent: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let intent_id = required_id(intent)?;
    match payments::find_by_intent(conn, &intent_id).await? {
        Some(payment) if payments::mark_failed(conn, payment.id, now).await? => {
            Ok(Outcome::Processed(format!("payment {} failed", payment.id)))
        }
        Some(payment) => Ok(already(&payment)),
        None => Ok(Outcome::Ignored("unknown PaymentIntent".into())),
    }
}

async fn invoice_paid(
    conn: &mut DbConn,
    invoice: &serde_json::Value,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let invoice_id = required_id(invoice)?;
    let Some(subscription_id) = event::invoice_subscription_id(invoice) else {
        return Ok(Outcome::Ignored("invoice without a subscription".into()));
    };
    let amount = invoice["amount_paid"].as_i64().unwrap_or(0);
    if amount <= 0 {
        return Ok(Outcome::Ignored("nothing was paid on this invoice".into()));
    }
    let Some(order) = orders::find_by_subscription(conn, &subscription_id).await? else {
        tracing::warn!(%invoice_id, %subscription_id, "paid invoice for a subscription we do not know");
        return Ok(Outcome::Ignored("unknown subscription".into()));
    };
    // Concurrent invoices of one subscription would otherwise both take the same next delivery
    // date, and the second delivery would be lost to the unique (order, date) constraint.
    orders::lock(conn, order.id).await?;
    let intent_id = event::invoice_payment_intent(invoice).or_else(|| context.hint.clone());
    let currency = event::currency(invoice);
    // The first invoice carries the discount (a one-off coupon); later ones the full budget.
    let expected = if payments::count_for_order(conn, order.id).await? == 0 {
        order.total_cents
    } else {
        order.subtotal_cents
    };
    let review = if matches!(order.status.as_str(), "cancelled" | "refunded") {
        Some(payments::Review {
            expected_cents: expected,
            expected_currency: context.settings.currency.clone(),
            reason: format!(
                "The subscription had already ended ({}) when this invoice was paid.",
                order.status
            ),
        })
    } else {
        mismatch(amount, &currency, expected, &context.settings.currency)
    };
    let new_payment = payments::NewPayment {
        user_id: order.user_id,
        order_id: order.id,
        intent_id: intent_id.as_deref(),
        invoice_id: Some(&invoice_id),
        amount_cents: amount,
        currency: &currency,
        status: if review.is_some() {
            "needs_review"
        } else {
            "succeeded"
        },
        review: review.as_ref(),
    };
    let Some(payment_id) = payments::insert(conn, &new_payment, now).await? else {
        // Already recorded (the other of `invoice.paid` / `invoice.payment_succeeded`); it may
        // name the PaymentIntent the first one lacked.
        if let (Some(intent), Some(known)) = (
            intent_id.as_deref(),
            payments::find_by_invoice(conn, &invoice_id).await?,
        ) {
            payments::set_intent(conn, known.id, intent).await?;
        }
        return Ok(Outcome::Ignored(format!(
            "invoice {invoice_id} already recorded"
        )));
    };
    let paid = Cents(amount).to_decimal_string();
    let summary = match &review {
        Some(review) => {
            tracing::error!(%invoice_id, payment = payment_id, reason = %review.reason, "invoice payment needs review");
            format!("needs review: {}", review.reason)
        }
        None => {
            settlement::settle_invoice(conn, &context.settings, payment_id, amount, &order, now)
                .await?
        }
    };
    let reversed = apply_early_reversals(conn, payment_id, context, now).await?;
    Ok(Outcome::Processed(format!(
        "invoice {invoice_id} paid {paid}; {summary}{reversed}"
    )))
}

/// A payment just recorded claims the refunds and lost disputes that arrived before it, and a full
/// one reverses it at once. Returns text for the outcome ("" when there were none).
async fn apply_early_reversals(
    conn: &mut DbConn,
    payment_id: i64,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<String, WebhookError> {
    let payment = payments::find(conn, payment_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("payment {payment_id} vanished")))?;
    let full = reversals::claim(
        conn,
        payment.id,
        payment.stripe_payment_intent_id.as_deref(),
        payment.stripe_invoice_id.as_deref(),
    )
    .await?;
    let Some(kind) = full.first() else {
        return Ok(String::new());
    };
    Ok(match reverse(conn, &payment, *kind, context, now).await? {
        Some(summary) => format!("; it had already been reversed: {summary}"),
        None => String::new(),
    })
}

async fn reverse(
    conn: &mut DbConn,
    payment: &payments::PaymentRow,
    kind: Kind,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Option<String>, WebhookError> {
    let Some(Reversed {
        summary,
        cancel_subscription_of,
    }) = settlement::reverse(conn, &context.settings, payment, kind, now).await?
    else {
        return Ok(None);
    };
    context.cancel_orders.extend(cancel_subscription_of);
    Ok(Some(summary))
}

async fn charge_refunded(
    conn: &mut DbConn,
    charge: &serde_json::Value,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let charge_id = required_id(charge)?;
    let intent_id = event::payment_intent_id(charge);
    let invoice_id = event::invoice_id(charge).or_else(|| context.hint.clone());
    let refunded = charge["amount_refunded"].as_i64().unwrap_or(0);
    let is_full = charge["refunded"].as_bool() == Some(true);
    if refunded <= 0 && !is_full {
        return Ok(Outcome::Ignored("nothing was refunded".into()));
    }
    let payment =
        payments::find_by_intent_or_invoice(conn, intent_id.as_deref(), invoice_id.as_deref())
            .await?;
    // Stripe reports the charge's cumulative refunded amount; older payloads may lack it.
    let amount = [
        refunded,
        charge["amount"].as_i64().unwrap_or(0),
        payment.as_ref().map_or(0, |p| p.amount_cents),
    ]
    .into_iter()
    .find(|a| *a > 0)
    .unwrap_or(1);
    if payment.is_none() && intent_id.is_none() && invoice_id.is_none() {
        return Ok(Outcome::Ignored(
            "a refund that names no PaymentIntent or invoice".into(),
        ));
    }
    reversals::record(
        conn,
        &NewReversal {
            kind: Kind::Refund,
            object_id: &charge_id,
            payment_id: payment.as_ref().map(|p| p.id),
            intent_id: intent_id.as_deref(),
            invoice_id: invoice_id.as_deref(),
            amount_cents: amount,
            is_full,
        },
        now,
    )
    .await?;
    let refunded_text = Cents(amount).to_decimal_string();
    let Some(payment) = payment else {
        tracing::warn!(%charge_id, ?intent_id, ?invoice_id, "refund for a payment not recorded yet");
        return Ok(Outcome::Processed(format!(
            "refund of {refunded_text} recorded for a payment not known yet; it applies when the payment arrives"
        )));
    };
    if !is_full {
        return Ok(Outcome::Processed(format!(
            "partial refund of {refunded_text} recorded on payment {}; it stays paid",
            payment.id
        )));
    }
    Ok(
        match reverse(conn, &payment, Kind::Refund, context, now).await? {
            Some(summary) => Outcome::Processed(summary),
            None => already(&payment),
        },
    )
}

async fn dispute_closed(
    conn: &mut DbConn,
    dispute: &serde_json::Value,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let dispute_id = required_id(dispute)?;
    let status = dispute["status"].as_str().unwrap_or_default();
    if status != "lost" {
        return Ok(Outcome::Ignored(format!(
            "dispute closed as {status}: the payment stands"
        )));
    }
    let intent_id = event::payment_intent_id(dispute);
    let invoice_id = event::invoice_id(dispute).or_else(|| context.hint.clone());
    let payment =
        payments::find_by_intent_or_invoice(conn, intent_id.as_deref(), invoice_id.as_deref())
            .await?;
    if payment.is_none() && intent_id.is_none() && invoice_id.is_none() {
        return Ok(Outcome::Ignored(
            "a dispute that names no PaymentIntent".into(),
        ));
    }
    let amount = dispute["amount"]
        .as_i64()
        .filter(|a| *a > 0)
        .or(payment.as_ref().map(|p| p.amount_cents))
        .unwrap_or(1);
    reversals::record(
        conn,
        &NewReversal {
            kind: Kind::DisputeLost,
            object_id: &dispute_id,
            payment_id: payment.as_ref().map(|p| p.id),
            intent_id: intent_id.as_deref(),
            invoice_id: invoice_id.as_deref(),
            amount_cents: amount,
            is_full: true,
        },
        now,
    )
    .await?;
    let Some(payment) = payment else {
        return Ok(Outcome::Processed(
            "lost dispute recorded for a payment not known yet; it applies when the payment arrives"
                .into(),
        ));
    };
    Ok(
        match reverse(conn, &payment, Kind::DisputeLost, context, now).await? {
            Some(summary) => Outcome::Processed(summary),
            None => already(&payment),
        },
    )
}

/// Stripe ended a subscription (our cancellation, the customer's bank, or unpaid invoices).
async fn subscription_deleted(
    conn: &mut DbConn,
    subscription: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let subscription_id = required_id(subscription)?;
    let Some(order) = orders::find_by_subscription(conn, &subscription_id).await? else {
        return Ok(Outcome::Ignored("unknown subscription".into()));
    };
    let confirmed = orders::confirm_gateway_cancelled(conn, order.id, now).await?;
    let cancelled = orders::mark_cancelled(conn, order.id, now).await?;
    if !confirmed && !cancelled {
        return Ok(Outcome::Ignored(format!(
            "order {} already ended",
            order.id
        )));
    }
    Ok(Outcome::Processed(format!(
        "subscription of order {} ended{}",
        order.id,
        if cancelled { "; order cancelled" } else { "" }
    )))
}
