//! Orders: creating them from the form, the checkout view, paying, and the customer's list.

use crate::domain::money::Cents;
use crate::domain::order::{self, Frequency, OrderForm, OrderKind};
use crate::dto::AppError;
use crate::dto::orders::{
    AppliedCode, CardPayment, CheckoutTotals, CheckoutView, OrderFormOptions, OrderSummary,
    PaymentLine,
};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::{events, orders, payments, reversals};
use crate::server::ports::{GatewayError, PaymentIntentRequest, SubscriptionRequest};
use crate::server::services::discounts;
use crate::server::stripe::simulator;
use chrono::{NaiveDate, Utc};

fn today(state: &AppState) -> NaiveDate {
    Utc::now()
        .with_timezone(&state.settings.business_tz)
        .date_naive()
}

pub(crate) fn human_date(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

pub fn form_options(state: &AppState) -> OrderFormOptions {
    let rules = state.settings.order_rules;
    OrderFormOptions {
        min_budget: rules.min_budget.to_decimal_string(),
        max_budget: rules.max_budget.to_decimal_string(),
        earliest_date: (today(state) + chrono::Days::new(u64::from(rules.lead_days))).to_string(),
        max_years: rules.max_years,
        currency: state.settings.currency.clone(),
        default_country: order::default_country(&state.settings.currency).to_owned(),
    }
}

pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    form: &OrderForm,
) -> Result<i64, AppError> {
    let new = order::validate_order(form, &state.settings.order_rules, today(state))
        .map_err(AppError::Invalid)?;
    // No discount yet (partner codes arrive with the partner program): total = subtotal.
    Ok(orders::insert(&state.db, user.id, &new, new.subtotal.0, Utc::now()).await?)
}

pub(crate) fn title(row: &orders::OrderRow) -> String {
    let frequency = row.frequency.as_deref().and_then(Frequency::parse);
    match (OrderKind::parse(&row.kind), frequency) {
        (Some(OrderKind::Upfront), Some(f)) => format!(
            "Prepaid plan: {} for {} year{}",
            f.label().to_lowercase(),
            row.years,
            if row.years == 1 { "" } else { "s" }
        ),
        (Some(OrderKind::Subscription), Some(f)) => {
            format!("Subscription: {}", f.label().to_lowercase())
        }
        _ => "One delivery".to_owned(),
    }
}

/// For people. A paid one-off or prepaid order is "Paid"; only a running subscription is "Active".
fn status_label(kind: &str, status: &str) -> &'static str {
    match status {
        "pending_payment" => "Awaiting payment",
        "active" if OrderKind::parse(kind) == Some(OrderKind::Subscription) => "Active",
        "active" => "Paid",
        "completed" => "Completed",
        "cancelled" => "Cancelled",
        "refunded" => "Refunded",
        _ => "Unknown",
    }
}

fn payment_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Processing",
        "succeeded" => "Paid",
        "failed" => "Failed",
        "refunded" => "Refunded",
        "needs_review" => "Under review",
        _ => "Unknown",
    }
}

fn address(row: &orders::OrderRow) -> String {
    let state = if row.state.is_empty() {
        String::new()
    } else {
        format!(" {}", row.state)
    };
    format!(
        "{}, {}, {}{state} {}, {}",
        row.street_address, row.suburb, row.city, row.postcode, row.country
    )
}

pub async fn checkout(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<CheckoutView, AppError> {
    let (row, reviewing, payable) = checkout_order(state, user, order_id).await?;
    // With real Stripe the card is collected on this page once the PaymentIntent or subscription
    // exists ("Continue to payment" creates it with the final amount); showing the page again finds
    // the same one. After an unanswered attempt the amount stays fixed but "Continue" is offered
    // again, and retries with the same key.
    let created = row.stripe_subscription_id.is_some()
        || payments::find_pending_intent_for_order(&state.db, row.id)
            .await?
            .is_some();
    let (card, card_problem) = match state.payments.publishable_key() {
        Some(publishable_key) if payable && created => match start_payment(state, user, &row).await
        {
            Ok(Some(client_secret)) => (
                Some(CardPayment {
                    publishable_key,
                    client_secret,
                    return_url: format!("{}/orders?paid={}", state.settings.site_url, row.id),
                }),
                None,
            ),
            Ok(None) => {
                tracing::error!(order = row.id, "Stripe returned no client secret");
                (None, Some(PAYMENT_SERVICE_DOWN.to_owned()))
            }
            Err(GatewayFailure::Gateway(error)) => {
                after_gateway_failure(state, &row, &error).await;
                (None, Some(gateway_message(error)))
            }
            Err(GatewayFailure::Internal(error)) => return Err(error),
        },
        _ => (None, None),
    };
    Ok(CheckoutView {
        totals: checkout_totals(state, &row, payable).await?,
        title: title(&row),
        recipient: row.recipient_name.clone(),
        address: address(&row),
        first_delivery: human_date(row.first_delivery_date),
        budget: Cents(row.budget_cents).display(&state.settings.currency),
        payable,
        status_label: if reviewing {
            "Payment under review".to_owned()
        } else {
            status_label(&row.kind, &row.status).to_owned()
        },
        test_mode: state.payments.is_simulator(),
        card,
        card_problem,
    })
}

/// The customer's order's totals, as checkout shows them (after a code was applied or removed).
pub async fn totals(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<CheckoutTotals, AppError> {
    let (row, _, payable) = checkout_order(state, user, order_id).await?;
    checkout_totals(state, &row, payable).await
}

/// The customer's order, whether a payment of it is under review, and whether it can be paid now
/// (awaiting payment and not under review).
async fn checkout_order(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<(orders::OrderRow, bool, bool), AppError> {
    let row = orders::find_for_user(&state.db, order_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reviewing = in_review(state, row.id).await?;
    let payable = row.status == "pending_payment" && !reviewing;
    Ok((row, reviewing, payable))
}

async fn checkout_totals(
    state: &AppState,
    row: &orders::OrderRow,
    payable: bool,
) -> Result<CheckoutTotals, AppError> {
    let currency = &state.settings.currency;
    let total_note = match (
        OrderKind::parse(&row.kind),
        row.frequency.as_deref().and_then(Frequency::parse),
    ) {
        (Some(OrderKind::Upfront), Some(f)) => {
            let n = order::deliveries_paid(
                OrderKind::Upfront,
                u32::try_from(row.years).unwrap_or(1),
                Some(f),
            );
            format!("{n} deliveries, paid now")
        }
        (Some(OrderKind::Subscription), Some(f)) => {
            format!("charged {} until you cancel", f.label().to_lowercase())
        }
        _ => "one delivery, paid now".to_owned(),
    };
    let code = discounts::applied_code(state, row)
        .await?
        .map(|c| AppliedCode {
            code: c.code.to_uppercase(),
            business_name: c.business_name,
        });
    Ok(CheckoutTotals {
        order_id: row.id,
        subtotal: Cents(row.subtotal_cents).display(currency),
        discount: (row.discount_cents > 0)
            .then(|| format!("-{}", Cents(row.discount_cents).display(currency))),
        total: Cents(row.total_cents).display(currency),
        total_note,
        code,
        code_editable: payable && !payment_started(row),
    })
}

const PAYMENT_SERVICE_DOWN: &str =
    "We could not reach the payment service. Nothing was charged; please try again in a minute.";

/// What the customer reads when the gateway fails (details go to the log).
fn gateway_message(error: GatewayError) -> String {
    match error {
        GatewayError::Declined(reason) => format!("Your card was declined: {reason}"),
        other => {
            tracing::error!(error = %other, "payment gateway");
            PAYMENT_SERVICE_DOWN.to_owned()
        }
    }
}

fn gateway_error(error: GatewayError) -> AppError {
    AppError::field("payment", gateway_message(error))
}

const UNDER_REVIEW: &str = "We received a payment for this order that our team is checking. \
    Nothing more is needed from you now: we will be in touch.";

/// A payment of the order waits for an admin: paying again would charge twice.
async fn in_review(state: &AppState, order_id: i64) -> Result<bool, AppError> {
    Ok(payments::list_for_order(&state.db, order_id)
        .await?
        .iter()
        .any(|p| p.status == "needs_review"))
}

/// True once payment has started for the order (its amount is then fixed). Every payment start
/// sets the mark first (orders from before it were marked by the migration).
fn payment_started(row: &orders::OrderRow) -> bool {
    row.payment_started_at.is_some() || row.stripe_subscription_id.is_some()
}

/// The idempotency key of the order's payment. It names the amount as well as the order: the amount
/// is fixed once payment starts, and if it ever changes after a definite failure, Stripe must see
/// a new request rather than refuse a reused key for 24 hours.
fn payment_key(row: &orders::OrderRow, what: &str) -> String {
    format!(
        "order-{}-{what}-{}-{}",
        row.id, row.subtotal_cents, row.discount_cents
    )
}

/// Creates, or finds again, the one PaymentIntent or subscription of an unpaid order and returns
/// its client secret (`None` from the simulator). Both are created with idempotency keys derived
/// from the order and its amount, and our own rows are looked up first, so a double click, a reload
/// or a retried request cannot make a second charge. The order must be marked as payment started
/// (its amount fixed) before this is called.
async fn start_payment(
    state: &AppState,
    user: &CurrentUser,
    row: &orders::OrderRow,
) -> Result<Option<String>, GatewayFailure> {
    let currency = state.settings.currency.to_ascii_lowercase();
    let mut metadata = vec![
        ("order_id".to_owned(), row.id.to_string()),
        ("user_id".to_owned(), user.id.to_string()),
    ];
    if let Some(code) = discounts::applied_code(state, row)
        .await
        .map_err(GatewayFailure::Internal)?
    {
        metadata.push(("discount_code".to_owned(), code.code.to_uppercase()));
    }
    let now = Utc::now();
    if OrderKind::parse(&row.kind) == Some(OrderKind::Subscription) {
        if let Some(id) = &row.stripe_subscription_id {
            return Ok(state.payments.subscription_secret(id).await?);
        }
        let frequency = row
            .frequency
            .as_deref()
            .and_then(Frequency::parse)
            .unwrap_or(Frequency::Monthly);
        let created = state
            .payments
            .create_subscription(SubscriptionRequest {
                email: user.email.clone(),
                name: format!("{} {}", user.first_name, user.last_name),
                // Every period is charged the full budget; a discount comes off the first invoice.
                amount: Cents(row.subtotal_cents),
                first_payment_discount: (row.discount_cents > 0)
                    .then_some(Cents(row.discount_cents)),
                currency,
                interval: frequency.stripe_interval(),
                product_name: format!("Flowers for {}", row.recipient_name),
                idempotency_key: payment_key(row, "subscription"),
                metadata,
            })
            .await?;
        orders::set_subscription(
            &state.db,
            row.id,
            &created.customer_id,
            &created.subscription_id,
            now,
        )
        .await?;
        return Ok(created.client_secret);
    }
    if let Some(open) = payments::find_pending_intent_for_order(&state.db, row.id).await? {
        let id = open.stripe_payment_intent_id.unwrap_or_default();
        return Ok(state.payments.payment_intent_secret(&id).await?);
    }
    let created = state
        .payments
        .create_payment_intent(PaymentIntentRequest {
            amount: Cents(row.total_cents),
            currency,
            idempotency_key: payment_key(row, "payment"),
            metadata,
            receipt_email: user.email.clone(),
        })
        .await?;
    let mut conn = state.db.acquire().await?;
    let pending = payments::NewPayment {
        user_id: user.id,
        order_id: row.id,
        intent_id: Some(&created.id),
        invoice_id: None,
        amount_cents: row.total_cents,
        currency: &state.settings.currency,
        status: "pending",
        review: None,
    };
    // A concurrent first request may have saved the same PaymentIntent (same idempotency key):
    // the unique index keeps one row, and this request carries on with the same secret.
    if let Err(error) = payments::insert(&mut conn, &pending, now).await
        && !crate::server::db::is_unique_violation(&error)
    {
        return Err(error.into());
    }
    Ok(created.client_secret)
}

/// Starts payment for `row`: re-checks its code, then marks payment as started, which fixes the
/// amount before the gateway hears of it. Returns the order as it now stands.
///
/// The mark is where the first-order discount is given at most once: a second discounted order
/// of the same customer fails the unique index `orders_one_discounted_payment`, and its discount
/// is taken off with an explanation (nothing was charged).
async fn fix_amount(
    state: &AppState,
    user: &CurrentUser,
    row: orders::OrderRow,
) -> Result<orders::OrderRow, AppError> {
    if payment_started(&row) {
        return Ok(row);
    }
    discounts::recheck_before_payment(state, user, &row).await?;
    let mut conn = state.db.acquire().await?;
    match orders::mark_payment_started(&mut conn, row.id, Utc::now()).await {
        Ok(_) => {}
        Err(error) if crate::server::db::is_unique_violation(&error) => {
            let other = orders::other_discounted_order_in_payment(&mut conn, user.id, row.id)
                .await?
                .map_or_else(|| "another order".to_owned(), |id| format!("order #{id}"));
            let current = orders::find(&mut conn, row.id)
                .await?
                .ok_or(AppError::NotFound)?;
            return discounts::take_off_discount(
                &mut conn,
                state,
                &current,
                &format!("Your first-order discount is already on {other}, which is being paid."),
            )
            .await
            .map(|()| current);
        }
        Err(error) => return Err(error.into()),
    }
    // Re-read: the amount that is now fixed is the one to charge.
    orders::find(&mut conn, row.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// After a definite gateway failure nothing was created: the amount may change again. After an
/// unknown outcome (timeout, 5xx) it stays fixed, so the retry sends the same key and amount.
async fn after_gateway_failure(state: &AppState, row: &orders::OrderRow, error: &GatewayError) {
    if matches!(error, GatewayError::Declined(_) | GatewayError::Rejected(_))
        && let Err(release) = orders::release_payment_start(&state.db, row.id, Utc::now()).await
    {
        tracing::error!(order = row.id, %release, "releasing the payment-start mark");
    }
}

/// A failure while starting a payment: the gateway's (shown to the customer) or ours (logged).
enum GatewayFailure {
    Gateway(GatewayError),
    Internal(AppError),
}

impl From<GatewayError> for GatewayFailure {
    fn from(error: GatewayError) -> Self {
        Self::Gateway(error)
    }
}

impl From<sqlx::Error> for GatewayFailure {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

/// What pressing "Pay" led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayOutcome {
    /// Test mode: the simulator completed the payment.
    Paid,
    /// Real Stripe: the PaymentIntent or subscription exists; the card is entered on checkout.
    CardNeeded,
}

/// Starts payment with the order's final amount (re-checking its discount code first). In test
/// mode the simulator then completes it at once by delivering the signed event Stripe would send;
/// with real Stripe the customer confirms the card with Stripe.js on the checkout page.
pub async fn pay(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<PayOutcome, AppError> {
    let row = orders::find_for_user(&state.db, order_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status != "pending_payment" {
        return Err(AppError::field("payment", "This order is already paid."));
    }
    if in_review(state, row.id).await? {
        return Err(AppError::field("payment", UNDER_REVIEW));
    }
    let row = fix_amount(state, user, row).await?;
    match start_payment(state, user, &row).await {
        Ok(_) => {}
        Err(GatewayFailure::Gateway(error)) => {
            after_gateway_failure(state, &row, &error).await;
            return Err(gateway_error(error));
        }
        Err(GatewayFailure::Internal(error)) => return Err(error),
    }
    if !state.payments.is_simulator() {
        return Ok(PayOutcome::CardNeeded);
    }
    let currency = state.settings.currency.to_ascii_lowercase();
    let body = if OrderKind::parse(&row.kind) == Some(OrderKind::Subscription) {
        // Re-read: start_payment stored the subscription id.
        let subscription_id = orders::find_for_user(&state.db, order_id, user.id)
            .await?
            .and_then(|r| r.stripe_subscription_id)
            .ok_or_else(|| AppError::internal("subscription id missing after creation"))?;
        simulator::invoice_payment_succeeded(
            &simulator::new_invoice_id(),
            &subscription_id,
            Cents(row.total_cents),
            &currency,
        )
    } else {
        let intent = payments::find_pending_intent_for_order(&state.db, row.id)
            .await?
            .and_then(|p| p.stripe_payment_intent_id)
            .ok_or_else(|| AppError::internal("PaymentIntent missing after creation"))?;
        simulator::payment_intent_succeeded(
            &intent,
            Cents(row.total_cents),
            &currency,
            row.id,
            &simulator::card_fingerprint(&user.first_name, &user.last_name),
        )
    };
    simulator::deliver(state, &body)
        .await
        .map_err(|e| AppError::internal(format!("simulated payment: {e}")))?;
    Ok(PayOutcome::Paid)
}

/// An order as customers (and admins) see it: its payments (with their refunds and disputes) and
/// the next few deliveries. `for_admin` adds why a payment waits for review.
pub fn summarize(
    state: &AppState,
    row: &orders::OrderRow,
    order_payments: &[&payments::PaymentRow],
    order_events: &[&events::EventRow],
    order_reversals: &[&reversals::ReversalRow],
    for_admin: bool,
) -> OrderSummary {
    let currency = &state.settings.currency;
    let tz = state.settings.business_tz;
    let today = today(state);
    let day = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%-d %b %Y").to_string();
    let upcoming: Vec<_> = order_events
        .iter()
        .filter(|e| e.status == "scheduled" && e.delivery_date >= today)
        .map(|e| (e.delivery_date, e.florist.clone()))
        .collect();
    let is_subscription = OrderKind::parse(&row.kind) == Some(OrderKind::Subscription);
    OrderSummary {
        id: row.id,
        title: title(row),
        status: row.status.clone(),
        status_label: status_label(&row.kind, &row.status).to_owned(),
        recipient: row.recipient_name.clone(),
        address: address(row),
        total: Cents(row.total_cents).display(currency),
        placed: day(row.created_at),
        payments: order_payments
            .iter()
            .map(|p| PaymentLine {
                id: p.id,
                date: day(p.created_at),
                amount: Cents(p.amount_cents).display(&p.currency),
                status: payment_status_label(&p.status).to_owned(),
                status_code: p.status.clone(),
                reversals: order_reversals
                    .iter()
                    .filter(|r| r.payment_id == p.id)
                    .map(|r| reversal_text(r, &p.currency, day(r.updated_at)))
                    .collect(),
                review: (for_admin && p.status == "needs_review").then(|| p.review_reason.clone()),
            })
            .collect(),
        scheduled_count: upcoming.len(),
        upcoming: upcoming
            .iter()
            .take(6)
            .map(|(d, florist)| (human_date(*d), florist.clone()))
            .collect(),
        delivered_count: order_events
            .iter()
            .filter(|e| e.status == "delivered")
            .count(),
        cancellable: is_subscription
            && row.stripe_subscription_id.is_some()
            && matches!(row.status.as_str(), "active" | "pending_payment"),
        gateway_cancel_pending: row.cancel_requested_at.is_some()
            && row.gateway_cancelled_at.is_none(),
    }
}

fn reversal_text(r: &reversals::ReversalRow, currency: &str, date: String) -> String {
    let amount = Cents(r.amount_cents).display(currency);
    match (reversals::Kind::parse(&r.kind), r.is_full) {
        (Some(reversals::Kind::DisputeLost), _) => format!("{date}: dispute lost ({amount})"),
        (_, true) => format!("{date}: refunded in full ({amount})"),
        (_, false) => format!("{date}: partly refunded ({amount} so far)"),
    }
}

pub async fn mine(state: &AppState, user: &CurrentUser) -> Result<Vec<OrderSummary>, AppError> {
    let rows = orders::list_for_user(&state.db, user.id).await?;
    let all_payments = payments::list_for_orders(&state.db, user.id).await?;
    let all_events = events::list_for_user(&state.db, user.id).await?;
    let all_reversals = reversals::list_for_user(&state.db, user.id).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let p: Vec<_> = all_payments
                .iter()
                .filter(|p| p.order_id == row.id)
                .collect();
            let e: Vec<_> = all_events.iter().filter(|e| e.order_id == row.id).collect();
            let r: Vec<_> = all_reversals
                .iter()
                .filter(|r| p.iter().any(|p| p.id == r.payment_id))
                .collect();
            summarize(state, row, &p, &e, &r, false)
        })
        .collect())
}

pub fn kind_label(kind: &str) -> &'static str {
    OrderKind::parse(kind).map_or("Unknown", OrderKind::label)
}

pub fn order_status_label(kind: &str, status: &str) -> &'static str {
    status_label(kind, status)
}

/// Test mode only: the subscription's next paid invoice, as Stripe would produce each period,
/// delivered through the signed webhook path. Returns what the webhook service did.
pub async fn simulate_next_invoice(state: &AppState, order_id: i64) -> Result<String, AppError> {
    if !state.payments.is_simulator() {
        return Err(AppError::field(
            "order",
            "Invoices can only be simulated in test mode (no Stripe keys).",
        ));
    }
    let order = {
        let mut conn = state.db.acquire().await?;
        orders::find(&mut conn, order_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let subscription_id = match (OrderKind::parse(&order.kind), &order.stripe_subscription_id) {
        (Some(OrderKind::Subscription), Some(id)) if order.status == "active" => id.clone(),
        (Some(OrderKind::Subscription), _) => {
            return Err(AppError::field(
                "order",
                "This subscription is not active yet: pay for it first.",
            ));
        }
        _ => {
            return Err(AppError::field(
                "order",
                format!("Order {order_id} is not a subscription."),
            ));
        }
    };
    let currency = state.settings.currency.to_ascii_lowercase();
    // Later periods are charged the full budget (a discount applies to the first invoice only).
    let body = simulator::invoice_payment_succeeded(
        &simulator::new_invoice_id(),
        &subscription_id,
        Cents(order.subtotal_cents),
        &currency,
    );
    let outcome = simulator::deliver(state, &body)
        .await
        .map_err(|e| AppError::internal(format!("simulated invoice: {e}")))?;
    Ok(outcome.describe())
}
