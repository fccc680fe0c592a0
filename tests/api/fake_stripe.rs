//! A local fake Stripe API that the real async-stripe client talks to.
//!
//! Objects are built from Stripe's published examples (`tests/fixtures/stripe/fixtures3.json`,
//! MIT, Stripe) with our ids and the request's values filled in. Because async-stripe 0.41 sends
//! `Stripe-Version: 2023-10-16`, answers use that version's shape where it differs (a subscription's
//! top-level `current_period_*`, an invoice's `payment_intent`). Like Stripe, a repeated
//! `Idempotency-Key` with the same body replays the first answer and with another body is refused.
//! Every request is recorded, and the server can be told to fail the next requests.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Form fields in order, keys as sent (`metadata[order_id]`, `items[0][price_data][currency]`).
    pub form: Vec<(String, String)>,
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
}

impl Recorded {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// How the next request should fail.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// HTTP 500 with Stripe's `api_error` body.
    ServerError,
    /// No answer for a minute (longer than any client timeout in the tests).
    Timeout,
    /// HTTP 402 `card_error` / `card_declined`.
    CardDeclined,
    /// Handles the request (a transfer is really made, its answer stored for the key), then sends
    /// no answer for a minute: the caller's timeout fires, the outcome unknown to it.
    TimeoutAfterHandling,
    /// HTTP 400 `invalid_request_error` / `balance_insufficient` (Stripe never retries these).
    BalanceInsufficient,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    /// Failures to come, each for any request or for one method and path prefix.
    failures: Vec<(Option<(String, String)>, Failure)>,
    /// Idempotency key → (request body, answer).
    replies: HashMap<String, (String, Value)>,
    objects: HashMap<String, Value>,
    /// Transfers made, oldest first (what `GET /v1/transfers` lists).
    transfers: Vec<Value>,
    next_id: u32,
}

pub struct FakeStripe {
    pub base_url: String,
    state: Arc<Mutex<State>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn fixtures() -> &'static Value {
    static FIXTURES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    FIXTURES.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/stripe/fixtures3.json"
        );
        let text = std::fs::read_to_string(path).expect("Stripe fixtures");
        serde_json::from_str::<Value>(&text).expect("fixtures JSON")["resources"].clone()
    })
}

/// The published example of `kind`, cut down to `keys` (the fields our API version knows).
fn example(kind: &str, keys: &[&str]) -> serde_json::Map<String, Value> {
    let full = fixtures()[kind].as_object().expect("fixture object");
    keys.iter()
        .map(|k| {
            let value = full.get(*k).cloned().unwrap_or(Value::Null);
            ((*k).to_owned(), value)
        })
        .collect()
}

impl FakeStripe {
    /// Starts the server on its own thread and runtime (it keeps answering whatever the test does).
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind fake Stripe");
        listener.set_nonblocking(true).expect("non-blocking");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("fake Stripe runtime");
            runtime.block_on(async move {
                let router = axum::Router::new().fallback(
                    move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                        handle(shared.clone(), method, uri, headers, body)
                    },
                );
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        Self {
            base_url,
            state,
            _stop: stop_tx,
        }
    }

    /// The next `count` requests fail as `failure`.
    pub fn fail_next(&self, failure: Failure, count: usize) {
        let mut state = self.state.lock().unwrap();
        state
            .failures
            .extend(std::iter::repeat_n((None, failure), count));
    }

    /// The next `count` requests to `method` `path_prefix` (e.g. `POST /v1/transfers`) fail as
    /// `failure`; other requests are answered normally.
    pub fn fail_next_on(&self, method: &str, path_prefix: &str, failure: Failure, count: usize) {
        let mut state = self.state.lock().unwrap();
        let filter = Some((method.to_owned(), path_prefix.to_owned()));
        state
            .failures
            .extend(std::iter::repeat_n((filter, failure), count));
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Recorded requests with this method and path prefix.
    pub fn calls(&self, method: &str, path_prefix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.starts_with(path_prefix))
            .collect()
    }
}

fn stripe_error(status: StatusCode, error: Value) -> Response {
    (status, axum::Json(json!({ "error": error }))).into_response()
}

async fn handle(
    state: Arc<Mutex<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        form: url::form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        idempotency_key: header("idempotency-key"),
        authorization: header("authorization"),
    };
    let failure = {
        let mut state = state.lock().unwrap();
        state.requests.push(recorded.clone());
        let due = state.failures.iter().position(|(filter, _)| {
            filter.as_ref().is_none_or(|(method, prefix)| {
                *method == recorded.method && recorded.path.starts_with(prefix.as_str())
            })
        });
        due.map(|i| state.failures.remove(i).1)
    };
    match failure {
        Some(Failure::ServerError) => {
            return stripe_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "type": "api_error", "message": "An unknown error occurred" }),
            );
        }
        Some(Failure::Timeout) => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        Some(Failure::BalanceInsufficient) => {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                json!({ "type": "invalid_request_error", "code": "balance_insufficient",
                        "message": "You have insufficient available funds in your Stripe account." }),
            );
        }
        Some(Failure::TimeoutAfterHandling) => {
            let _ = answer(&state, &method, &uri, &recorded, &body);
            tokio::time::sleep(Duration::from_secs(60)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        Some(Failure::CardDeclined) => {
            return stripe_error(
                StatusCode::PAYMENT_REQUIRED,
                json!({ "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                        "message": "Your card has insufficient funds." }),
            );
        }
        None => {}
    }

    answer(&state, &method, &uri, &recorded, &body)
}

/// The fake's answer to a request that is not made to fail (idempotent replays included).
fn answer(
    state: &Arc<Mutex<State>>,
    method: &Method,
    uri: &Uri,
    recorded: &Recorded,
    body: &str,
) -> Response {
    let body = body.to_owned();
    let mut state = state.lock().unwrap();
    if *method == Method::POST
        && let Some(key) = &recorded.idempotency_key
        && let Some((first_body, reply)) = state.replies.get(key)
    {
        return if *first_body == body {
            axum::Json(reply.clone()).into_response()
        } else {
            stripe_error(
                StatusCode::BAD_REQUEST,
                json!({ "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same parameters they were first used with." }),
            )
        };
    }
    let path: Vec<&str> = recorded
        .path
        .trim_start_matches("/v1/")
        .split('/')
        .collect();
    let reply = match (method.as_str(), path.as_slice()) {
        ("POST", ["payment_intents"]) => Some(create_intent(&mut state, recorded)),
        ("POST", ["customers"]) => Some(create_customer(&mut state, recorded)),
        ("POST", ["products"]) => Some(create_product(&mut state, recorded)),
        ("POST", ["coupons"]) => Some(create_coupon(&mut state, recorded)),
        ("POST", ["subscriptions"]) => Some(create_subscription(&mut state, recorded)),
        ("GET", ["payment_intents" | "subscriptions" | "invoices", id]) => {
            state.objects.get(*id).cloned()
        }
        ("POST", ["refunds"]) => create_refund(&mut state, recorded),
        ("POST", ["accounts"]) => Some(create_account(&mut state, recorded)),
        ("GET", ["accounts", id]) => state.objects.get(*id).cloned(),
        ("POST", ["accounts", id, "login_links"]) => {
            state.objects.contains_key(*id).then(|| login_link(id))
        }
        ("POST", ["account_links"]) => Some(account_link(recorded)),
        ("POST", ["transfers"]) => Some(create_transfer(&mut state, recorded)),
        ("GET", ["transfers"]) => Some(list_transfers(&state, uri)),
        ("DELETE", ["subscriptions", id]) => {
            let id = (*id).to_owned();
            match state.objects.get_mut(&id) {
                // Like Stripe: a subscription that has ended cannot be cancelled again.
                Some(sub) if sub["status"] == "canceled" => {
                    return stripe_error(
                        StatusCode::BAD_REQUEST,
                        json!({ "type": "invalid_request_error",
                                "message": format!("No such subscription: '{id}' (it is canceled)") }),
                    );
                }
                Some(sub) => {
                    sub["status"] = json!("canceled");
                    Some(sub.clone())
                }
                None => None,
            }
        }
        _ => None,
    };
    match reply {
        Some(reply) => {
            if let Some(key) = recorded.idempotency_key.clone() {
                state.replies.insert(key, (body, reply.clone()));
            }
            axum::Json(reply).into_response()
        }
        None => stripe_error(
            StatusCode::NOT_FOUND,
            json!({ "type": "invalid_request_error", "code": "resource_missing",
                    "message": format!("No such resource: {}", recorded.path) }),
        ),
    }
}

/// A full refund of a PaymentIntent: a refund object naming a charge of that PaymentIntent.
fn create_refund(state: &mut State, request: &Recorded) -> Option<Value> {
    let intent_id = request.field("payment_intent")?.to_owned();
    let amount = state.objects.get(&intent_id)?["amount"].as_i64()?;
    let charge = format!("ch_for_{intent_id}");
    let id = new_id(state, "re");
    let mut refund = example(
        "refund",
        &[
            "object",
            "created",
            "balance_transaction",
            "reason",
            "receipt_number",
        ],
    );
    refund.insert("id".into(), json!(id));
    refund.insert("amount".into(), json!(amount));
    refund.insert("charge".into(), json!(charge));
    refund.insert("currency".into(), json!("usd"));
    refund.insert("payment_intent".into(), json!(intent_id));
    refund.insert("status".into(), json!("succeeded"));
    refund.insert("metadata".into(), json!({}));
    Some(Value::Object(refund))
}

impl FakeStripe {
    /// An object as the fake server holds it now (tests check what a call changed).
    pub fn object(&self, id: &str) -> Option<Value> {
        self.state.lock().unwrap().objects.get(id).cloned()
    }
}

fn new_id(state: &mut State, prefix: &str) -> String {
    state.next_id += 1;
    format!("{prefix}_fake{:04}", state.next_id)
}

/// `metadata[k]=v` (or `prefix[metadata][k]=v`) fields as a JSON object.
fn metadata(request: &Recorded) -> Value {
    let map: serde_json::Map<String, Value> = request
        .form
        .iter()
        .filter_map(|(k, v)| {
            let key = k.strip_prefix("metadata[")?.strip_suffix(']')?;
            Some((key.to_owned(), Value::String(v.clone())))
        })
        .collect();
    Value::Object(map)
}

fn intent(state: &mut State, amount: i64, currency: &str, meta: Value) -> Value {
    let id = new_id(state, "pi");
    let mut pi = example(
        "payment_intent",
        &[
            "object",
            "amount_capturable",
            "amount_received",
            "automatic_payment_methods",
            "capture_method",
            "confirmation_method",
            "created",
            "livemode",
            "payment_method_types",
            "status",
            "customer",
            "description",
            "latest_charge",
            "payment_method",
        ],
    );
    pi.insert("id".into(), json!(id));
    pi.insert("amount".into(), json!(amount));
    pi.insert("currency".into(), json!(currency));
    pi.insert("metadata".into(), meta);
    pi.insert("client_secret".into(), json!(format!("{id}_secret_fake")));
    pi.insert("payment_method_types".into(), json!(["card"]));
    let pi = Value::Object(pi);
    state.objects.insert(id, pi.clone());
    pi
}

fn create_intent(state: &mut State, request: &Recorded) -> Value {
    let amount = request
        .field("amount")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let currency = request.field("currency").unwrap_or("usd").to_owned();
    intent(state, amount, &currency, metadata(request))
}

fn create_customer(state: &mut State, request: &Recorded) -> Value {
    let mut customer = example(
        "customer",
        &[
            "object",
            "balance",
            "created",
            "currency",
            "delinquent",
            "livemode",
            "preferred_locales",
        ],
    );
    customer.insert("id".into(), json!(new_id(state, "cus")));
    customer.insert("email".into(), json!(request.field("email")));
    customer.insert("name".into(), json!(request.field("name")));
    customer.insert("metadata".into(), metadata(request));
    Value::Object(customer)
}

fn create_product(state: &mut State, request: &Recorded) -> Value {
    let mut product = example(
        "product",
        &[
            "object", "active", "created", "images", "livemode", "updated", "type",
        ],
    );
    product.insert("id".into(), json!(new_id(state, "prod")));
    product.insert("name".into(), json!(request.field("name")));
    product.insert("metadata".into(), metadata(request));
    Value::Object(product)
}

fn create_coupon(state: &mut State, request: &Recorded) -> Value {
    let mut coupon = example(
        "coupon",
        &["object", "created", "livemode", "times_redeemed", "valid"],
    );
    coupon.insert("id".into(), json!(new_id(state, "coupon")));
    coupon.insert(
        "amount_off".into(),
        json!(
            request
                .field("amount_off")
                .and_then(|a| a.parse::<i64>().ok())
        ),
    );
    coupon.insert("currency".into(), json!(request.field("currency")));
    coupon.insert("duration".into(), json!(request.field("duration")));
    coupon.insert(
        "max_redemptions".into(),
        json!(
            request
                .field("max_redemptions")
                .and_then(|a| a.parse::<i64>().ok())
        ),
    );
    coupon.insert("metadata".into(), metadata(request));
    let id = coupon["id"].as_str().unwrap_or_default().to_owned();
    let coupon = Value::Object(coupon);
    state.objects.insert(id, coupon.clone());
    coupon
}

fn create_subscription(state: &mut State, request: &Recorded) -> Value {
    let amount: i64 = request
        .field("items[0][price_data][unit_amount]")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let currency = request
        .field("items[0][price_data][currency]")
        .unwrap_or("usd")
        .to_owned();
    let customer = request.field("customer").unwrap_or_default().to_owned();
    let coupon_off = request
        .field("coupon")
        .and_then(|id| state.objects.get(id))
        .and_then(|c| c["amount_off"].as_i64())
        .unwrap_or(0);
    let first_amount = (amount - coupon_off).max(0);
    let sub_id = new_id(state, "sub");
    let invoice_id = new_id(state, "in");
    let pi = intent(state, first_amount, &currency, json!({}));
    let mut invoice = example(
        "invoice",
        &[
            "object",
            "amount_due",
            "amount_paid",
            "amount_remaining",
            "attempt_count",
            "attempted",
            "collection_method",
            "created",
            "livemode",
            "total",
            "subtotal",
        ],
    );
    invoice.insert("id".into(), json!(invoice_id));
    invoice.insert("customer".into(), json!(customer));
    invoice.insert("currency".into(), json!(currency));
    invoice.insert("amount_due".into(), json!(first_amount));
    invoice.insert("total".into(), json!(first_amount));
    invoice.insert("subtotal".into(), json!(amount));
    invoice.insert("status".into(), json!("open"));
    invoice.insert("billing_reason".into(), json!("subscription_create"));
    invoice.insert("subscription".into(), json!(sub_id));
    invoice.insert(
        "lines".into(),
        json!({ "object": "list", "data": [], "has_more": false, "url": format!("/v1/invoices/{invoice_id}/lines") }),
    );
    let expanded = request
        .form
        .iter()
        .any(|(k, v)| k.starts_with("expand[") && v == "latest_invoice.payment_intent");
    invoice.insert(
        "payment_intent".into(),
        if expanded {
            pi.clone()
        } else {
            pi["id"].clone()
        },
    );
    // Stored unexpanded, as a later GET /v1/invoices/{id} answers it; the PaymentIntent names it.
    let mut stored = invoice.clone();
    stored.insert("payment_intent".into(), pi["id"].clone());
    let pi_id = pi["id"].as_str().unwrap_or_default().to_owned();
    if let Some(stored_pi) = state.objects.get_mut(&pi_id) {
        stored_pi["invoice"] = json!(invoice_id);
    }
    state
        .objects
        .insert(invoice_id.clone(), Value::Object(stored));
    let mut subscription = example(
        "subscription",
        &[
            "object",
            "automatic_tax",
            "billing_cycle_anchor",
            "cancel_at_period_end",
            "created",
            "livemode",
            "start_date",
            "collection_method",
        ],
    );
    let created = subscription["created"].as_i64().unwrap_or(1_234_567_890);
    subscription.insert("id".into(), json!(sub_id));
    subscription.insert("customer".into(), json!(customer));
    subscription.insert("currency".into(), json!(currency));
    subscription.insert("status".into(), json!("incomplete"));
    subscription.insert("metadata".into(), metadata(request));
    subscription.insert("automatic_tax".into(), json!({ "enabled": false }));
    subscription.insert("current_period_start".into(), json!(created));
    subscription.insert("current_period_end".into(), json!(created + 30 * 86_400));
    subscription.insert(
        "items".into(),
        json!({ "object": "list", "data": [], "has_more": false, "url": format!("/v1/subscription_items?subscription={sub_id}") }),
    );
    subscription.insert("latest_invoice".into(), Value::Object(invoice));
    let subscription = Value::Object(subscription);
    state.objects.insert(sub_id, subscription.clone());
    subscription
}

// ---- Connect: accounts, links, transfers ----

/// An Express account as the fake holds it: payable unless the test says otherwise.
fn create_account(state: &mut State, request: &Recorded) -> Value {
    let id = new_id(state, "acct");
    let mut account = example(
        "account",
        &[
            "object",
            "business_profile",
            "capabilities",
            "country",
            "created",
            "default_currency",
            "details_submitted",
            "requirements",
            "settings",
            "type",
        ],
    );
    account.insert("id".into(), json!(id));
    account.insert("type".into(), json!("express"));
    account.insert("email".into(), json!(request.field("email")));
    account.insert("metadata".into(), metadata(request));
    account.insert("charges_enabled".into(), json!(false));
    account.insert("payouts_enabled".into(), json!(false));
    account.insert("capabilities".into(), json!({ "transfers": "inactive" }));
    account.insert(
        "requirements".into(),
        json!({ "currently_due": ["external_account", "tos_acceptance.date"], "disabled_reason": "requirements.past_due", "eventually_due": [], "past_due": [], "pending_verification": [], "errors": [] }),
    );
    let account = Value::Object(account);
    state.objects.insert(id, account.clone());
    account
}

fn account_link(request: &Recorded) -> Value {
    let mut link = example("account_link", &["object", "created", "expires_at"]);
    let account = request.field("account").unwrap_or_default();
    link.insert(
        "url".into(),
        json!(format!(
            "https://connect.stripe.test/setup/e/{account}/{}",
            request.idempotency_key.clone().unwrap_or_default().len()
        )),
    );
    Value::Object(link)
}

fn login_link(account: &str) -> Value {
    let mut link = example("login_link", &["object", "created"]);
    link.insert(
        "url".into(),
        json!(format!("https://connect.stripe.test/express/{account}")),
    );
    Value::Object(link)
}

fn create_transfer(state: &mut State, request: &Recorded) -> Value {
    let id = new_id(state, "tr");
    let mut transfer = example(
        "transfer",
        &[
            "object",
            "amount_reversed",
            "balance_transaction",
            "created",
            "livemode",
            "reversals",
            "reversed",
            "source_type",
        ],
    );
    transfer.insert("id".into(), json!(id));
    transfer.insert(
        "amount".into(),
        json!(request.field("amount").and_then(|a| a.parse::<i64>().ok())),
    );
    transfer.insert("currency".into(), json!(request.field("currency")));
    transfer.insert("destination".into(), json!(request.field("destination")));
    transfer.insert(
        "transfer_group".into(),
        json!(request.field("transfer_group")),
    );
    transfer.insert("metadata".into(), metadata(request));
    transfer.insert("reversals".into(), json!({ "object": "list", "data": [], "has_more": false, "url": format!("/v1/transfers/{id}/reversals") }));
    let transfer = Value::Object(transfer);
    state.transfers.push(transfer.clone());
    state.objects.insert(id, transfer.clone());
    transfer
}

fn list_transfers(state: &State, uri: &Uri) -> Value {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let wanted = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let (group, destination) = (wanted("transfer_group"), wanted("destination"));
    let data: Vec<Value> = state
        .transfers
        .iter()
        .rev()
        .filter(|t| group.as_deref().is_none_or(|g| t["transfer_group"] == g))
        .filter(|t| destination.as_deref().is_none_or(|d| t["destination"] == d))
        .cloned()
        .collect();
    json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/transfers" })
}

impl FakeStripe {
    /// Sets what Stripe says about an account (as its holder finishing or breaking onboarding).
    pub fn set_account(&self, id: &str, payable: bool, currently_due: &[&str]) {
        let mut state = self.state.lock().unwrap();
        let account = state.objects.get_mut(id).expect("a fake account");
        account["charges_enabled"] = json!(payable);
        account["payouts_enabled"] = json!(payable);
        account["capabilities"] =
            json!({ "transfers": if payable { "active" } else { "inactive" } });
        account["requirements"]["currently_due"] = json!(currently_due);
        account["requirements"]["disabled_reason"] = if payable {
            Value::Null
        } else {
            json!("requirements.past_due")
        };
    }

    /// Transfers made so far, oldest first.
    pub fn transfers(&self) -> Vec<Value> {
        self.state.lock().unwrap().transfers.clone()
    }

    /// Forgets every idempotency key, as Stripe does after 24 hours.
    pub fn forget_keys(&self) {
        self.state.lock().unwrap().replies.clear();
    }
}

impl FakeStripe {
    /// Adds an Express account with this id, as if its holder had onboarded (for benches that
    /// make thousands of partners without clicking through onboarding).
    #[allow(dead_code)]
    pub fn add_account(&self, id: &str, payable: bool) {
        let mut account = example(
            "account",
            &["object", "country", "created", "default_currency", "type"],
        );
        account.insert("id".into(), json!(id));
        account.insert(
            "requirements".into(),
            json!({ "currently_due": [], "disabled_reason": null }),
        );
        self.state
            .lock()
            .unwrap()
            .objects
            .insert(id.to_owned(), Value::Object(account));
        self.set_account(id, payable, &[]);
    }
}
