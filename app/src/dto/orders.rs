//! What customers see while ordering, paying and reviewing their orders.

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
    /// The country the address starts on (matches the currency).
    pub default_country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub title: String,
    pub recipient: String,
    pub address: String,
    pub first_delivery: String,
    pub budget: String,
    /// The amounts and the code: the part of checkout the discount-code box changes.
    pub totals: CheckoutTotals,
    pub payable: bool,
    pub status_label: String,
    /// The offline payment simulator is active: show the test-mode banner.
    pub test_mode: bool,
    /// With real Stripe: what Stripe.js needs to collect the card on this page.
    pub card: Option<CardPayment>,
    /// With real Stripe: why the card form could not be prepared (the payment service failed).
    pub card_problem: Option<String>,
}

/// An order's amounts and partner code, as checkout shows them. Applying or removing a code
/// answers with the new totals, so the page updates without a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutTotals {
    pub order_id: i64,
    pub subtotal: String,
    /// The discount line (`None` when no discount applies).
    pub discount: Option<String>,
    pub total: String,
    /// What the total buys, e.g. "24 deliveries" or "charged every month".
    pub total_note: String,
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
    /// The next few scheduled deliveries, formatted for people, each with its florist if one
    /// has accepted it.
    pub upcoming: Vec<(String, Option<String>)>,
    pub scheduled_count: usize,
    pub delivered_count: usize,
    /// A running subscription its customer (or an admin) may stop.
    pub cancellable: bool,
    /// The subscription was stopped here but the payment service has not confirmed it yet.
    pub gateway_cancel_pending: bool,
}
