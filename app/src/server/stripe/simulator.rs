//! The offline payment simulator (DESIGN §5): plays Stripe's part when no keys are configured.
//!
//! It hands out `*_sim_*` ids and completes payments by delivering **signed** Stripe-shaped events
//! to the same webhook service Stripe's requests reach, so the real webhook path always runs.

use super::signature;
use crate::domain::money::Cents;
use crate::domain::payout::AccountState;
use crate::server::context::AppState;
use crate::server::ports::{
    ConnectAccountRequest, CreatedPaymentIntent, CreatedRefund, CreatedSubscription, GatewayFuture,
    PaymentGateway, PaymentIntentRequest, SubscriptionRequest, TransferFuture, TransferOutcome,
    TransferRequest,
};
use crate::server::services::webhooks::{self, Outcome, WebhookError};
use crate::server::token;
use serde_json::json;

pub struct Simulator;

fn sim_id(prefix: &str) -> String {
    format!("{prefix}_sim_{}", &token::new_secret()[..24])
}

impl PaymentGateway for Simulator {
    fn is_simulator(&self) -> bool {
        true
    }

    fn publishable_key(&self) -> Option<String> {
        None
    }

    fn create_payment_intent(
        &self,
        _request: PaymentIntentRequest,
    ) -> GatewayFuture<'_, CreatedPaymentIntent> {
        Box::pin(async {
            Ok(CreatedPaymentIntent {
                id: sim_id("pi"),
                client_secret: None,
            })
        })
    }

    fn create_subscription(
        &self,
        _request: SubscriptionRequest,
    ) -> GatewayFuture<'_, CreatedSubscription> {
        Box::pin(async {
            Ok(CreatedSubscription {
                customer_id: sim_id("cus"),
                subscription_id: sim_id("sub"),
                client_secret: None,
            })
        })
    }

    fn payment_intent_secret(&self, _intent_id: &str) -> GatewayFuture<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn subscription_secret(&self, _subscription_id: &str) -> GatewayFuture<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn refund_payment(
        &self,
        _intent_id: &str,
        _idempotency_key: String,
    ) -> GatewayFuture<'_, CreatedRefund> {
        Box::pin(async {
            Ok(CreatedRefund {
                charge_id: sim_id("ch"),
            })
        })
    }

    fn cancel_subscription(&self, _subscription_id: &str) -> GatewayFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }

    // The simulator's own invoice events name their PaymentIntent, so it is never asked.
    fn invoice_payment_intent(&self, _invoice_id: &str) -> GatewayFuture<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn payment_intent_invoice(&self, _intent_id: &str) -> GatewayFuture<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn create_connect_account(&self, _request: ConnectAccountRequest) -> GatewayFuture<'_, String> {
        Box::pin(async { Ok(sim_id("acct")) })
    }

    /// Our own page stands in for Stripe's onboarding (the partner is known from the session).
    fn account_link(
        &self,
        _account_id: &str,
        _refresh_url: &str,
        _return_url: &str,
    ) -> GatewayFuture<'_, String> {
        Box::pin(async { Ok(SIMULATED_ONBOARDING.to_owned()) })
    }

    fn login_link(&self, _account_id: &str) -> GatewayFuture<'_, String> {
        Box::pin(async { Ok("/partner/payouts?express=simulated".to_owned()) })
    }

    fn retrieve_account(&self, _account_id: &str) -> GatewayFuture<'_, Option<AccountState>> {
        Box::pin(async { Ok(None) })
    }

    fn create_transfer(&self, _request: TransferRequest) -> TransferFuture<'_> {
        Box::pin(async {
            TransferOutcome::Made {
                transfer_id: sim_id("tr"),
            }
        })
    }

    // Every simulated transfer is answered at once, so none is ever looked for.
    fn find_transfer(
        &self,
        _transfer_group: &str,
        _destination: &str,
    ) -> GatewayFuture<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }
}

/// The simulator's stand-in for Stripe's hosted onboarding.
pub const SIMULATED_ONBOARDING: &str = "/partner/payout-setup/simulated";

fn envelope(kind: &str, object: serde_json::Value) -> Vec<u8> {
    envelope_value(kind, object).to_string().into_bytes()
}

fn envelope_value(kind: &str, object: serde_json::Value) -> serde_json::Value {
    json!({
        "id": sim_id("evt"),
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": chrono::Utc::now().timestamp(),
        "livemode": false,
        "type": kind,
        "data": { "object": object },
    })
}

/// A `payment_intent.succeeded` event for a one-off payment, with its charge expanded (as Stripe
/// sends it when asked) so the card's fingerprint is there.
pub fn payment_intent_succeeded(
    intent_id: &str,
    amount: Cents,
    currency: &str,
    order_id: i64,
    fingerprint: &str,
) -> Vec<u8> {
    envelope(
        "payment_intent.succeeded",
        json!({
            "id": intent_id, "object": "payment_intent", "amount": amount.0, "amount_received": amount.0,
            "currency": currency.to_ascii_lowercase(), "status": "succeeded", "invoice": null,
            "metadata": { "order_id": order_id.to_string() },
            "latest_charge": {
                "id": sim_id("ch"), "object": "charge", "payment_intent": intent_id,
                "payment_method_details": { "type": "card", "card": {
                    "brand": "visa", "last4": "4242", "fingerprint": fingerprint,
                }},
            },
        }),
    )
}

/// The simulator's card belongs to the name on the account: two accounts in one person's name pay
/// with the same card (so a self-referral can be tried out in test mode).
pub fn card_fingerprint(first_name: &str, last_name: &str) -> String {
    use sha2::Digest as _;
    let name = format!("{} {}", first_name.trim(), last_name.trim()).to_lowercase();
    let digest = sha2::Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sim{hex}")
}

/// An `invoice.payment_succeeded` event in the 2025 shape (subscription under `parent`, the
/// PaymentIntent under `payments`, as Stripe includes it when asked).
pub fn invoice_payment_succeeded(
    invoice_id: &str,
    subscription_id: &str,
    amount: Cents,
    currency: &str,
) -> Vec<u8> {
    envelope(
        "invoice.payment_succeeded",
        json!({
            "id": invoice_id, "object": "invoice", "amount_paid": amount.0, "amount_due": amount.0,
            "currency": currency.to_ascii_lowercase(), "status": "paid", "billing_reason": "subscription_cycle",
            "parent": { "type": "subscription_details", "subscription_details": { "subscription": subscription_id } },
            "payments": { "object": "list", "data": [{
                "object": "invoice_payment", "status": "paid", "amount_paid": amount.0,
                "payment": { "type": "payment_intent", "payment_intent": sim_id("pi") },
            }]},
        }),
    )
}

/// A `charge.refunded` event: the whole charge of the PaymentIntent refunded (2025 shape).
pub fn charge_refunded(intent_id: &str, amount_cents: i64, currency: &str) -> Vec<u8> {
    envelope(
        "charge.refunded",
        json!({
            "id": sim_id("ch"), "object": "charge", "payment_intent": intent_id,
            "amount": amount_cents, "amount_refunded": amount_cents, "refunded": true,
            "currency": currency.to_ascii_lowercase(),
        }),
    )
}

pub fn new_invoice_id() -> String {
    sim_id("in")
}

/// Signs `body` with the configured webhook secret and hands it to the webhook service.
pub async fn deliver(state: &AppState, body: &[u8]) -> Result<Outcome, WebhookError> {
    let now = chrono::Utc::now();
    let header = signature::sign(body, &state.settings.webhook_secret, now.timestamp());
    webhooks::receive(state, Some(&header), body, now).await
}

/// An `account.updated` Connect event for a simulated account in `account_state`.
pub fn account_updated(account_id: &str, account: &AccountState) -> Vec<u8> {
    let mut event = envelope_value(
        "account.updated",
        json!({
            "id": account_id, "object": "account", "type": "express",
            "charges_enabled": account.charges_enabled, "payouts_enabled": account.payouts_enabled,
            "capabilities": { "transfers": if account.transfers_active { "active" } else { "inactive" } },
            "requirements": {
                "currently_due": account.currently_due,
                "disabled_reason": account.disabled_reason,
            },
        }),
    );
    event["account"] = json!(account_id);
    event.to_string().into_bytes()
}

/// Signs `body` with the Connect signing secret and hands it to the Connect webhook service.
pub async fn deliver_connect(state: &AppState, body: &[u8]) -> Result<Outcome, WebhookError> {
    let now = chrono::Utc::now();
    let header = signature::sign(
        body,
        &state.settings.connect_webhook_secret,
        now.timestamp(),
    );
    crate::server::services::connect::receive(state, Some(&header), body, now).await
}
