//! The real payment path: the async-stripe gateway against the local fake Stripe server.

use crate::fake_stripe::{Failure, FakeStripe};
use crate::helpers::{TestApp, WEBHOOK_SECRET, event, testid_text};
use serde_json::json;

const SECRET_KEY: &str = "sk_test_fake_integration";
const PUBLISHABLE_KEY: &str = "pk_test_fake_integration";

async fn spawn_with_stripe(stripe: &FakeStripe) -> TestApp {
    TestApp::spawn_with(&[
        ("STRIPE_SECRET_KEY", SECRET_KEY),
        ("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_API_BASE", &stripe.base_url),
        ("STRIPE_TIMEOUT_SECS", "1"),
    ])
    .await
}

/// The `data-secret` the checkout page hands to Stripe.js.
fn client_secret(html: &str) -> Option<String> {
    let start = html.find("data-secret=\"")? + "data-secret=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

#[tokio::test]
async fn card_checkout_makes_one_payment_intent_and_stripes_webhook_pays_it() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[("budget", "75.35")]).await;

    // Before the customer continues, nothing exists at Stripe (the code may still change the amount).
    let (_, review) = app.page(&format!("/checkout/{order}")).await;
    assert!(review.contains("Continue to payment"));
    assert!(client_secret(&review).is_none());
    assert!(stripe.requests().is_empty());

    let continued = app.pay(order).await;
    assert_eq!(
        crate::helpers::location_path(&continued),
        format!("/checkout/{order}")
    );
    let response = app.get(&format!("/checkout/{order}")).await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("https://js.stripe.com"),
        "Stripe.js allowed: {csp}"
    );
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("Test mode"),
        "no test-mode banner with real keys"
    );
    assert!(html.contains(PUBLISHABLE_KEY));
    let secret = client_secret(&html).expect("card form with a client secret");

    let created = stripe.calls("POST", "/v1/payment_intents");
    assert_eq!(created.len(), 1);
    let request = &created[0];
    assert_eq!(request.field("amount"), Some("7535"));
    assert_eq!(request.field("currency"), Some("usd"));
    assert_eq!(
        request.field("metadata[order_id]"),
        Some(order.to_string().as_str())
    );
    assert_eq!(request.field("receipt_email"), Some("ann@example.com"));
    assert_eq!(
        request.idempotency_key.as_deref(),
        Some(format!("order-{order}-payment-7535-0").as_str())
    );
    assert_eq!(
        request.authorization.as_deref(),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );
    let intent = app
        .scalar_text(&format!(
            "SELECT stripe_payment_intent_id FROM payments WHERE order_id = {order}"
        ))
        .await;
    assert!(
        secret.starts_with(&intent),
        "the secret belongs to the saved PaymentIntent"
    );

    // Showing checkout again (a reload, a second tab) reuses the PaymentIntent.
    let (_, again) = app.page(&format!("/checkout/{order}")).await;
    assert_eq!(client_secret(&again).as_deref(), Some(secret.as_str()));
    assert_eq!(stripe.calls("POST", "/v1/payment_intents").len(), 1);
    assert_eq!(
        stripe
            .calls("GET", &format!("/v1/payment_intents/{intent}"))
            .len(),
        2,
        "each showing reads the secret back from Stripe (it is never stored)"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {order}"
        ))
        .await,
        1
    );

    // Continuing again (a double click) reuses it too, and pays nothing by itself.
    app.pay(order).await;
    assert_eq!(stripe.calls("POST", "/v1/payment_intents").len(), 1);
    assert_eq!(app.paid_count(order).await, 0);
    assert_eq!(app.delivery_count(order).await, 0);

    // Stripe's webhook completes it.
    let body = event(
        "evt_card_1",
        "payment_intent.succeeded",
        json!({ "id": intent, "object": "payment_intent", "amount": 7535, "amount_received": 7535, "currency": "usd" }),
    );
    assert!(app.webhook(&body, None).await.status().is_success());
    assert_eq!(app.paid_count(order).await, 1);
    assert_eq!(app.delivery_count(order).await, 1);
    let (_, paid) = app.page(&format!("/checkout/{order}")).await;
    assert!(client_secret(&paid).is_none(), "no card form once paid");
    assert_eq!(stripe.calls("POST", "/v1/payment_intents").len(), 1);
}

#[tokio::test]
async fn card_subscription_makes_customer_product_and_subscription_once() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[
            ("kind", "subscription"),
            ("frequency", "fortnightly"),
            ("budget", "60"),
        ])
        .await;

    app.pay(order).await;
    let (_, html) = app.page(&format!("/checkout/{order}")).await;
    let secret = client_secret(&html).expect("card form for the first invoice");
    let key = format!("order-{order}-subscription-6000-0");

    let customers = stripe.calls("POST", "/v1/customers");
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].field("email"), Some("ann@example.com"));
    assert_eq!(
        customers[0].idempotency_key.as_deref(),
        Some(format!("{key}-customer").as_str())
    );
    let products = stripe.calls("POST", "/v1/products");
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].field("name"), Some("Flowers for Grace Lee"));
    let subscriptions = stripe.calls("POST", "/v1/subscriptions");
    assert_eq!(subscriptions.len(), 1);
    let s = &subscriptions[0];
    assert_eq!(s.idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(s.field("items[0][price_data][unit_amount]"), Some("6000"));
    assert_eq!(
        s.field("items[0][price_data][recurring][interval]"),
        Some("week")
    );
    assert_eq!(
        s.field("items[0][price_data][recurring][interval_count]"),
        Some("2")
    );
    assert_eq!(s.field("payment_behavior"), Some("default_incomplete"));
    assert_eq!(s.field("expand[0]"), Some("latest_invoice.payment_intent"));
    assert_eq!(
        s.field("metadata[order_id]"),
        Some(order.to_string().as_str())
    );

    let subscription = app
        .scalar_text(&format!(
            "SELECT stripe_subscription_id FROM orders WHERE id = {order}"
        ))
        .await;
    assert!(subscription.starts_with("sub_"));

    // Again: the stored subscription's first invoice, not a second subscription.
    let (_, again) = app.page(&format!("/checkout/{order}")).await;
    assert_eq!(client_secret(&again).as_deref(), Some(secret.as_str()));
    assert_eq!(stripe.calls("POST", "/v1/subscriptions").len(), 1);
    assert_eq!(stripe.calls("POST", "/v1/customers").len(), 1);

    let invoice = json!({ "id": "in_card_1", "object": "invoice", "amount_paid": 6000, "currency": "usd",
        "parent": { "type": "subscription_details", "subscription_details": { "subscription": subscription } } });
    let body = event("evt_card_inv_1", "invoice.payment_succeeded", invoice);
    assert!(app.webhook(&body, None).await.status().is_success());
    assert_eq!(app.paid_count(order).await, 1);
    assert_eq!(app.delivery_count(order).await, 1);
}

#[tokio::test]
async fn payment_service_failures_save_nothing_and_a_retry_works() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    let checkout = format!("/checkout/{order}");

    for failure in [Failure::ServerError, Failure::Timeout] {
        stripe.fail_next(failure, 1);
        let (_, html) = app.follow(app.pay(order).await).await;
        assert!(
            html.contains("could not reach the payment service. Nothing was charged"),
            "{failure:?}: {html}"
        );
        assert!(client_secret(&html).is_none());
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM payments").await,
            0,
            "{failure:?}"
        );
    }
    stripe.fail_next(Failure::CardDeclined, 1);
    let (_, html) = app.follow(app.pay(order).await).await;
    assert!(
        html.contains("Your card was declined: Your card has insufficient funds."),
        "{html}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(testid_text(&html, "total"), "$75.35");

    // The service is back: the same idempotency key every time, so at most one PaymentIntent exists.
    app.pay(order).await;
    let (_, html) = app.page(&checkout).await;
    assert!(client_secret(&html).is_some());
    let attempts = stripe.calls("POST", "/v1/payment_intents");
    assert_eq!(attempts.len(), 4);
    assert!(
        attempts.iter().all(|a| a.idempotency_key.as_deref()
            == Some(format!("order-{order}-payment-7535-0").as_str()))
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);
}

#[tokio::test]
async fn a_declined_card_can_be_retried_on_the_same_payment_intent() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    app.pay(order).await;
    let intent = app
        .scalar_text("SELECT stripe_payment_intent_id FROM payments")
        .await;
    let failed = event(
        "evt_declined",
        "payment_intent.payment_failed",
        json!({ "id": intent, "object": "payment_intent", "amount": 7535, "currency": "usd" }),
    );
    assert!(app.webhook(&failed, None).await.status().is_success());
    assert_eq!(
        app.scalar_text("SELECT status FROM payments").await,
        "failed"
    );

    // The checkout still offers the card form for the same PaymentIntent, and nothing new is made.
    let (_, html) = app.page(&format!("/checkout/{order}")).await;
    let secret = client_secret(&html).expect("card form after a decline");
    assert!(secret.starts_with(&intent));
    app.pay(order).await;
    assert_eq!(stripe.calls("POST", "/v1/payment_intents").len(), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);

    let succeeded = event(
        "evt_retry_ok",
        "payment_intent.succeeded",
        json!({ "id": intent, "object": "payment_intent", "amount": 7535, "amount_received": 7535, "currency": "usd" }),
    );
    assert!(app.webhook(&succeeded, None).await.status().is_success());
    assert_eq!(app.paid_count(order).await, 1);
    assert_eq!(app.delivery_count(order).await, 1);
}
