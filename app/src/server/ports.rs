//! Ports: what services need from the outside world, as traits. The async-stripe implementation
//! lives in the server binary; with no Stripe keys the offline [`Simulator`](super::stripe::simulator::Simulator)
//! stands in and completes payments through our own signed webhook path.

use crate::domain::money::Cents;
use std::future::Future;
use std::pin::Pin;

pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("the card was declined: {0}")]
    Declined(String),
    #[error("the payment service is unavailable: {0}")]
    Unavailable(String),
    #[error("the payment service refused the request: {0}")]
    Rejected(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntentRequest {
    pub amount: Cents,
    /// Lower case, as Stripe wants it.
    pub currency: String,
    /// Sent as `Idempotency-Key`: a retried request never creates a second PaymentIntent.
    pub idempotency_key: String,
    pub metadata: Vec<(String, String)>,
    pub receipt_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPaymentIntent {
    pub id: String,
    pub client_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRequest {
    pub email: String,
    pub name: String,
    /// Charged every period.
    pub amount: Cents,
    /// Taken off the first invoice only (a partner's discount code).
    pub first_payment_discount: Option<Cents>,
    pub currency: String,
    /// Stripe's `recurring.interval` and `interval_count`.
    pub interval: (&'static str, u32),
    pub product_name: String,
    pub idempotency_key: String,
    pub metadata: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedSubscription {
    pub customer_id: String,
    pub subscription_id: String,
    /// The first invoice's PaymentIntent secret, for Stripe.js.
    pub client_secret: Option<String>,
}

/// A refund the gateway made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRefund {
    /// The charge refunded: `charge.refunded` names the same charge, so recording both is one row.
    pub charge_id: String,
}

pub trait PaymentGateway: Send + Sync {
    /// True for the offline simulator: checkout shows the test-mode banner and completes payments itself.
    fn is_simulator(&self) -> bool;
    fn publishable_key(&self) -> Option<String>;
    fn create_payment_intent(
        &self,
        request: PaymentIntentRequest,
    ) -> GatewayFuture<'_, CreatedPaymentIntent>;
    fn create_subscription(
        &self,
        request: SubscriptionRequest,
    ) -> GatewayFuture<'_, CreatedSubscription>;
    /// The client secret of an existing PaymentIntent, for a checkout page shown again.
    fn payment_intent_secret(&self, intent_id: &str) -> GatewayFuture<'_, Option<String>>;
    /// The client secret of a subscription's first invoice, for a checkout page shown again.
    fn subscription_secret(&self, subscription_id: &str) -> GatewayFuture<'_, Option<String>>;
    /// Refunds a PaymentIntent in full. The key makes a retried call refund once.
    fn refund_payment(
        &self,
        intent_id: &str,
        idempotency_key: String,
    ) -> GatewayFuture<'_, CreatedRefund>;
    /// Ends a subscription now. Idempotent: one that has already ended is not an error.
    fn cancel_subscription(&self, subscription_id: &str) -> GatewayFuture<'_, ()>;
    /// The PaymentIntent that paid an invoice (for invoices whose event did not name it).
    fn invoice_payment_intent(&self, invoice_id: &str) -> GatewayFuture<'_, Option<String>>;
    /// The invoice a PaymentIntent paid, if any (for refunds that name only the PaymentIntent).
    fn payment_intent_invoice(&self, intent_id: &str) -> GatewayFuture<'_, Option<String>>;
}

/// A queued mail, handed to the transport by the outbox sender.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingMail<'a> {
    /// The outbox row: the message id is derived from it, so a retried send keeps one identity.
    pub id: i64,
    pub to: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// Why a mail did not leave. The message is the server's answer (or the network error), kept on
/// the outbox row for the admin; it never holds the mail's body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth trying again later: a 4xx answer, a refused or dropped connection, a timeout.
    #[error("{0}")]
    Transient(String),
    /// Trying again cannot help: a 5xx answer, or an address the message cannot carry.
    #[error("{0}")]
    Permanent(String),
}

pub type MailFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Where mail goes: SMTP, or `.eml` files when no server is configured.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, mail: OutgoingMail<'a>) -> MailFuture<'a>;
    /// How many mails may be on their way at once (an SMTP transport keeps as many connections).
    fn parallelism(&self) -> usize;
    /// For logs and the CLI, without credentials (e.g. `SMTP mail.example.com:587`).
    fn describe(&self) -> String;
}
