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
//!   PaymentIntent, and a refund that arrives before the success it refunds wins.

use crate::api::AppError;
use crate::domain::money::Cents;
use crate::domain::order::{Frequency, OrderKind, upfront_schedule};
use crate::server::context::AppState;
use crate::server::db::{DbConn, events, orders, payments, webhook_events};
use crate::server::services::commissions;
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
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    if !webhook_events::record(&mut tx, &event.id, &event.kind, now).await? {
        return Ok(Outcome::Duplicate);
    }
    let outcome = dispatch(&mut tx, &event, now).await?;
    webhook_events::set_outcome(&mut tx, &event.id, &outcome.describe()).await?;
    tx.commit().await?;
    tracing::info!(event_id = %event.id, event_type = %event.kind, outcome = %outcome.describe(), "stripe event");
    Ok(outcome)
}

async fn dispatch(
    conn: &mut DbConn,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    match event.kind.as_str() {
        "payment_intent.succeeded" => intent_succeeded(conn, &event.object, now).await,
        "payment_intent.payment_failed" => intent_failed(conn, &event.object, now).await,
        "invoice.payment_succeeded" | "invoice.paid" => {
            invoice_paid(conn, &event.object, now).await
        }
        "charge.refunded" => charge_refunded(conn, &event.object, now).await,
        other => Ok(Outcome::Ignored(format!("{other} is not used"))),
    }
}

fn required_id(object: &serde_json::Value) -> Result<String, WebhookError> {
    event::object_id(object).ok_or_else(|| WebhookError::Payload("data.object has no id".into()))
}

async fn intent_succeeded(
    conn: &mut DbConn,
    intent: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let intent_id = required_id(intent)?;
    if event::invoice_id(intent).is_some() {
        return Ok(Outcome::Ignored(
            "a subscription invoice's PaymentIntent: the invoice event records it".into(),
        ));
    }
    let Some(payment) = payments::find_by_intent(conn, &intent_id).await? else {
        tracing::warn!(%intent_id, "payment_intent.succeeded for a PaymentIntent we did not create");
        return Ok(Outcome::Ignored("unknown PaymentIntent".into()));
    };
    let amount = event::amount_received(intent).unwrap_or(payment.amount_cents);
    if amount != payment.amount_cents {
        tracing::error!(%intent_id, expected = payment.amount_cents, received = amount, "PaymentIntent amount differs from the order");
    }
    if !payments::mark_succeeded(conn, payment.id, amount, now).await? {
        return Ok(Outcome::Ignored(format!(
            "payment {} already {}",
            payment.id, payment.status
        )));
    }
    let order = orders::find(conn, payment.order_id).await?.ok_or_else(|| {
        AppError::internal(format!("payment for missing order {}", payment.order_id))
    })?;
    let scheduled = activate_order(conn, &order, now).await?;
    let paid = commissions::Paid {
        id: payment.id,
        user_id: payment.user_id,
    };
    let rewards = commissions::on_payment_succeeded(conn, paid, &order, now).await?;
    Ok(Outcome::Processed(format!(
        "payment {} succeeded; {scheduled} deliveries scheduled{}",
        payment.id,
        rewards.describe()
    )))
}

/// Activates a paid one-off order and schedules its deliveries (single: one; upfront: every date).
async fn activate_order(
    conn: &mut DbConn,
    order: &orders::OrderRow,
    now: DateTime<Utc>,
) -> Result<u64, WebhookError> {
    if !orders::activate(conn, order.id, now).await? {
        return Ok(0);
    }
    let kind = OrderKind::parse(&order.kind);
    let frequency = order.frequency.as_deref().and_then(Frequency::parse);
    let dates = match (kind, frequency) {
        (Some(OrderKind::Upfront), Some(f)) => upfront_schedule(
            order.first_delivery_date,
            u32::try_from(order.years).unwrap_or(1),
            f,
        ),
        _ => vec![order.first_delivery_date],
    };
    Ok(events::schedule(conn, order.id, None, &dates, &order.message, now).await?)
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
        Some(payment) => Ok(Outcome::Ignored(format!(
            "payment {} already {}",
            payment.id, payment.status
        ))),
        None => Ok(Outcome::Ignored("unknown PaymentIntent".into())),
    }
}

async fn invoice_paid(
    conn: &mut DbConn,
    invoice: &serde_json::Value,
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
    let currency = invoice["currency"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let new_payment = payments::NewPayment {
        user_id: order.user_id,
        order_id: order.id,
        intent_id: None,
        invoice_id: Some(&invoice_id),
        amount_cents: amount,
        currency: &currency,
        status: "succeeded",
    };
    let Some(payment_id) = payments::insert(conn, &new_payment, now).await? else {
        return Ok(Outcome::Ignored(format!(
            "invoice {invoice_id} already recorded"
        )));
    };
    orders::activate(conn, order.id, now).await?;
    // One delivery per paid invoice: the n-th invoice pays for the n-th date.
    let frequency = order
        .frequency
        .as_deref()
        .and_then(Frequency::parse)
        .unwrap_or(Frequency::Monthly);
    let n = u32::try_from(events::count_for_order(conn, order.id).await?).unwrap_or(u32::MAX);
    let date = frequency
        .nth_date(order.first_delivery_date, n)
        .ok_or_else(|| {
            AppError::internal(format!("no delivery date {n} for order {}", order.id))
        })?;
    let scheduled = events::schedule(
        conn,
        order.id,
        Some(payment_id),
        &[date],
        &order.message,
        now,
    )
    .await?;
    let paid = commissions::Paid {
        id: payment_id,
        user_id: order.user_id,
    };
    let rewards = commissions::on_payment_succeeded(conn, paid, &order, now).await?;
    Ok(Outcome::Processed(format!(
        "invoice {invoice_id} paid {}; {scheduled} delivery scheduled{}",
        Cents(amount).to_decimal_string(),
        rewards.describe()
    )))
}

async fn charge_refunded(
    conn: &mut DbConn,
    charge: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    if charge["refunded"].as_bool() != Some(true) {
        return Ok(Outcome::Ignored(
            "partial refund: the payment stays succeeded".into(),
        ));
    }
    let payment = match (event::payment_intent_id(charge), event::invoice_id(charge)) {
        (_, Some(invoice)) => payments::find_by_invoice(conn, &invoice).await?,
        (Some(intent), None) => payments::find_by_intent(conn, &intent).await?,
        (None, None) => None,
    };
    let Some(payment) = payment else {
        return Ok(Outcome::Ignored(
            "refund for a payment we do not know".into(),
        ));
    };
    if !payments::mark_refunded(conn, payment.id, now).await? {
        return Ok(Outcome::Ignored(format!(
            "payment {} already refunded",
            payment.id
        )));
    }
    // A subscription refund takes back that invoice's delivery; a one-off refund the whole order.
    let is_invoice = payment.stripe_invoice_id.is_some();
    let cancelled = events::cancel_scheduled(
        conn,
        payment.order_id,
        is_invoice.then_some(payment.id),
        now,
    )
    .await?;
    if !is_invoice || payments::count_succeeded_for_order(conn, payment.order_id).await? == 0 {
        orders::mark_refunded(conn, payment.order_id, now).await?;
    }
    // A refunded payment earns nothing: its commission is rejected if still pending (an approved
    // or paid one is left for an admin to see on the partner's page).
    commissions::reject_for_refund(conn, payment.id, now).await?;
    Ok(Outcome::Processed(format!(
        "payment {} refunded; {cancelled} deliveries cancelled",
        payment.id
    )))
}
