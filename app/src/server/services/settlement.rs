//! What a payment's fate does to its order, deliveries and commissions. Stripe's webhooks and an
//! admin's decision on a payment under review call the same functions, so both paths do the same.
//!
//! Invariants (every function runs inside the caller's transaction):
//! - a payment is settled (order activated, deliveries scheduled, code use and commission recorded)
//!   only once it is `succeeded`; settling twice changes nothing (conditional updates, unique inserts);
//! - a full refund or a lost dispute ([`reverse`]) marks the payment `refunded`, cancels the
//!   deliveries it paid for, takes back its unpaid commission with a reason the partner sees, and
//!   marks the order refunded when nothing paid remains — a refunded subscription is also asked to
//!   end at the gateway; it acts once per payment, whichever event arrives first;
//! - a partial refund is only recorded (see `db::reversals`): the payment and commission stand;
//! - the customer's mail (order confirmation, refund notice) is queued in the same transaction,
//!   once per order or payment (see `services::notices`).

use crate::domain::order::{Frequency, OrderKind, upfront_schedule};
use crate::dto::AppError;
use crate::server::context::Settings;
use crate::server::db::reversals::Kind;
use crate::server::db::{DbConn, events, orders, payments};
use crate::server::services::{commissions, notices};
use chrono::{DateTime, Utc};

/// What settling or reversing did, for the webhook's outcome text and the admin's message.
pub type Summary = String;

/// A one-off (single or upfront) payment that just became `succeeded`: activate the order,
/// schedule its deliveries, record the code use and the commission.
pub async fn settle_one_off(
    conn: &mut DbConn,
    settings: &Settings,
    payment: &payments::PaymentRow,
    order: &orders::OrderRow,
    now: DateTime<Utc>,
) -> Result<Summary, AppError> {
    let scheduled = activate_order(conn, order, now).await?;
    if scheduled > 0 {
        notices::order_confirmation(conn, settings, order, payment.amount_cents, now).await?;
    }
    let paid = commissions::Paid {
        id: payment.id,
        user_id: payment.user_id,
    };
    let rewards = commissions::on_payment_succeeded(conn, paid, order, now).await?;
    Ok(format!(
        "payment {} succeeded; {scheduled} deliveries scheduled{}",
        payment.id,
        rewards.describe()
    ))
}

/// Activates a paid one-off order and schedules its deliveries (single: one; upfront: every date).
async fn activate_order(
    conn: &mut DbConn,
    order: &orders::OrderRow,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
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

/// A subscription invoice's payment that is `succeeded`: the order is active, the invoice pays for
/// one delivery (the n-th invoice for the n-th date), and the code use and commission are recorded.
/// `amount_cents` is what the invoice's payment received. The caller holds the order's row lock
/// (see `orders::lock`).
pub async fn settle_invoice(
    conn: &mut DbConn,
    settings: &Settings,
    payment_id: i64,
    amount_cents: i64,
    order: &orders::OrderRow,
    now: DateTime<Utc>,
) -> Result<Summary, AppError> {
    orders::activate(conn, order.id, now).await?;
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
    if n == 0 {
        notices::order_confirmation(conn, settings, order, amount_cents, now).await?;
    }
    let paid = commissions::Paid {
        id: payment_id,
        user_id: order.user_id,
    };
    let rewards = commissions::on_payment_succeeded(conn, paid, order, now).await?;
    Ok(format!(
        "{scheduled} delivery scheduled{}",
        rewards.describe()
    ))
}

/// The reason a partner reads on a commission taken back.
pub fn reversal_reason(kind: Kind) -> &'static str {
    match kind {
        Kind::Refund => "The payment was refunded",
        Kind::DisputeLost => "The customer's bank reversed the payment (a lost dispute)",
    }
}

/// What [`reverse`] did.
#[derive(Debug, Default)]
pub struct Reversed {
    pub summary: Summary,
    /// The order's subscription must now be ended at the gateway (after the transaction commits).
    pub cancel_subscription_of: Option<i64>,
}

/// A full refund or a lost dispute of `payment`. `None` when the payment was already refunded.
pub async fn reverse(
    conn: &mut DbConn,
    settings: &Settings,
    payment: &payments::PaymentRow,
    kind: Kind,
    now: DateTime<Utc>,
) -> Result<Option<Reversed>, AppError> {
    if !payments::mark_refunded(conn, payment.id, now).await? {
        return Ok(None);
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
    let mut reversed = Reversed::default();
    if !is_invoice || payments::count_succeeded_for_order(conn, payment.order_id).await? == 0 {
        orders::mark_refunded(conn, payment.order_id, now).await?;
        // Nothing paid remains on a refunded subscription: stop it charging again.
        if orders::request_gateway_cancel(conn, payment.order_id, now).await? {
            reversed.cancel_subscription_of = Some(payment.order_id);
        }
    }
    let took_back =
        commissions::reject_for_reversal(conn, settings, payment.id, reversal_reason(kind), now)
            .await?;
    if kind == Kind::Refund {
        notices::refund(conn, settings, payment, now).await?;
    }
    reversed.summary = format!(
        "payment {} {}; {cancelled} deliveries cancelled{}{}",
        payment.id,
        match kind {
            Kind::Refund => "refunded",
            Kind::DisputeLost => "lost in a dispute",
        },
        if took_back {
            "; commission taken back"
        } else {
            ""
        },
        if reversed.cancel_subscription_of.is_some() {
            "; subscription to be cancelled"
        } else {
            ""
        },
    );
    Ok(Some(reversed))
}
