//! Stripe webhooks as Stripe delivers them: signed, repeated, concurrent and out of order.

use crate::helpers::{TestApp, WEBHOOK_SECRET, event};
use app::server::stripe::signature::sign;
use reqwest::StatusCode;
use serde_json::json;

fn intent_succeeded(event_id: &str, intent: &str, amount: i64) -> String {
    event(
        event_id,
        "payment_intent.succeeded",
        json!({ "id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount, "currency": "usd", "invoice": null }),
    )
}

/// An order placed by a signed-in customer with an open (pending) PaymentIntent, as checkout with
/// real Stripe leaves it before the customer confirms the card.
async fn pending_order(app: &TestApp, intent: &str) -> i64 {
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[
            ("kind", "upfront"),
            ("frequency", "quarterly"),
            ("years", "1"),
        ])
        .await;
    app.open_intent(order, intent, 4 * 7535).await;
    order
}

#[tokio::test]
async fn signatures_are_checked_over_http() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let body = event("evt_sig", "customer.created", json!({ "id": "cus_1" }));
    let good = sign(body.as_bytes(), WEBHOOK_SECRET, now);
    let v1 = |h: &str| h.split("v1=").nth(1).unwrap().to_owned();
    let wrong = sign(body.as_bytes(), "whsec_wrong", now);
    let mut changed = body.clone().into_bytes();
    changed[5] ^= 1;
    let cases: Vec<(&str, Option<String>, Vec<u8>, StatusCode)> = vec![
        (
            "one byte changed",
            Some(good.clone()),
            changed,
            StatusCode::BAD_REQUEST,
        ),
        (
            "stale",
            Some(sign(body.as_bytes(), WEBHOOK_SECRET, now - 301)),
            body.clone().into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "future",
            Some(sign(body.as_bytes(), WEBHOOK_SECRET, now + 301)),
            body.clone().into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing",
            None,
            body.clone().into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "garbled",
            Some("t=yesterday,v1=??".into()),
            body.clone().into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong secret",
            Some(wrong.clone()),
            body.clone().into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "two v1, one matches",
            Some(format!("t={now},v1={},v1={}", v1(&wrong), v1(&good))),
            body.clone().into_bytes(),
            StatusCode::OK,
        ),
    ];
    for (name, header, payload, expected) in cases {
        let mut request = app.client.post(app.url("/stripe/webhook")).body(payload);
        if let Some(h) = header {
            request = request.header("stripe-signature", h);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), expected, "{name}");
    }
    // Only the valid delivery was recorded.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM webhook_events").await, 1);
}

#[tokio::test]
async fn the_same_event_twice_changes_things_once() {
    let app = TestApp::spawn().await;
    let order = pending_order(&app, "pi_twice").await;
    let body = intent_succeeded("evt_twice", "pi_twice", 4 * 7535);
    let first = app.webhook(&body, None).await;
    assert_eq!(first.text().await.unwrap(), "processed");
    let second = app.webhook(&body, None).await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.text().await.unwrap(), "duplicate");
    // A new event id carrying the same fact is also harmless.
    let replay = app
        .webhook(&intent_succeeded("evt_other", "pi_twice", 4 * 7535), None)
        .await;
    assert!(replay.text().await.unwrap().starts_with("ignored"));
    assert_eq!(app.delivery_count(order).await, 4);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'succeeded'")
            .await,
        1
    );
}

// Multi-threaded, so the server handles the ten deliveries in parallel, not one after another.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_deliveries_act_once() {
    let app = TestApp::spawn().await;
    let order = pending_order(&app, "pi_race").await;
    let body = intent_succeeded("evt_race", "pi_race", 4 * 7535);
    let answers = futures::future::join_all((0..10).map(|_| app.webhook(&body, None))).await;
    let mut texts = Vec::new();
    for response in answers {
        assert_eq!(response.status(), StatusCode::OK);
        texts.push(response.text().await.unwrap());
    }
    assert_eq!(
        texts.iter().filter(|t| *t == "processed").count(),
        1,
        "{texts:?}"
    );
    assert_eq!(texts.iter().filter(|t| *t == "duplicate").count(), 9);
    assert_eq!(app.delivery_count(order).await, 4);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM webhook_events").await, 1);
}

#[tokio::test]
async fn an_invoice_before_its_payment_intent_and_both_invoice_shapes() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("frequency", "monthly")])
        .await;
    app::server::db::orders::set_subscription(
        &app.pool,
        order,
        "cus_1",
        "sub_1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    // 2025 shape: the subscription under parent.subscription_details.
    let invoice = json!({ "id": "in_1", "object": "invoice", "amount_paid": 7535, "currency": "usd",
        "subscription": null, "parent": { "type": "subscription_details", "subscription_details": { "subscription": "sub_1" } } });
    let r = app
        .webhook(
            &event("evt_inv1", "invoice.payment_succeeded", invoice.clone()),
            None,
        )
        .await;
    assert_eq!(r.text().await.unwrap(), "processed");
    // Stripe also sends invoice.paid for the same invoice, and the invoice's PaymentIntent after it.
    let r = app
        .webhook(&event("evt_inv1_paid", "invoice.paid", invoice), None)
        .await;
    assert!(r.text().await.unwrap().starts_with("ignored"));
    let intent = json!({ "id": "pi_for_in_1", "object": "payment_intent", "amount": 7535, "invoice": "in_1" });
    let r = app
        .webhook(
            &event("evt_pi_late", "payment_intent.succeeded", intent),
            None,
        )
        .await;
    assert!(r.text().await.unwrap().starts_with("ignored"));

    // The older shape: a top-level subscription id. The second invoice pays for the second month.
    let old = json!({ "id": "in_2", "object": "invoice", "amount_paid": 7535, "currency": "usd", "subscription": "sub_1" });
    let r = app
        .webhook(&event("evt_inv2", "invoice.payment_succeeded", old), None)
        .await;
    assert_eq!(r.text().await.unwrap(), "processed");

    assert_eq!(app.paid_count(order).await, 2);
    assert_eq!(app.delivery_count(order).await, 2);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {order} AND status = 'active'"
        ))
        .await,
        1
    );
    let dates = app.delivery_dates(order).await;
    assert_eq!(
        dates[1],
        dates[0].checked_add_months(chrono::Months::new(1)).unwrap(),
        "one month apart"
    );
}

#[tokio::test]
async fn a_refund_after_success_cancels_the_deliveries() {
    let app = TestApp::spawn().await;
    let order = pending_order(&app, "pi_refund").await;
    app.webhook(&intent_succeeded("evt_ok", "pi_refund", 4 * 7535), None)
        .await;
    let charge = json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_refund", "refunded": true, "amount_refunded": 4 * 7535 });
    let r = app
        .webhook(&event("evt_refund", "charge.refunded", charge), None)
        .await;
    assert_eq!(r.text().await.unwrap(), "processed");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'refunded'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {order} AND status = 'refunded'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM events WHERE order_id = {order} AND status = 'cancelled'"
        ))
        .await,
        4
    );
    let (_, html) = app.page("/orders").await;
    assert!(html.contains("Refunded"));
}

#[tokio::test]
async fn a_refund_that_overtakes_the_success_wins() {
    let app = TestApp::spawn().await;
    let order = pending_order(&app, "pi_fast_refund").await;
    let charge = json!({ "id": "ch_2", "object": "charge", "payment_intent": "pi_fast_refund", "refunded": true });
    app.webhook(&event("evt_r", "charge.refunded", charge), None)
        .await;
    let late = app
        .webhook(&intent_succeeded("evt_s", "pi_fast_refund", 4 * 7535), None)
        .await;
    assert!(late.text().await.unwrap().starts_with("ignored"));
    assert_eq!(
        app.delivery_count(order).await,
        0,
        "no deliveries for refunded money"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'refunded'")
            .await,
        1
    );
}

#[tokio::test]
async fn unused_events_and_bad_payloads() {
    let app = TestApp::spawn().await;
    let r = app
        .webhook(
            &event("evt_unused", "customer.updated", json!({ "id": "cus_1" })),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("not used"));
    let r = app
        .webhook(r#"{"id":"evt_x","type":"payment_intent.succeeded"}"#, None)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "signed but without data.object"
    );
    let r = app
        .webhook(&intent_succeeded("evt_unknown", "pi_nobody", 100), None)
        .await;
    assert!(r.text().await.unwrap().contains("unknown PaymentIntent"));
}

/// Many distinct events at once, each also delivered a second time while the first is in flight
/// and once more afterwards, mixed with events that fail half-way (signed, but with no
/// PaymentIntent id): every good event takes effect exactly once, and a failing one leaves nothing
/// behind — not even its event id, so Stripe's retry is acted on rather than called a duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_events_and_redeliveries_each_act_once() {
    const EVENTS: usize = 40;
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let mut orders = Vec::new();
    for i in 0..EVENTS {
        let order = app
            .place_order(&[
                ("kind", "upfront"),
                ("frequency", "quarterly"),
                ("years", "1"),
            ])
            .await;
        app.open_intent(order, &format!("pi_many_{i}"), 4 * 7535)
            .await;
        orders.push(order);
    }
    let good: Vec<String> = (0..EVENTS)
        .map(|i| intent_succeeded(&format!("evt_many_{i}"), &format!("pi_many_{i}"), 4 * 7535))
        .collect();
    let bad: Vec<String> = (0..EVENTS / 4)
        .map(|i| {
            event(
                &format!("evt_broken_{i}"),
                "payment_intent.succeeded",
                json!({ "object": "payment_intent", "amount": 100 }),
            )
        })
        .collect();
    // Each good event twice, interleaved with the failing ones, all in flight together.
    let deliveries: Vec<&String> = good.iter().chain(bad.iter()).chain(good.iter()).collect();
    let answers =
        futures::future::join_all(deliveries.iter().map(|body| app.webhook(body, None))).await;
    let mut processed = 0;
    let mut duplicates = 0;
    let mut refused = 0;
    for response in answers {
        let status = response.status();
        let text = response.text().await.unwrap();
        match (status, text.as_str()) {
            (StatusCode::OK, "processed") => processed += 1,
            (StatusCode::OK, "duplicate") => duplicates += 1,
            (StatusCode::BAD_REQUEST, _) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(processed, EVENTS, "each event acted on once");
    assert_eq!(duplicates, EVENTS, "each second delivery found the first");
    assert_eq!(refused, EVENTS / 4, "each broken event refused");

    // Redelivered once more, later: nothing changes.
    for body in good.iter().step_by(7) {
        let again = app.webhook(body, None).await;
        assert_eq!(again.text().await.unwrap(), "duplicate");
    }
    for order in &orders {
        assert_eq!(app.paid_count(*order).await, 1, "order {order} paid once");
        assert_eq!(
            app.delivery_count(*order).await,
            4,
            "order {order} scheduled once"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM webhook_events WHERE id LIKE 'evt_many_%'")
            .await,
        EVENTS as i64
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM webhook_events WHERE id LIKE 'evt_broken_%'")
            .await,
        0,
        "a failed event leaves no trace"
    );
    let retry = app.webhook(&bad[0], None).await;
    assert_eq!(
        retry.status(),
        StatusCode::BAD_REQUEST,
        "a failed event is handled again when retried"
    );
}
