//! Ports: what services need from the outside world, as traits. The async-stripe implementation
//! lives in the server binary; with no Stripe keys the offline [`Simulator`](super::stripe::simulator::Simulator)
//! stands in and completes payments through our own signed webhook path.

use crate::domain::money::Cents;
use crate::domain::payout::AccountState;
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

/// A transfer to a partner's Connect account (one payout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub amount: Cents,
    pub currency: String,
    /// The Connect account (`acct_…`).
    pub destination: String,
    /// The payout's group: how the transfer is found again when an answer was lost.
    pub transfer_group: String,
    /// The payout's stored key, the same on every attempt.
    pub idempotency_key: String,
    pub metadata: Vec<(String, String)>,
}

/// How a transfer attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Stripe made it (or had made it: an idempotent replay).
    Made { transfer_id: String },
    /// Stripe refused it for good (`balance_insufficient`, an invalid destination…): nothing moved.
    Refused {
        reason: String,
        partner_can_fix: bool,
    },
    /// Worth the same request again with the same key: a 5xx, a 429, a refused connection.
    Retry { reason: String },
    /// Nobody can tell whether it was made (a timeout, an answer we could not read): only a
    /// look-up by transfer group can say.
    Unknown { reason: String },
}

/// A partner's Express account, created once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectAccountRequest {
    pub partner_id: i64,
    pub email: String,
    pub business_name: String,
    /// Names the partner: every attempt returns the one account Stripe made.
    pub idempotency_key: String,
}

pub type TransferFuture<'a> = Pin<Box<dyn Future<Output = TransferOutcome> + Send + 'a>>;

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

    /// Creates the partner's Express account (with the `transfers` capability); returns its id.
    fn create_connect_account(&self, request: ConnectAccountRequest) -> GatewayFuture<'_, String>;
    /// A fresh, single-use onboarding link (never stored or mailed).
    fn account_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> GatewayFuture<'_, String>;
    /// A one-time link into the partner's Express dashboard.
    fn login_link(&self, account_id: &str) -> GatewayFuture<'_, String>;
    /// What Stripe says about the account now, or `None` from the simulator (whose accounts are
    /// what its own `account.updated` events recorded).
    fn retrieve_account(&self, account_id: &str) -> GatewayFuture<'_, Option<AccountState>>;
    /// One attempt at a transfer, with the payout's key. Never retried inside: the caller retries
    /// with the same key.
    fn create_transfer(&self, request: TransferRequest) -> TransferFuture<'_>;
    /// The transfer made for a payout's group to this destination, if any.
    fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> GatewayFuture<'_, Option<String>>;
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
