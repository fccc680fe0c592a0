//! Money after the fact (issue 8): refunds in both Stripe shapes and in any order, lost disputes,
//! partial refunds, payments of the wrong amount, suspended partners, cancelled subscriptions, the
//! first-order discount under concurrency, idempotency keys that follow the amount, and a database
//! failure during the discount re-check. Each test names the way money could be lost or paid twice.

use crate::fake_stripe::{Failure, FakeStripe};
use crate::helpers::{PASSWORD, TestApp, WEBHOOK_SECRET, browser, event, testid_text};
use crate::partners::{
    apply, approved_partner, commissions, invoice, partner_id, started_subscription,
};
use serde_json::{Value, json};

/// A Stripe-backed app (the fake Stripe) whose calls give up after one second.
async fn spawn_with_stripe(stripe: &FakeStripe, extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![
        ("STRIPE_SECRET_KEY", "sk_test_money"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_money"),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_API_BASE", stripe.base_url.as_str()),
        ("STRIPE_TIMEOUT_SECS", "1"),
    ];
    settings.extend_from_slice(extra);
    TestApp::spawn_with(&settings).await
}

/// Posts a signed event and returns the webhook's answer text ("processed", "ignored: …").
async fn send(app: &TestApp, id: &str, kind: &str, object: Value) -> String {
    let response = app.webhook(&event(id, kind, object), None).await;
    assert!(
        response.status().is_success(),
        "{kind} answered {}",
        response.status()
    );
    response.text().await.unwrap()
}

/// A charge of `intent` refunded by `refunded` cents (`full` when all of it), 2025 shape (no invoice).
fn refunded_charge(id: &str, intent: &str, amount: i64, refunded: i64) -> Value {
    json!({ "id": id, "object": "charge", "payment_intent": intent, "amount": amount,
            "amount_refunded": refunded, "refunded": refunded >= amount, "currency": "usd" })
}

async fn status_of_payment(app: &TestApp, id: i64) -> String {
    app.scalar_text(&format!("SELECT status FROM payments WHERE id = {id}"))
        .await
}

async fn order_status(app: &TestApp, order: i64) -> String {
    app.scalar_text(&format!("SELECT status FROM orders WHERE id = {order}"))
        .await
}

async fn scheduled(app: &TestApp, order: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE order_id = {order} AND status = 'scheduled'"
    ))
    .await
}

/// Signs the app's browser in as a (new) admin.
async fn become_admin(app: &mut TestApp) {
    app.make_admin("boss@example.com").await;
    app.client = browser();
    app.log_in("boss@example.com", PASSWORD).await;
}

/// Ann (referred by Rosie's Roses) with a paid single delivery of $75.35 less the $5.00 discount,
/// paid in test mode; returns (order, payment, PaymentIntent).
async fn referred_paid_order(app: &TestApp) -> (i64, i64, String) {
    let code = approved_partner(app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(app, order, &code).await;
    app.pay(order).await;
    let payment = app
        .scalar(&format!("SELECT id FROM payments WHERE order_id = {order}"))
        .await;
    let intent = app
        .scalar_text(&format!(
            "SELECT stripe_payment_intent_id FROM payments WHERE id = {payment}"
        ))
        .await;
    (order, payment, intent)
}

#[tokio::test]
async fn a_subscription_refund_naming_only_its_payment_intent_is_applied_in_both_shapes() {
    let invoices = [
        // 2025 shape: subscription under `parent`, the PaymentIntent under `payments`.
        json!({ "id": "in_1", "object": "invoice", "amount_paid": 7500, "currency": "usd",
            "parent": { "type": "subscription_details", "subscription_details": { "subscription": "sub_1" } },
            "payments": { "object": "list", "data": [{ "object": "invoice_payment",
                "payment": { "type": "payment_intent", "payment_intent": "pi_inv_1" } }] } }),
        // 2023-10-16 shape: top-level `subscription` and `payment_intent`.
        json!({ "id": "in_1", "object": "invoice", "amount_paid": 7500, "currency": "usd",
            "subscription": "sub_1", "payment_intent": "pi_inv_1" }),
    ];
    for invoice in invoices {
        let app = TestApp::spawn().await;
        let order = started_subscription(&app, "80").await;
        send(&app, "evt_in", "invoice.payment_succeeded", invoice.clone()).await;
        assert_eq!(scheduled(&app, order).await, 1);
        assert_eq!(commissions(&app).await[0].2, "pending");
        // The 2025 charge names no invoice: only the PaymentIntent leads to the payment.
        let outcome = send(
            &app,
            "evt_refund",
            "charge.refunded",
            refunded_charge("ch_1", "pi_inv_1", 7500, 7500),
        )
        .await;
        assert_eq!(outcome, "processed", "{invoice}");
        assert_eq!(scheduled(&app, order).await, 0, "the delivery is cancelled");
        assert_eq!(commissions(&app).await[0].2, "rejected");
        assert_eq!(order_status(&app, order).await, "refunded");
    }
}

#[tokio::test]
async fn a_refund_that_arrives_before_its_invoice_is_applied_when_the_invoice_arrives() {
    let app = TestApp::spawn().await;
    let order = started_subscription(&app, "80").await;
    send(
        &app,
        "evt_refund",
        "charge.refunded",
        refunded_charge("ch_1", "pi_inv_1", 7500, 7500),
    )
    .await;
    let mut paid = invoice("in_1", 7500);
    paid["payments"] = json!({ "data": [{ "payment": { "type": "payment_intent", "payment_intent": "pi_inv_1" } }] });
    send(&app, "evt_in", "invoice.payment_succeeded", paid).await;
    let payment = app.scalar("SELECT id FROM payments").await;
    assert_eq!(status_of_payment(&app, payment).await, "refunded");
    assert_eq!(
        scheduled(&app, order).await,
        0,
        "no delivery for a refunded invoice"
    );
    assert_eq!(commissions(&app).await[0].2, "rejected");
    assert_eq!(order_status(&app, order).await, "refunded");
    // Stripe's second invoice event for the same invoice changes nothing.
    send(&app, "evt_in_2", "invoice.paid", invoice("in_1", 7500)).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(scheduled(&app, order).await, 0);
}

#[tokio::test]
async fn an_invoice_without_its_payment_intent_is_completed_by_asking_stripe() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe, &[]).await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("budget", "80")])
        .await;
    apply(&app, order, &code).await;
    app.pay(order).await;
    let sub = app
        .scalar_text("SELECT stripe_subscription_id FROM orders")
        .await;
    let invoice_id = stripe.object(&sub).unwrap()["latest_invoice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let intent = stripe.object(&invoice_id).unwrap()["payment_intent"]
        .as_str()
        .unwrap()
        .to_owned();
    // Real Stripe's 2025 invoice event: no PaymentIntent unless asked for.
    let paid = json!({ "id": invoice_id, "object": "invoice", "amount_paid": 7500, "currency": "usd",
        "parent": { "type": "subscription_details", "subscription_details": { "subscription": sub } } });
    send(&app, "evt_in", "invoice.payment_succeeded", paid).await;
    assert_eq!(
        stripe
            .calls("GET", &format!("/v1/invoices/{invoice_id}"))
            .len(),
        1
    );
    assert_eq!(
        app.scalar_text("SELECT stripe_payment_intent_id FROM payments")
            .await,
        intent
    );
    send(
        &app,
        "evt_refund",
        "charge.refunded",
        refunded_charge("ch_1", &intent, 7500, 7500),
    )
    .await;
    assert_eq!(order_status(&app, order).await, "refunded");
    assert_eq!(scheduled(&app, order).await, 0);
    // A refunded subscription is ended at Stripe, once.
    assert_eq!(
        stripe
            .calls("DELETE", &format!("/v1/subscriptions/{sub}"))
            .len(),
        1
    );
    assert_eq!(stripe.object(&sub).unwrap()["status"], "canceled");
}

#[tokio::test]
async fn a_refund_after_approval_takes_back_the_commission_and_a_paid_one_is_listed_for_admins() {
    let mut app = TestApp::spawn().await;
    let (order, _, intent) = referred_paid_order(&app).await;
    sqlx::query("UPDATE commissions SET status = 'approved'")
        .execute(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        "evt_refund",
        "charge.refunded",
        refunded_charge("ch_1", &intent, 7035, 7035),
    )
    .await;
    assert_eq!(commissions(&app).await[0].2, "rejected");
    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(html.contains("The payment was refunded"), "{html}");
    assert_eq!(testid_text(&html, "approved-total"), "$0.00");

    // Bob's commission was already paid out when his payment is refunded: it stays paid (the
    // payouts work recovers it) and the admin sees it on the order.
    app.log_out().await;
    let code = crate::partners::code_of(&app, "rosie@example.com").await;
    app.sign_up("bob@example.com", "Bob").await;
    let bob_order = app.place_order(&[]).await;
    apply(&app, bob_order, &code).await;
    app.pay(bob_order).await;
    let bob_intent = app
        .scalar_text(&format!(
            "SELECT stripe_payment_intent_id FROM payments WHERE order_id = {bob_order}"
        ))
        .await;
    sqlx::query("UPDATE commissions SET status = 'paid' WHERE status = 'pending'")
        .execute(&app.pool)
        .await
        .unwrap();
    send(
        &app,
        "evt_refund_bob",
        "charge.refunded",
        refunded_charge("ch_2", &bob_intent, 7035, 7035),
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commissions WHERE status = 'paid'")
            .await,
        1
    );
    become_admin(&mut app).await;
    let (_, html) = app.page(&format!("/admin/orders/{bob_order}")).await;
    assert!(html.contains(r#"data-testid="to-recover""#), "{html}");
    assert!(html.contains("Rosie&#x27;s Roses") || html.contains("Rosie's Roses"));
    let (_, html) = app.page(&format!("/admin/orders/{order}")).await;
    assert!(!html.contains(r#"data-testid="to-recover""#));
}

#[tokio::test]
async fn a_lost_dispute_reverses_the_payment_and_a_won_one_changes_nothing() {
    let app = TestApp::spawn().await;
    let (order, payment, intent) = referred_paid_order(&app).await;
    let dispute = |id: &str, status: &str| {
        json!({ "id": id, "object": "dispute", "amount": 7035, "charge": "ch_1", "currency": "usd",
                "payment_intent": intent, "status": status })
    };
    let won = send(
        &app,
        "evt_d1",
        "charge.dispute.closed",
        dispute("dp_1", "won"),
    )
    .await;
    assert!(won.starts_with("ignored"), "{won}");
    assert_eq!(status_of_payment(&app, payment).await, "succeeded");
    assert_eq!(scheduled(&app, order).await, 1);

    send(
        &app,
        "evt_d2",
        "charge.dispute.closed",
        dispute("dp_2", "lost"),
    )
    .await;
    assert_eq!(status_of_payment(&app, payment).await, "refunded");
    assert_eq!(scheduled(&app, order).await, 0);
    assert_eq!(order_status(&app, order).await, "refunded");
    assert_eq!(commissions(&app).await[0].2, "rejected");
    assert!(
        app.scalar_text("SELECT note FROM commissions")
            .await
            .contains("dispute")
    );
    // A refund of the same payment afterwards takes nothing twice.
    send(
        &app,
        "evt_r",
        "charge.refunded",
        refunded_charge("ch_1", &intent, 7035, 7035),
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commissions WHERE status = 'rejected'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_partial_refund_keeps_the_payment_and_commission_and_shows_on_the_admin_order_page() {
    let mut app = TestApp::spawn().await;
    let (order, payment, intent) = referred_paid_order(&app).await;
    send(
        &app,
        "evt_p1",
        "charge.refunded",
        refunded_charge("ch_1", &intent, 7035, 1000),
    )
    .await;
    // Stripe reports the cumulative amount: a second partial refund raises the same record.
    send(
        &app,
        "evt_p2",
        "charge.refunded",
        refunded_charge("ch_1", &intent, 7035, 2500),
    )
    .await;
    assert_eq!(status_of_payment(&app, payment).await, "succeeded");
    assert_eq!(scheduled(&app, order).await, 1);
    assert_eq!(commissions(&app).await[0].2, "pending");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payment_reversals").await,
        1
    );
    become_admin(&mut app).await;
    let (_, html) = app.page(&format!("/admin/orders/{order}")).await;
    assert!(html.contains("partly refunded ($25.00 so far)"), "{html}");
}

#[tokio::test]
async fn a_suspended_partner_earns_nothing_until_reactivated() {
    let mut app = TestApp::spawn().await;
    let order = started_subscription(&app, "80").await;
    let partner = partner_id(&app, "rosie@example.com").await;
    let set_status = |status: &'static str| {
        sqlx::query("UPDATE partners SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(partner)
    };
    set_status("suspended").execute(&app.pool).await.unwrap();
    send(
        &app,
        "evt_1",
        "invoice.payment_succeeded",
        invoice("in_1", 7500),
    )
    .await;
    assert_eq!(scheduled(&app, order).await, 1, "the customer is served");
    assert!(
        commissions(&app).await.is_empty(),
        "no commission while suspended"
    );
    app.client = browser();
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(html.contains("earn no commission"), "{html}");

    set_status("active").execute(&app.pool).await.unwrap();
    send(
        &app,
        "evt_2",
        "invoice.payment_succeeded",
        invoice("in_2", 8000),
    )
    .await;
    let earned = commissions(&app).await;
    assert_eq!(earned.len(), 1, "earns again on later payments");
    assert_eq!(earned[0].1, 400);
}

/// A customer's single delivery whose PaymentIntent `intent` is open, as real Stripe leaves it.
async fn order_with_open_intent(app: &TestApp, email: &str, intent: &str) -> i64 {
    app.sign_up(email, "Cara").await;
    let order = app.place_order(&[]).await;
    app.open_intent(order, intent, 7535).await;
    order
}

fn intent_succeeded(intent: &str, amount: i64, currency: &str) -> Value {
    json!({ "id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount,
            "currency": currency, "invoice": null })
}

#[tokio::test]
async fn a_payment_of_another_amount_or_currency_waits_for_an_admin_to_accept_or_refund() {
    let mut app = TestApp::spawn().await;
    let short = order_with_open_intent(&app, "cara@example.com", "pi_short").await;
    let outcome = send(
        &app,
        "evt_short",
        "payment_intent.succeeded",
        intent_succeeded("pi_short", 5000, "usd"),
    )
    .await;
    assert_eq!(outcome, "processed");
    let (_, checkout) = app.page(&format!("/checkout/{short}")).await;
    assert!(checkout.contains("Payment under review"), "{checkout}");
    app.log_out().await;
    let euros = order_with_open_intent(&app, "dan@example.com", "pi_euro").await;
    send(
        &app,
        "evt_euro",
        "payment_intent.succeeded",
        intent_succeeded("pi_euro", 7535, "eur"),
    )
    .await;
    for order in [short, euros] {
        assert_eq!(order_status(&app, order).await, "pending_payment");
        assert_eq!(app.delivery_count(order).await, 0, "nothing scheduled");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'needs_review'")
            .await,
        2
    );

    become_admin(&mut app).await;
    let (_, home) = app.page("/admin").await;
    assert!(home.contains("2 payments to review"), "{home}");
    let (_, listed) = app.page("/admin/orders?status=needs_review").await;
    assert_eq!(listed.matches(r#"data-testid="admin-order""#).count(), 2);
    let (_, page) = app.page(&format!("/admin/orders/{short}")).await;
    assert!(
        page.contains("Received 50.00 USD, but we asked for 75.35 USD"),
        "{page}"
    );
    let decide = |payment: i64, decision: &'static str, order: i64| {
        let app = &app;
        async move {
            app.submit(
                &format!("/admin/orders/{order}"),
                "/api/admin/payment/review",
                &[("payment_id", &payment.to_string()), ("decision", decision)],
            )
            .await
        }
    };
    let short_payment = app
        .scalar(&format!("SELECT id FROM payments WHERE order_id = {short}"))
        .await;
    let (_, after) = app
        .follow(decide(short_payment, "accept", short).await)
        .await;
    assert!(after.contains("Deliveries: 1 upcoming"), "{after}");
    assert_eq!(order_status(&app, short).await, "active");
    assert_eq!(status_of_payment(&app, short_payment).await, "succeeded");
    // A second decision on the same payment is refused and changes nothing.
    let (_, again) = app
        .follow(decide(short_payment, "refund", short).await)
        .await;
    assert!(again.contains("already decided"), "{again}");
    assert_eq!(status_of_payment(&app, short_payment).await, "succeeded");

    let euro_payment = app
        .scalar(&format!("SELECT id FROM payments WHERE order_id = {euros}"))
        .await;
    app.follow(decide(euro_payment, "refund", euros).await)
        .await;
    assert_eq!(status_of_payment(&app, euro_payment).await, "refunded");
    assert_eq!(order_status(&app, euros).await, "refunded");
    assert_eq!(app.delivery_count(euros).await, 0);
}

#[tokio::test]
async fn an_invoice_of_another_amount_schedules_nothing_and_earns_nothing() {
    let app = TestApp::spawn().await;
    let order = started_subscription(&app, "80").await;
    let outcome = send(
        &app,
        "evt_1",
        "invoice.payment_succeeded",
        invoice("in_1", 9999),
    )
    .await;
    assert_eq!(outcome, "processed");
    assert_eq!(
        app.scalar_text("SELECT status FROM payments").await,
        "needs_review"
    );
    assert_eq!(app.delivery_count(order).await, 0);
    assert!(commissions(&app).await.is_empty());
}

#[tokio::test]
async fn a_customer_cancels_a_subscription_at_stripe_once_and_later_invoices_schedule_nothing() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe, &[]).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("budget", "80")])
        .await;
    app.pay(order).await;
    let sub = app
        .scalar_text("SELECT stripe_subscription_id FROM orders")
        .await;
    let paid = |id: &str| json!({ "id": id, "object": "invoice", "amount_paid": 8000, "currency": "usd", "subscription": sub });
    send(&app, "evt_1", "invoice.payment_succeeded", paid("in_a")).await;
    let (_, orders) = app.page("/orders").await;
    assert!(orders.contains("Cancel this subscription"), "{orders}");

    let order_field = order.to_string();
    let fields = [("order_id", order_field.as_str())];
    let cancel = || app.submit("/orders", "/api/orders/cancel", &fields);
    let (_, after) = app.follow(cancel().await).await;
    assert!(after.contains(r#"data-testid="cancelled""#), "{after}");
    assert!(!after.contains("Cancel this subscription"));
    assert_eq!(order_status(&app, order).await, "cancelled");
    assert_eq!(stripe.object(&sub).unwrap()["status"], "canceled");
    // The delivery already paid for still goes out.
    assert_eq!(scheduled(&app, order).await, 1);

    // Stripe's own notice, and an invoice that still slips through, change nothing for deliveries.
    send(
        &app,
        "evt_del",
        "customer.subscription.deleted",
        json!({ "id": sub, "object": "subscription", "status": "canceled" }),
    )
    .await;
    send(&app, "evt_2", "invoice.payment_succeeded", paid("in_b")).await;
    assert_eq!(scheduled(&app, order).await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'needs_review'")
            .await,
        1
    );
    let (_, again) = app.follow(cancel().await).await;
    assert!(again.contains("already ended"), "{again}");
    assert_eq!(
        stripe
            .calls("DELETE", &format!("/v1/subscriptions/{sub}"))
            .len(),
        1,
        "Stripe is asked once"
    );
}

#[tokio::test]
async fn stripe_ending_a_subscription_ends_the_order() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("frequency", "monthly")])
        .await;
    app.pay(order).await;
    assert_eq!(order_status(&app, order).await, "active");
    let sub = app
        .scalar_text("SELECT stripe_subscription_id FROM orders")
        .await;
    send(
        &app,
        "evt_del",
        "customer.subscription.deleted",
        json!({ "id": sub, "object": "subscription", "status": "canceled" }),
    )
    .await;
    assert_eq!(order_status(&app, order).await, "cancelled");
    let (_, orders) = app.page("/orders").await;
    assert!(!orders.contains("Cancel this subscription"));
}

#[tokio::test]
async fn a_cancellation_stripe_did_not_confirm_is_retried_by_the_maintenance_pass() {
    let stripe = FakeStripe::start();
    let mut app = spawn_with_stripe(&stripe, &[("MAINTENANCE_INTERVAL_SECS", "1")]).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("budget", "80")])
        .await;
    app.pay(order).await;
    let sub = app
        .scalar_text("SELECT stripe_subscription_id FROM orders")
        .await;
    become_admin(&mut app).await;
    stripe.fail_next(Failure::ServerError, 1);
    let r = app
        .submit(
            &format!("/admin/orders/{order}"),
            "/api/admin/order/cancel",
            &[("order_id", &order.to_string())],
        )
        .await;
    app.follow(r).await;
    assert_eq!(order_status(&app, order).await, "cancelled");
    let mut confirmed = false;
    for _ in 0..50 {
        if stripe.object(&sub).unwrap()["status"] == "canceled" {
            confirmed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(confirmed, "the maintenance pass cancelled it at Stripe");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {order} AND gateway_cancelled_at IS NOT NULL"
        ))
        .await,
        1
    );
}

// Multi-threaded, so the server handles the two payments at the same moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_discounted_orders_paid_at_once_get_the_first_order_discount_once() {
    let mut app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    for i in 0..4 {
        app.client = browser();
        let email = format!("c{i}@example.com");
        app.sign_up(&email, "Cara").await;
        let first = app.place_order(&[]).await;
        let second = app.place_order(&[]).await;
        apply(&app, first, &code).await;
        apply(&app, second, &code).await;
        let (a, b) = tokio::join!(app.pay(first), app.pay(second));
        assert!(a.status().is_redirection() && b.status().is_redirection());
        let discounted = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM payments p JOIN users u ON u.id = p.user_id
                 WHERE u.email = '{email}' AND p.amount_cents = 7035"
            ))
            .await;
        assert_eq!(discounted, 1, "customer {i}: one discounted payment");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_usages").await, 4);
}

#[tokio::test]
async fn the_amount_is_fixed_while_stripe_may_hold_it_and_keys_follow_the_amount() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe, &[]).await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    // Stripe does not answer: it may or may not have made the PaymentIntent.
    stripe.fail_next(Failure::Timeout, 1);
    let (_, html) = app.follow(app.pay(order).await).await;
    assert!(
        html.contains("could not reach the payment service"),
        "{html}"
    );
    let r = app
        .submit(
            &format!("/checkout/{order}"),
            "/api/orders/remove-code",
            &[("order_id", &order.to_string())],
        )
        .await;
    // The code can no longer be taken off: the page says it is fixed and the server refused.
    let (_, html) = app.follow(r).await;
    assert!(html.contains(r#"data-testid="code-locked""#), "{html}");
    assert_eq!(testid_text(&html, "total"), "$70.35");
    assert_eq!(
        app.scalar(&format!(
            "SELECT discount_cents FROM orders WHERE id = {order}"
        ))
        .await,
        500
    );
    app.pay(order).await;
    let keys: Vec<(Option<String>, Option<String>)> = stripe
        .calls("POST", "/v1/payment_intents")
        .iter()
        .map(|r| {
            (
                r.idempotency_key.clone(),
                r.field("amount").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry repeats the same request");
    assert_eq!(keys[1].1.as_deref(), Some("7035"));

    // A definite refusal made nothing: the code may change, and the new amount gets a new key.
    app.log_out().await;
    app.sign_up("bob@example.com", "Bob").await;
    let bob = app.place_order(&[]).await;
    apply(&app, bob, &code).await;
    stripe.fail_next(Failure::CardDeclined, 1);
    app.pay(bob).await;
    let r = app
        .submit(
            &format!("/checkout/{bob}"),
            "/api/orders/remove-code",
            &[("order_id", &bob.to_string())],
        )
        .await;
    app.follow(r).await;
    let (_, html) = app.follow(app.pay(bob).await).await;
    assert!(html.contains(r#"data-testid="card-form""#), "{html}");
    let bob_calls: Vec<(String, String)> = stripe
        .calls("POST", "/v1/payment_intents")
        .iter()
        .skip(2)
        .map(|r| {
            (
                r.idempotency_key.clone().unwrap_or_default(),
                r.field("amount").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(bob_calls.len(), 2);
    assert_eq!(bob_calls[0].1, "7035");
    assert_eq!(bob_calls[1].1, "7535");
    assert_ne!(bob_calls[0].0, bob_calls[1].0, "a new amount, a new key");
}

#[tokio::test]
async fn a_database_failure_during_the_discount_recheck_stops_the_payment() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe, &[]).await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    // The re-check counts the customer's paid payments; make that query fail.
    sqlx::query("ALTER TABLE payments RENAME TO payments_unreachable")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = app.follow(app.pay(order).await).await;
    assert!(html.contains("Something went wrong on our side"), "{html}");
    assert!(
        stripe.calls("POST", "/v1/payment_intents").is_empty(),
        "Stripe never heard of the discounted amount"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {order} AND payment_started_at IS NULL"
        ))
        .await,
        1
    );
}
