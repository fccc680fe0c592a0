//! The partner program, Phase 1: registration, discount codes at checkout, referral commissions,
//! the partner dashboard and the admin review. The plan's six verification steps are the first six
//! tests; the rest cover every rule that guards money.

use crate::fake_stripe::FakeStripe;
use crate::helpers::{
    PASSWORD, TestApp, WEBHOOK_SECRET, browser, event, location_path, testid_text,
};
use serde_json::json;

/// Registers a referral partner through the no-JS form; returns the partner's code (upper case).
pub(crate) async fn register_partner(
    app: &TestApp,
    email: &str,
    business: &str,
) -> reqwest::Response {
    app.submit(
        "/partner/register",
        "/api/partners/register",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("first_name", "Rosie"),
            ("last_name", "Reed"),
            ("business_name", business),
            ("phone", "+61 2 9999 0000"),
            ("partner_type", "non_delivery"),
        ],
    )
    .await
}

pub(crate) async fn code_of(app: &TestApp, email: &str) -> String {
    app.scalar_text(&format!(
        "SELECT c.code FROM discount_codes c JOIN partners p ON p.id = c.partner_id
         JOIN users u ON u.id = p.user_id WHERE u.email = '{email}'"
    ))
    .await
    .to_uppercase()
}

pub(crate) async fn partner_id(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!(
        "SELECT p.id FROM partners p JOIN users u ON u.id = p.user_id WHERE u.email = '{email}'"
    ))
    .await
}

/// An approved partner "Rosie's Roses" (rosie@example.com) and its code; the app is left logged out.
pub(crate) async fn approved_partner(app: &TestApp) -> String {
    register_partner(app, "rosie@example.com", "Rosie's Roses").await;
    app.log_out().await;
    let id = partner_id(app, "rosie@example.com").await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    code_of(app, "rosie@example.com").await
}

/// Ann, referred by an approved Rosie's Roses, with a weekly subscription carrying Rosie's code.
pub(crate) async fn referred_subscription(app: &TestApp, budget: &str) -> i64 {
    let code = approved_partner(app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[
            ("kind", "subscription"),
            ("frequency", "weekly"),
            ("budget", budget),
        ])
        .await;
    apply(app, order, &code).await;
    order
}

/// [`referred_subscription`] whose Stripe subscription `sub_1` exists but has no paid invoice yet
/// (as if the card were still being entered).
pub(crate) async fn started_subscription(app: &TestApp, budget: &str) -> i64 {
    let order = referred_subscription(app, budget).await;
    app::server::db::orders::set_subscription(
        &app.pool,
        order,
        "cus_1",
        "sub_1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    order
}

/// An invoice of subscription `sub_1` in the 2025 shape.
pub(crate) fn invoice(id: &str, amount: i64) -> serde_json::Value {
    json!({ "id": id, "object": "invoice", "amount_paid": amount, "currency": "usd",
        "parent": { "type": "subscription_details", "subscription_details": { "subscription": "sub_1" } } })
}

pub(crate) async fn apply(app: &TestApp, order: i64, code: &str) -> (String, String) {
    let r = app
        .submit(
            &format!("/checkout/{order}"),
            "/api/orders/apply-code",
            &[("order_id", &order.to_string()), ("code", code)],
        )
        .await;
    app.follow(r).await
}

pub(crate) async fn commissions(app: &TestApp) -> Vec<(i64, i64, String)> {
    sqlx::query_as("SELECT payment_id, amount_cents, status FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn step1_registration_creates_user_partner_and_code_and_signs_in() {
    let app = TestApp::spawn().await;
    let r = register_partner(&app, "Rosie@Example.com", "Rosie's Roses").await;
    assert_eq!(location_path(&r), "/partner/dashboard");
    let (_, html) = app.follow(r).await;
    assert!(html.contains("Awaiting approval"), "pending banner: {html}");
    let code = code_of(&app, "rosie@example.com").await;
    assert!(code.starts_with("ROSIE-S-ROSES-"), "{code}");
    assert!(code.len() <= 30);
    assert!(html.contains(&code));
    let (status, kind, business): (String, String, String) =
        sqlx::query_as("SELECT status, partner_type, business_name FROM partners")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), kind.as_str(), business.as_str()),
        ("pending", "non_delivery", "Rosie's Roses")
    );
    // New partners get the program's terms until an admin gives them their own.
    assert_eq!(testid_text(&html, "terms-rate"), "5%");
    assert_eq!(testid_text(&html, "terms-discount"), "$5.00");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM partners WHERE referral_rate_bps IS NULL AND discount_cents IS NULL")
            .await,
        1
    );

    // A bad form creates nothing and says what to fix.
    app.log_out().await;
    let r = register_partner(&app, "rosie@example.com", " ").await;
    let (_, html) = app.follow(r).await;
    assert!(html.contains("Enter your business or brand name."));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM partners").await, 1);
    assert_eq!(app.user_count().await, 1);
    // The same email again is refused as a field error, and no half-made partner is left behind.
    let r = register_partner(&app, "ROSIE@example.com", "Another Shop").await;
    let (_, html) = app.follow(r).await;
    assert!(html.contains("already exists"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_codes").await, 1);
}

#[tokio::test]
async fn step2_a_code_is_valid_for_new_customers_and_refused_after_a_paid_order() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let first = app.place_order(&[]).await;
    let (_, html) = apply(&app, first, &code.to_lowercase()).await;
    assert!(
        html.contains("from <strong>Rosie&#x27;s Roses</strong> applied")
            || html.contains("Rosie's Roses"),
        "{html}"
    );
    assert_eq!(testid_text(&html, "discount"), "-$5.00");
    assert_eq!(testid_text(&html, "total"), "$70.35");
    app.pay(first).await;
    assert_eq!(app.paid_count(first).await, 1);

    let second = app.place_order(&[]).await;
    let (_, html) = apply(&app, second, &code).await;
    assert!(
        html.contains("your account already has a paid order"),
        "{html}"
    );
    assert_eq!(testid_text(&html, "total"), "$75.35");
    assert_eq!(
        app.scalar(&format!(
            "SELECT discount_cents FROM orders WHERE id = {second}"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn step3_the_payment_intent_amount_is_reduced_and_carries_the_code() {
    let stripe = FakeStripe::start();
    let app = TestApp::spawn_with(&[
        ("STRIPE_SECRET_KEY", "sk_test_partner"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_partner"),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_API_BASE", &stripe.base_url),
    ])
    .await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[("budget", "75.35")]).await;
    apply(&app, order, &code).await;
    app.pay(order).await;
    let created = stripe.calls("POST", "/v1/payment_intents");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].field("amount"), Some("7035"));
    assert_eq!(
        created[0].field("metadata[discount_code]"),
        Some(code.as_str())
    );

    // Once payment has started the code is fixed: the amount Stripe holds must match the order.
    let (_, html) = app.page(&format!("/checkout/{order}")).await;
    assert!(html.contains("data-testid=\"code-locked\""));
    let r = app
        .submit(
            &format!("/checkout/{order}"),
            "/api/orders/remove-code",
            &[("order_id", &order.to_string())],
        )
        .await;
    app.follow(r).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        7035
    );

    // Another new customer's subscription gets a one-off coupon: only the first invoice is reduced.
    app.log_out().await;
    app.sign_up("bob@example.com", "Bob").await;
    let sub = app
        .place_order(&[("kind", "subscription"), ("budget", "60")])
        .await;
    apply(&app, sub, &code).await;
    app.pay(sub).await;
    let coupons = stripe.calls("POST", "/v1/coupons");
    assert_eq!(coupons.len(), 1);
    assert_eq!(coupons[0].field("amount_off"), Some("500"));
    assert_eq!(coupons[0].field("duration"), Some("once"));
    let subs = stripe.calls("POST", "/v1/subscriptions");
    assert_eq!(
        subs[0].field("items[0][price_data][unit_amount]"),
        Some("6000")
    );
    assert!(
        subs[0]
            .field("coupon")
            .is_some_and(|c| c.starts_with("coupon_"))
    );
}

#[tokio::test]
async fn step4_a_paid_order_records_the_code_use_and_a_pending_commission() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[("budget", "75.35")]).await;
    apply(&app, order, &code).await;
    app.pay(order).await;
    let (usages, discount): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(discount_cents), 0) AS BIGINT) FROM discount_usages",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((usages, discount), (1, 500));
    let rows = commissions(&app).await;
    assert_eq!(rows.len(), 1);
    // 5% of the $75.35 budget is 376.75 cents → 377 (half-to-even only matters at exactly .5).
    assert_eq!((rows[0].1, rows[0].2.as_str()), (377, "pending"));
    assert_eq!(
        app.scalar("SELECT referred_by_partner_id FROM users WHERE email = 'ann@example.com'")
            .await,
        partner_id(&app, "rosie@example.com").await
    );
}

#[tokio::test]
async fn step5_only_the_first_three_payments_earn_a_commission() {
    let app = TestApp::spawn().await;
    let order = referred_subscription(&app, "50.10").await;
    app.pay(order).await;
    app.log_out().await;
    app.make_admin("root@example.com").await;
    app.log_in("root@example.com", PASSWORD).await;
    for _ in 0..3 {
        let r = app
            .submit(
                &format!("/admin/orders/{order}"),
                "/api/admin/order/next-invoice",
                &[("order_id", &order.to_string())],
            )
            .await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "{}",
            r.status()
        );
    }
    assert_eq!(app.paid_count(order).await, 4);
    let rows = commissions(&app).await;
    assert_eq!(rows.len(), 3, "the 4th payment earns nothing: {rows:?}");
    // 5% of $50.10 = 250.5 cents → 250 (half to even).
    assert!(rows.iter().all(|r| r.1 == 250));
    // The discount was on the first invoice only: one usage, later invoices at full price.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_usages").await, 1);
    let amounts: Vec<i64> = sqlx::query_scalar("SELECT amount_cents FROM payments ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(amounts, vec![4510, 5010, 5010, 5010]);
}

#[tokio::test]
async fn step6_the_dashboard_shows_the_right_numbers() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    for (email, budget) in [("ann@example.com", "75.35"), ("bob@example.com", "120")] {
        app.sign_up(email, "Cust").await;
        let order = app.place_order(&[("budget", budget)]).await;
        apply(&app, order, &code).await;
        app.pay(order).await;
        app.log_out().await;
    }
    // One referred customer who has not paid yet.
    app.sign_up("cat@example.com", "Cat").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    app.log_out().await;
    sqlx::query("UPDATE commissions SET status = 'approved' WHERE amount_cents = 600")
        .execute(&app.pool)
        .await
        .unwrap();

    app.log_in("rosie@example.com", PASSWORD).await;
    let (path, html) = app.page("/partner/dashboard").await;
    assert_eq!(path, "/partner/dashboard");
    assert_eq!(testid_text(&html, "uses"), "2");
    assert_eq!(testid_text(&html, "customers"), "3");
    assert_eq!(testid_text(&html, "pending-total"), "$3.77");
    assert_eq!(testid_text(&html, "approved-total"), "$6.00");
    assert_eq!(testid_text(&html, "paid-total"), "$0.00");
    assert!(html.contains(&code));
    assert!(html.contains(&format!("/order?code={code}")), "share link");
    assert!(html.contains("<svg"), "earnings chart");
    assert!(!html.contains("Awaiting approval"));
    // Filtered table.
    let (_, pending) = app.page("/partner/dashboard?status=pending").await;
    assert_eq!(pending.matches("data-testid=\"commission\"").count(), 1);
    let (_, all) = app.page("/partner/dashboard").await;
    assert_eq!(all.matches("data-testid=\"commission\"").count(), 2);

    // The totals are cached per partner; a new payment must show at once.
    app.log_out().await;
    app.log_in("cat@example.com", PASSWORD).await;
    app.pay(order).await;
    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert_eq!(testid_text(&html, "uses"), "3");
    assert_eq!(testid_text(&html, "pending-total"), "$7.54");
    assert_eq!(html.matches("data-testid=\"commission\"").count(), 3);
}

#[tokio::test]
async fn own_pending_and_suspended_codes_are_refused_with_their_reason() {
    let app = TestApp::spawn().await;
    register_partner(&app, "rosie@example.com", "Rosie's Roses").await;
    let code = code_of(&app, "rosie@example.com").await;
    // The partner's own code, on the partner's own order.
    let order = app.place_order(&[]).await;
    let (_, html) = apply(&app, order, &code).await;
    assert!(html.contains("That is your own partner code"), "{html}");
    app.log_out().await;

    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    let (_, html) = apply(&app, order, &code).await;
    assert!(html.contains("is not active yet"), "pending: {html}");
    let (_, html) = apply(&app, order, "NO-SUCH-CODE").await;
    assert!(
        html.contains("We don&#x27;t know the code NO-SUCH-CODE")
            || html.contains("know the code NO-SUCH-CODE"),
        "{html}"
    );

    let id = partner_id(&app, "rosie@example.com").await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = apply(&app, order, &code).await;
    assert_eq!(testid_text(&html, "total"), "$70.35");
    // Suspending takes effect at once, even on an order that already has the code: paying re-checks it.
    sqlx::query("UPDATE partners SET status = 'suspended' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = app.follow(app.pay(order).await).await;
    assert!(html.contains("is paused"), "{html}");
    assert!(html.contains("the total is now $75.35"), "{html}");
    assert_eq!(app.paid_count(order).await, 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        7535
    );
    let (_, html) = apply(&app, order, &code).await;
    assert!(html.contains("is paused"), "{html}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_usages").await, 0);
}

#[tokio::test]
async fn the_discount_never_takes_a_charge_below_fifty_cents() {
    let app = TestApp::spawn_with(&[("ORDER_MIN_BUDGET", "0.50")]).await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[("budget", "3.20")]).await;
    let (_, html) = apply(&app, order, &code).await;
    assert_eq!(testid_text(&html, "discount"), "-$2.70");
    assert_eq!(testid_text(&html, "total"), "$0.50");
    app.pay(order).await;
    assert_eq!(app.scalar("SELECT amount_cents FROM payments").await, 50);
    assert_eq!(
        app.scalar("SELECT discount_cents FROM discount_usages")
            .await,
        270
    );
}

#[tokio::test]
async fn applying_twice_or_another_code_is_sensible_and_the_referrer_never_changes() {
    let app = TestApp::spawn().await;
    let rosie = approved_partner(&app).await;
    register_partner(&app, "ben@example.com", "Bloom & Co").await;
    app.log_out().await;
    let ben_id = partner_id(&app, "ben@example.com").await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(ben_id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE partners SET discount_cents = 1000 WHERE id = $1")
        .bind(ben_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let ben = code_of(&app, "ben@example.com").await;

    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &rosie).await;
    let (_, html) = apply(&app, order, &rosie).await;
    assert_eq!(
        testid_text(&html, "total"),
        "$70.35",
        "the same code twice discounts once"
    );
    let (_, html) = apply(&app, order, &ben).await;
    assert_eq!(
        testid_text(&html, "total"),
        "$65.35",
        "a second code replaces the first"
    );
    assert!(html.contains(&ben));
    // The first code applied decides the referrer, for good.
    let referrer = app
        .scalar("SELECT referred_by_partner_id FROM users WHERE email = 'ann@example.com'")
        .await;
    assert_eq!(referrer, partner_id(&app, "rosie@example.com").await);
    // Removing it restores the full price.
    let r = app
        .submit(
            &format!("/checkout/{order}"),
            "/api/orders/remove-code",
            &[("order_id", &order.to_string())],
        )
        .await;
    let (_, html) = app.follow(r).await;
    assert_eq!(testid_text(&html, "total"), "$75.35");
    assert_eq!(testid_text(&html, "discount"), "—");
    // Pay without a code: still Rosie's referral, so Rosie earns the commission.
    app.pay(order).await;
    let (partner, n): (i64, i64) =
        sqlx::query_as("SELECT partner_id, COUNT(*) FROM commissions GROUP BY partner_id")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (partner, n),
        (partner_id(&app, "rosie@example.com").await, 1)
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_usages").await, 0);
}

#[tokio::test]
async fn the_same_webhook_twice_or_concurrently_makes_one_commission() {
    let app = TestApp::spawn().await;
    let order = started_subscription(&app, "80").await;
    let body = event("evt_1", "invoice.payment_succeeded", invoice("in_1", 7500));
    let paid = event("evt_2", "invoice.paid", invoice("in_1", 7500));
    let mut deliveries = Vec::new();
    for _ in 0..10 {
        deliveries.push(app.webhook(&body, None));
    }
    deliveries.push(app.webhook(&paid, None));
    for r in futures::future::join_all(deliveries).await {
        assert!(r.status().is_success());
    }
    assert_eq!(commissions(&app).await.len(), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_usages").await, 1);
    assert_eq!(app.paid_count(order).await, 1);
}

#[tokio::test]
async fn concurrent_registrations_with_one_business_name_get_distinct_codes() {
    let app = TestApp::spawn().await;
    let mut attempts = Vec::new();
    let clients: Vec<_> = (0..8).map(|_| browser()).collect();
    for (i, client) in clients.iter().enumerate() {
        let email = format!("florist{i}@example.com");
        let body = crate::helpers::form_body(&[
            ("email", &email),
            ("password", PASSWORD),
            ("first_name", "Flo"),
            ("last_name", "Rist"),
            ("business_name", "Same Name Florist"),
            ("phone", ""),
            ("partner_type", "non_delivery"),
        ]);
        attempts.push(
            client
                .post(app.url("/api/partners/register"))
                .header("origin", &app.address)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "text/html")
                .body(body)
                .send(),
        );
    }
    for r in futures::future::join_all(attempts).await {
        assert_eq!(location_path(&r.unwrap()), "/partner/dashboard");
    }
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM discount_codes")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let distinct: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!((codes.len(), distinct.len()), (8, 8));
    assert!(codes.iter().all(|c| c.starts_with("same-name-florist-")));
}

#[tokio::test]
async fn admins_approve_suspend_and_review_commissions() {
    let app = TestApp::spawn().await;
    register_partner(&app, "rosie@example.com", "Rosie's Roses").await;
    app.log_out().await;
    let id = partner_id(&app, "rosie@example.com").await;
    let code = code_of(&app, "rosie@example.com").await;
    // Making an existing account an admin resets its password (the operator's recovery path),
    // which signs its sessions out; the admin logs in afresh.
    app.sign_up("root@example.com", "Root").await;
    app.make_admin("root@example.com").await;
    app.log_in("root@example.com", PASSWORD).await;

    // The list, filtered and searched.
    let (_, html) = app.page("/admin/partners?status=pending").await;
    assert!(html.contains("Rosie&#x27;s Roses") || html.contains("Rosie's Roses"));
    let (_, html) = app.page("/admin/partners?status=active").await;
    assert!(html.contains("No partners match"), "{html}");
    let (_, html) = app
        .page(&format!("/admin/partners?q={}", code.to_lowercase()))
        .await;
    assert!(html.contains(&code));

    let act = |action: &'static str| {
        let app = &app;
        async move {
            let r = app
                .submit(
                    &format!("/admin/partners/{id}"),
                    "/api/admin/partner/status",
                    &[("partner_id", &id.to_string()), ("action", action)],
                )
                .await;
            app.follow(r).await
        }
    };
    act("approve").await;
    assert_eq!(
        app.scalar_text("SELECT status FROM partners").await,
        "active"
    );
    act("suspend").await;
    assert_eq!(
        app.scalar_text("SELECT status FROM partners").await,
        "suspended"
    );
    let (_, html) = act("approve").await;
    assert!(
        html.contains("cannot be changed that way"),
        "approve is for pending partners: {html}"
    );
    act("reactivate").await;
    assert_eq!(
        app.scalar_text("SELECT status FROM partners").await,
        "active"
    );

    // Two referred payments → two pending commissions to review.
    app.log_out().await;
    for email in ["ann@example.com", "bob@example.com"] {
        app.sign_up(email, "Cust").await;
        let order = app.place_order(&[]).await;
        apply(&app, order, &code).await;
        app.pay(order).await;
        app.log_out().await;
    }
    app.log_in("root@example.com", PASSWORD).await;
    let (_, html) = app.page("/admin/commissions").await;
    assert_eq!(html.matches("data-testid=\"commission\"").count(), 2);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();

    // Rejecting needs a reason; without one nothing changes.
    let r = app
        .submit(
            "/admin/commissions",
            "/api/admin/commissions/reject",
            &[("commission_id", &ids[0].to_string()), ("reason", " ")],
        )
        .await;
    let (_, html) = app.follow(r).await;
    assert!(
        html.contains("Say why the commission is rejected"),
        "{html}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commissions WHERE status = 'pending'")
            .await,
        2
    );
    let r = app
        .submit(
            "/admin/commissions",
            "/api/admin/commissions/reject",
            &[
                ("commission_id", &ids[0].to_string()),
                ("reason", "Self-referral"),
            ],
        )
        .await;
    app.follow(r).await;
    // Bulk approve of the filtered (pending) list approves the rest, and only pending ones.
    let r = app
        .submit(
            "/admin/commissions",
            "/api/admin/commissions/approve",
            &[("partner_id", &id.to_string())],
        )
        .await;
    app.follow(r).await;
    let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(statuses, vec!["rejected", "approved"]);
    assert_eq!(
        app.scalar_text("SELECT note FROM commissions WHERE status = 'rejected'")
            .await,
        "Self-referral"
    );
    let (_, html) = app.page("/admin/commissions").await;
    assert!(html.contains("Nothing to review"), "{html}");

    // Customers and partners cannot reach the admin pages.
    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    assert_eq!(app.get("/admin/partners").await.status(), 404);
    assert_eq!(app.get("/admin/commissions").await.status(), 404);
}

#[tokio::test]
async fn invoices_settling_at_once_keep_every_delivery_and_only_three_commissions() {
    let app = TestApp::spawn().await;
    let order = started_subscription(&app, "80").await;
    // The first invoice carries the $5.00 discount; the five after it settle at the same moment.
    let first = event("evt_1", "invoice.payment_succeeded", invoice("in_1", 7500));
    assert!(app.webhook(&first, None).await.status().is_success());
    let bodies: Vec<String> = (2..=6)
        .map(|i| {
            event(
                &format!("evt_{i}"),
                "invoice.payment_succeeded",
                invoice(&format!("in_{i}"), 8000),
            )
        })
        .collect();
    let deliveries = bodies.iter().map(|b| app.webhook(b, None));
    for r in futures::future::join_all(deliveries).await {
        assert!(r.status().is_success());
    }
    assert_eq!(app.paid_count(order).await, 6);
    assert_eq!(
        app.delivery_count(order).await,
        6,
        "every paid invoice has its delivery"
    );
    assert_eq!(commissions(&app).await.len(), 3);
}

/// Stripe-backed app for the tests that need a payment to stay open.
pub(crate) async fn spawn_with_fake_stripe(stripe: &FakeStripe) -> TestApp {
    TestApp::spawn_with(&[
        ("STRIPE_SECRET_KEY", "sk_test_partner"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_partner"),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_API_BASE", &stripe.base_url),
    ])
    .await
}

#[tokio::test]
async fn the_first_order_discount_is_given_once_across_orders() {
    let stripe = FakeStripe::start();
    let app = spawn_with_fake_stripe(&stripe).await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let first = app.place_order(&[]).await;
    let second = app.place_order(&[]).await;
    apply(&app, first, &code).await;
    apply(&app, second, &code).await;
    // Payment starts on the first order: the second may no longer keep the discount.
    app.pay(first).await;
    let (_, html) = app.follow(app.pay(second).await).await;
    assert!(
        html.contains(&format!("already on order #{first}")),
        "{html}"
    );
    assert!(html.contains("the total is now $75.35"), "{html}");
    let amounts: Vec<String> = stripe
        .calls("POST", "/v1/payment_intents")
        .iter()
        .filter_map(|r| r.field("amount").map(str::to_owned))
        .collect();
    assert_eq!(
        amounts,
        vec!["7035"],
        "only the first order was sent with the discount"
    );
    let (_, html) = apply(&app, second, &code).await;
    assert!(html.contains(&format!("already on order #{first}")));
}

#[tokio::test]
async fn a_refund_takes_back_the_pending_commission() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    app.pay(order).await;
    assert_eq!(commissions(&app).await[0].2, "pending");
    let intent = app
        .scalar_text("SELECT stripe_payment_intent_id FROM payments")
        .await;
    let body = event(
        "evt_refund",
        "charge.refunded",
        json!({ "id": "ch_1", "object": "charge", "payment_intent": intent, "refunded": true }),
    );
    assert!(app.webhook(&body, None).await.status().is_success());
    assert_eq!(commissions(&app).await[0].2, "rejected");
    assert_eq!(
        app.scalar_text("SELECT note FROM commissions").await,
        "The payment was refunded"
    );
    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert_eq!(testid_text(&html, "pending-total"), "$0.00");
    assert_eq!(testid_text(&html, "rejected-total"), "$3.77");
}

/// The dashboard's totals are cached per partner under a version that every change bumps in its own
/// transaction, spread over several rows so that concurrent payments do not queue on one. Payments of
/// many referred customers settling at once must each count, whichever row they bumped.
#[tokio::test]
async fn payments_settling_at_once_all_show_on_the_cached_dashboard() {
    const CUSTOMERS: usize = 12;
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, before) = app.page("/partner/dashboard").await;
    assert_eq!(testid_text(&before, "uses"), "0");
    app.log_out().await;

    let mut events = Vec::new();
    for i in 0..CUSTOMERS {
        app.sign_up(&format!("c{i}@example.com"), "Cust").await;
        let order = app.place_order(&[("budget", "75.35")]).await;
        apply(&app, order, &code).await;
        let total = app
            .scalar(&format!(
                "SELECT total_cents FROM orders WHERE id = {order}"
            ))
            .await;
        app.open_intent(order, &format!("pi_at_once_{i}"), total)
            .await;
        events.push(event(
            &format!("evt_at_once_{i}"),
            "payment_intent.succeeded",
            json!({ "id": format!("pi_at_once_{i}"), "object": "payment_intent", "amount": total,
                    "amount_received": total, "currency": "usd", "invoice": null }),
        ));
        app.log_out().await;
    }
    let answers = futures::future::join_all(events.iter().map(|e| app.webhook(e, None))).await;
    for answer in answers {
        assert_eq!(answer.text().await.unwrap(), "processed");
    }

    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, after) = app.page("/partner/dashboard").await;
    assert_eq!(testid_text(&after, "uses"), CUSTOMERS.to_string());
    assert_eq!(testid_text(&after, "customers"), CUSTOMERS.to_string());
    // 5% of $75.35 is 377 cents, twelve times.
    assert_eq!(testid_text(&after, "pending-total"), "$45.24");
}
