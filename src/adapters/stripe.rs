//! The real [`PaymentGateway`]: Stripe through async-stripe 0.41.
//!
//! Invariants:
//! - Every creating call carries an `Idempotency-Key` derived from the order, so a retried or
//!   doubled request returns the object Stripe already made instead of charging twice.
//! - Every call is bounded by a timeout (async-stripe has none of its own); a timeout, a network
//!   error or a 5xx is reported as `Unavailable`, a card error as `Declined`, anything else as
//!   `Rejected`. The caller then saves nothing, so trying again is safe.
//! - Connect answers (accounts, links, transfers) are read as raw JSON: async-stripe 0.41's typed
//!   enums have no fallback for values it does not know, and an unreadable *success* must never pass
//!   for a failure. A transfer attempt reports [`TransferOutcome`]: made, refused for good, worth
//!   retrying with the same key, or unknown; the payouts service does the retrying.
//! - The client speaks API version 2023-10-16 (fixed by async-stripe 0.41); webhook payloads are
//!   read from raw JSON elsewhere and accept both that shape and the 2025 one.

use app::domain::payout::AccountState;
use app::server::ports::{
    ConnectAccountRequest, CreatedPaymentIntent, CreatedRefund, CreatedSubscription, GatewayError,
    GatewayFuture, PaymentGateway, PaymentIntentRequest, SubscriptionRequest, TransferFuture,
    TransferOutcome, TransferRequest,
};
use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;
use stripe::{
    AccountId, AccountLinkType, AccountType, CancelSubscription, Client, Coupon, CouponDuration,
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers,
    CreateAccountLink, CreateCoupon, CreateCustomer, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, CreateProduct, CreateRefund, CreateSubscription,
    CreateSubscriptionItems, CreateSubscriptionPaymentSettings,
    CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod, Currency, Customer, ErrorType,
    Expandable, Invoice, InvoiceId, ListTransfers, PaymentIntent, PaymentIntentId, Product, Refund,
    RequestStrategy, StripeError, Subscription, SubscriptionId, SubscriptionInterval,
    SubscriptionPaymentBehavior, SubscriptionPriceData, SubscriptionPriceDataRecurring,
    SubscriptionStatus,
};

pub struct StripeGateway {
    client: Client,
    publishable_key: String,
    timeout: Duration,
}

impl StripeGateway {
    /// `api_base` is scheme, host and port only (async-stripe replaces any path with `/v1/...`).
    pub fn new(
        secret_key: &str,
        publishable_key: &str,
        api_base: Option<&str>,
        timeout: Duration,
    ) -> Self {
        let client = match api_base {
            Some(base) => Client::from_url(base, secret_key.to_owned()),
            None => Client::new(secret_key.to_owned()),
        };
        Self {
            client,
            publishable_key: publishable_key.to_owned(),
            timeout,
        }
    }

    fn idempotent(&self, key: String) -> Client {
        self.client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(key))
    }

    async fn call<T>(
        &self,
        what: &str,
        request: impl Future<Output = Result<T, StripeError>>,
    ) -> Result<T, GatewayError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(classify(what, error)),
            Err(_) => Err(GatewayError::Unavailable(format!(
                "{what}: no answer within {} s",
                self.timeout.as_secs()
            ))),
        }
    }
}

fn classify(what: &str, error: StripeError) -> GatewayError {
    match error {
        StripeError::Stripe(e) if e.error_type == ErrorType::Card => GatewayError::Declined(
            e.message
                .unwrap_or_else(|| "the bank gave no reason".to_owned()),
        ),
        StripeError::Stripe(e) if e.http_status >= 500 || e.http_status == 429 => {
            GatewayError::Unavailable(format!("{what}: HTTP {}", e.http_status))
        }
        StripeError::Stripe(e) => GatewayError::Rejected(format!(
            "{what}: HTTP {} {}",
            e.http_status,
            e.message.unwrap_or_default()
        )),
        // Connection refused/reset, or an unreadable answer (Stripe's 5xx pages among them).
        StripeError::ClientError(e) => GatewayError::Unavailable(format!("{what}: {e}")),
        StripeError::JSONSerialize(e) => {
            GatewayError::Unavailable(format!("{what}: unreadable answer at {}", e.path()))
        }
        other => GatewayError::Rejected(format!("{what}: {other}")),
    }
}

fn currency(code: &str) -> Result<Currency, GatewayError> {
    Currency::from_str(&code.to_ascii_lowercase())
        .map_err(|_| GatewayError::Rejected(format!("unknown currency {code}")))
}

fn metadata(pairs: &[(String, String)]) -> HashMap<String, String> {
    pairs.iter().cloned().collect()
}

fn interval(name: &str) -> SubscriptionInterval {
    match name {
        "day" => SubscriptionInterval::Day,
        "week" => SubscriptionInterval::Week,
        "year" => SubscriptionInterval::Year,
        _ => SubscriptionInterval::Month,
    }
}

fn first_invoice_secret(subscription: &Subscription) -> Option<String> {
    subscription
        .latest_invoice
        .as_ref()
        .and_then(Expandable::as_object)
        .and_then(|invoice| invoice.payment_intent.as_ref())
        .and_then(Expandable::as_object)
        .and_then(|intent| intent.client_secret.clone())
}

impl PaymentGateway for StripeGateway {
    fn is_simulator(&self) -> bool {
        false
    }

    fn publishable_key(&self) -> Option<String> {
        Some(self.publishable_key.clone())
    }

    fn create_payment_intent(
        &self,
        request: PaymentIntentRequest,
    ) -> GatewayFuture<'_, CreatedPaymentIntent> {
        Box::pin(async move {
            let mut params =
                CreatePaymentIntent::new(request.amount.0, currency(&request.currency)?);
            params.metadata = Some(metadata(&request.metadata));
            params.receipt_email = Some(&request.receipt_email);
            params.automatic_payment_methods = Some(CreatePaymentIntentAutomaticPaymentMethods {
                enabled: true,
                allow_redirects: None,
            });
            let client = self.idempotent(request.idempotency_key.clone());
            let intent = self
                .call(
                    "create PaymentIntent",
                    PaymentIntent::create(&client, params),
                )
                .await?;
            Ok(CreatedPaymentIntent {
                id: intent.id.to_string(),
                client_secret: intent.client_secret,
            })
        })
    }

    fn create_subscription(
        &self,
        request: SubscriptionRequest,
    ) -> GatewayFuture<'_, CreatedSubscription> {
        Box::pin(async move {
            let key = &request.idempotency_key;
            let customer = self
                .call(
                    "create Customer",
                    Customer::create(
                        &self.idempotent(format!("{key}-customer")),
                        CreateCustomer {
                            email: Some(&request.email),
                            name: Some(&request.name),
                            metadata: Some(metadata(&request.metadata)),
                            ..Default::default()
                        },
                    ),
                )
                .await?;
            // async-stripe 0.41 has no inline `product_data`: a Product per order is made first.
            let mut product = CreateProduct::new(&request.product_name);
            product.metadata = Some(metadata(&request.metadata));
            let product = self
                .call(
                    "create Product",
                    Product::create(&self.idempotent(format!("{key}-product")), product),
                )
                .await?;
            // A partner's discount: a one-off coupon, so only the first invoice is reduced.
            let coupon = match request.first_payment_discount {
                Some(discount) if discount.0 > 0 => {
                    let coupon = CreateCoupon {
                        amount_off: Some(discount.0),
                        currency: Some(currency(&request.currency)?),
                        duration: Some(CouponDuration::Once),
                        max_redemptions: Some(1),
                        metadata: Some(metadata(&request.metadata)),
                        ..Default::default()
                    };
                    let coupon = self
                        .call(
                            "create Coupon",
                            Coupon::create(&self.idempotent(format!("{key}-coupon")), coupon),
                        )
                        .await?;
                    Some(coupon.id)
                }
                _ => None,
            };
            let (interval_name, interval_count) = request.interval;
            let mut params = CreateSubscription::new(customer.id.clone());
            params.items = Some(vec![CreateSubscriptionItems {
                price_data: Some(SubscriptionPriceData {
                    currency: currency(&request.currency)?,
                    product: product.id.to_string(),
                    recurring: SubscriptionPriceDataRecurring {
                        interval: interval(interval_name),
                        interval_count: Some(u64::from(interval_count)),
                    },
                    tax_behavior: None,
                    unit_amount: Some(request.amount.0),
                    unit_amount_decimal: None,
                }),
                ..Default::default()
            }]);
            params.metadata = Some(metadata(&request.metadata));
            params.coupon = coupon;
            // The first invoice waits for the card, which Stripe.js collects on our checkout page.
            params.payment_behavior = Some(SubscriptionPaymentBehavior::DefaultIncomplete);
            params.payment_settings = Some(CreateSubscriptionPaymentSettings {
                save_default_payment_method: Some(
                    CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod::OnSubscription,
                ),
                ..Default::default()
            });
            params.expand = &["latest_invoice.payment_intent"];
            let subscription = self
                .call(
                    "create Subscription",
                    Subscription::create(&self.idempotent(key.clone()), params),
                )
                .await?;
            Ok(CreatedSubscription {
                customer_id: customer.id.to_string(),
                subscription_id: subscription.id.to_string(),
                client_secret: first_invoice_secret(&subscription),
            })
        })
    }

    fn payment_intent_secret(&self, intent_id: &str) -> GatewayFuture<'_, Option<String>> {
        let id = PaymentIntentId::from_str(intent_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("PaymentIntent id: {e}")))?;
            let intent = self
                .call(
                    "retrieve PaymentIntent",
                    PaymentIntent::retrieve(&self.client, &id, &[]),
                )
                .await?;
            Ok(intent.client_secret)
        })
    }

    fn subscription_secret(&self, subscription_id: &str) -> GatewayFuture<'_, Option<String>> {
        let id = SubscriptionId::from_str(subscription_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Subscription id: {e}")))?;
            let subscription = self
                .call(
                    "retrieve Subscription",
                    Subscription::retrieve(&self.client, &id, &["latest_invoice.payment_intent"]),
                )
                .await?;
            Ok(first_invoice_secret(&subscription))
        })
    }

    fn refund_payment(
        &self,
        intent_id: &str,
        idempotency_key: String,
    ) -> GatewayFuture<'_, CreatedRefund> {
        let id = PaymentIntentId::from_str(intent_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("PaymentIntent id: {e}")))?;
            let mut params = CreateRefund::new();
            params.payment_intent = Some(id);
            let refund = self
                .call(
                    "create Refund",
                    Refund::create(&self.idempotent(idempotency_key), params),
                )
                .await?;
            let charge_id = refund
                .charge
                .as_ref()
                .map(|c| c.id().to_string())
                .unwrap_or_else(|| refund.id.to_string());
            Ok(CreatedRefund { charge_id })
        })
    }

    fn cancel_subscription(&self, subscription_id: &str) -> GatewayFuture<'_, ()> {
        let id = SubscriptionId::from_str(subscription_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Subscription id: {e}")))?;
            let cancelled = self
                .call(
                    "cancel Subscription",
                    Subscription::cancel(&self.client, &id, CancelSubscription::default()),
                )
                .await;
            match cancelled {
                Ok(_) => Ok(()),
                // Stripe refuses to cancel a subscription twice: if it has ended, that is success.
                Err(GatewayError::Rejected(reason)) => {
                    let current = self
                        .call(
                            "retrieve Subscription",
                            Subscription::retrieve(&self.client, &id, &[]),
                        )
                        .await?;
                    if current.status == SubscriptionStatus::Canceled {
                        Ok(())
                    } else {
                        Err(GatewayError::Rejected(reason))
                    }
                }
                Err(other) => Err(other),
            }
        })
    }

    fn invoice_payment_intent(&self, invoice_id: &str) -> GatewayFuture<'_, Option<String>> {
        let id = InvoiceId::from_str(invoice_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Invoice id: {e}")))?;
            let invoice = self
                .call(
                    "retrieve Invoice",
                    Invoice::retrieve(&self.client, &id, &[]),
                )
                .await?;
            Ok(invoice.payment_intent.map(|pi| pi.id().to_string()))
        })
    }

    fn payment_intent_invoice(&self, intent_id: &str) -> GatewayFuture<'_, Option<String>> {
        let id = PaymentIntentId::from_str(intent_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("PaymentIntent id: {e}")))?;
            let intent = self
                .call(
                    "retrieve PaymentIntent",
                    PaymentIntent::retrieve(&self.client, &id, &[]),
                )
                .await?;
            Ok(intent.invoice.map(|invoice| invoice.id().to_string()))
        })
    }

    fn create_connect_account(&self, request: ConnectAccountRequest) -> GatewayFuture<'_, String> {
        Box::pin(async move {
            let mut params = CreateAccount::new();
            params.type_ = Some(AccountType::Express);
            params.email = Some(&request.email);
            params.capabilities = Some(CreateAccountCapabilities {
                transfers: Some(CreateAccountCapabilitiesTransfers {
                    requested: Some(true),
                }),
                ..Default::default()
            });
            params.metadata = Some(metadata(&[
                ("partner_id".to_owned(), request.partner_id.to_string()),
                ("business_name".to_owned(), request.business_name.clone()),
            ]));
            let client = self.idempotent(request.idempotency_key.clone());
            let account = self
                .call(
                    "create Account",
                    client.post_form::<serde_json::Value, _>("/accounts", &params),
                )
                .await?;
            json_id(&account, "acct_", "create Account")
        })
    }

    fn account_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> GatewayFuture<'_, String> {
        let id = AccountId::from_str(account_id);
        let (refresh_url, return_url) = (refresh_url.to_owned(), return_url.to_owned());
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Account id: {e}")))?;
            let mut params = CreateAccountLink::new(id, AccountLinkType::AccountOnboarding);
            params.refresh_url = Some(&refresh_url);
            params.return_url = Some(&return_url);
            let link = self
                .call(
                    "create AccountLink",
                    self.client
                        .post_form::<serde_json::Value, _>("/account_links", &params),
                )
                .await?;
            json_url(&link, "create AccountLink")
        })
    }

    fn login_link(&self, account_id: &str) -> GatewayFuture<'_, String> {
        let id = AccountId::from_str(account_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Account id: {e}")))?;
            let link = self
                .call(
                    "create LoginLink",
                    self.client.post_form::<serde_json::Value, _>(
                        &format!("/accounts/{id}/login_links"),
                        HashMap::<String, String>::new(),
                    ),
                )
                .await?;
            json_url(&link, "create LoginLink")
        })
    }

    fn retrieve_account(&self, account_id: &str) -> GatewayFuture<'_, Option<AccountState>> {
        let id = AccountId::from_str(account_id);
        Box::pin(async move {
            let id = id.map_err(|e| GatewayError::Rejected(format!("Account id: {e}")))?;
            let account = self
                .call(
                    "retrieve Account",
                    self.client
                        .get::<serde_json::Value>(&format!("/accounts/{id}")),
                )
                .await?;
            Ok(Some(app::server::stripe::event::account_state(&account)))
        })
    }

    fn create_transfer(&self, request: TransferRequest) -> TransferFuture<'_> {
        Box::pin(async move {
            let currency = match currency(&request.currency) {
                Ok(c) => c,
                Err(e) => {
                    return TransferOutcome::Refused {
                        reason: e.to_string(),
                        partner_can_fix: false,
                    };
                }
            };
            // The form is built in a fixed order: a retry must send the very same body with its
            // key (async-stripe's `Metadata` is a HashMap, whose order differs per instance, and
            // Stripe refuses a key reused with a different body).
            let mut params = std::collections::BTreeMap::new();
            params.insert("amount".to_owned(), request.amount.0.to_string());
            params.insert("currency".to_owned(), currency.to_string());
            params.insert("destination".to_owned(), request.destination.clone());
            params.insert("transfer_group".to_owned(), request.transfer_group.clone());
            for (key, value) in &request.metadata {
                params.insert(format!("metadata[{key}]"), value.clone());
            }
            let client = self.idempotent(request.idempotency_key.clone());
            let sent = tokio::time::timeout(
                self.timeout,
                client.post_form::<serde_json::Value, _>("/transfers", &params),
            )
            .await;
            match sent {
                Ok(Ok(transfer)) => match json_id(&transfer, "tr_", "create Transfer") {
                    Ok(transfer_id) => TransferOutcome::Made { transfer_id },
                    Err(e) => TransferOutcome::Unknown {
                        reason: e.to_string(),
                    },
                },
                Ok(Err(error)) => transfer_outcome(error),
                Err(_) => TransferOutcome::Unknown {
                    reason: format!("no answer within {} s", self.timeout.as_secs()),
                },
            }
        })
    }

    fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> GatewayFuture<'_, Option<String>> {
        let (group, destination) = (transfer_group.to_owned(), destination.to_owned());
        Box::pin(async move {
            let mut params = ListTransfers::new();
            params.transfer_group = Some(&group);
            params.destination = Some(destination.clone());
            params.limit = Some(10);
            let list = self
                .call(
                    "list Transfers",
                    self.client
                        .get_query::<serde_json::Value, _>("/transfers", &params),
                )
                .await?;
            Ok(list["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["transfer_group"] == group.as_str()
                        && t["destination"] == destination.as_str()
                })
                .find_map(|t| t["id"].as_str().map(str::to_owned)))
        })
    }
}

/// The id of a created object, which must start with `prefix`.
fn json_id(object: &serde_json::Value, prefix: &str, what: &str) -> Result<String, GatewayError> {
    object["id"]
        .as_str()
        .filter(|id| id.starts_with(prefix))
        .map(str::to_owned)
        .ok_or_else(|| GatewayError::Unavailable(format!("{what}: the answer has no {prefix} id")))
}

fn json_url(object: &serde_json::Value, what: &str) -> Result<String, GatewayError> {
    object["url"]
        .as_str()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(str::to_owned)
        .ok_or_else(|| GatewayError::Unavailable(format!("{what}: the answer has no url")))
}

/// How a transfer attempt that Stripe answered with an error ended.
fn transfer_outcome(error: StripeError) -> TransferOutcome {
    match error {
        // 409: another request with this key is still being handled. 429, 5xx: try again.
        StripeError::Stripe(e)
            if e.http_status >= 500 || e.http_status == 429 || e.http_status == 409 =>
        {
            TransferOutcome::Retry {
                reason: format!("HTTP {} {}", e.http_status, e.message.unwrap_or_default()),
            }
        }
        StripeError::Stripe(e) => {
            let code = e.code.map(|c| c.to_string()).unwrap_or_default();
            let message = e.message.unwrap_or_default();
            // Our balance is our problem; a destination that cannot receive is the partner's.
            let partner_can_fix = code != "balance_insufficient"
                && (code.contains("account")
                    || message.contains("destination")
                    || message.contains("account"));
            TransferOutcome::Refused {
                reason: if code.is_empty() {
                    message
                } else {
                    format!("{code}: {message}")
                },
                partner_can_fix,
            }
        }
        // The connection failed or broke: the request may have arrived, so only the same key
        // again (or a look-up) can tell.
        StripeError::ClientError(e) => TransferOutcome::Retry {
            reason: e.to_string(),
        },
        StripeError::JSONSerialize(e) => TransferOutcome::Unknown {
            reason: format!("unreadable answer at {}", e.path()),
        },
        other => TransferOutcome::Unknown {
            reason: other.to_string(),
        },
    }
}
