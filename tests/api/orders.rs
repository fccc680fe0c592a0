//! A customer orders flowers and pays in test mode (the offline simulator → signed webhook).

use crate::helpers::{TestApp, testid_text};
use reqwest::StatusCode;

#[tokio::test]
async fn each_kind_of_order_is_paid_and_its_deliveries_appear() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;

    let single = app.place_order(&[("kind", "single_delivery")]).await;
    let upfront = app
        .place_order(&[
            ("kind", "upfront"),
            ("frequency", "monthly"),
            ("years", "2"),
        ])
        .await;
    let subscription = app
        .place_order(&[("kind", "subscription"), ("frequency", "weekly")])
        .await;

    let (_, checkout) = app.page(&format!("/checkout/{upfront}")).await;
    assert!(checkout.contains("Test mode."), "the simulator is bannered");
    assert_eq!(
        testid_text(&checkout, "subtotal"),
        "$1,808.40",
        "24 × $75.35"
    );
    assert_eq!(testid_text(&checkout, "total"), "$1,808.40");
    assert_eq!(
        testid_text(&checkout, "discount"),
        "—",
        "no discount line yet"
    );
    assert!(checkout.contains("24 deliveries, paid now"));

    for id in [single, upfront, subscription] {
        let (path, html) = app.follow(app.pay(id).await).await;
        assert_eq!(path, format!("/orders?paid={id}"));
        assert!(html.contains("Payment received"), "{html}");
    }

    let (_, html) = app.page("/orders").await;
    assert_eq!(html.matches(r#"data-testid="order""#).count(), 3);
    assert!(html.contains("Prepaid plan: every month for 2 years"));
    assert!(
        html.contains("and 18 more"),
        "24 scheduled, 6 listed: {html}"
    );
    assert!(html.contains("Subscription: every week"));
    assert!(!html.contains("Awaiting payment"));

    assert_eq!(app.delivery_count(single).await, 1);
    assert_eq!(app.delivery_count(upfront).await, 24);
    assert_eq!(app.delivery_count(subscription).await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE status = 'succeeded'")
            .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'active'")
            .await,
        3
    );
}

#[tokio::test]
async fn upfront_totals_are_exact_for_every_frequency() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    for (frequency, per_year) in [
        ("weekly", 52),
        ("fortnightly", 26),
        ("monthly", 12),
        ("quarterly", 4),
        ("bi_annually", 2),
        ("annually", 1),
    ] {
        let id = app
            .place_order(&[
                ("kind", "upfront"),
                ("frequency", frequency),
                ("years", "3"),
                ("budget", "75.35"),
            ])
            .await;
        app.pay(id).await;
        let deliveries = per_year * 3;
        let paid = app
            .scalar(&format!(
                "SELECT amount_cents FROM payments WHERE order_id = {id} AND status = 'succeeded'"
            ))
            .await;
        assert_eq!(paid, 7535 * deliveries, "{frequency}: cents never drift");
        assert_eq!(app.delivery_count(id).await, deliveries, "{frequency}");
    }
}

#[tokio::test]
async fn a_bad_order_says_what_to_fix_and_saves_nothing() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let form = [
        ("kind", "upfront"),
        ("budget", "12"),
        ("frequency", "hourly"),
        ("years", "1"),
        ("first_delivery_date", "2020-01-01"),
        ("recipient_name", ""),
        ("street_address", "12"),
        ("suburb", "Newtown"),
        ("city", "Sydney"),
        ("state", ""),
        ("postcode", "2042"),
        ("country", "FR"),
        ("delivery_notes", ""),
        ("message", ""),
    ];
    let (path, html) = app
        .follow(app.submit("/order", "/api/orders/create", &form).await)
        .await;
    assert!(path.starts_with("/order"), "{path}");
    for message in [
        "Choose a budget between 50.00 and 500.00 per delivery.",
        "Choose how often the flowers should arrive.",
        "Florists need 2 days' notice",
        "Enter the recipient's name.",
        "Enter the full street address, like 12 Rose Lane.",
        "Choose a country we deliver to.",
    ] {
        assert!(html.contains(message), "missing {message:?} in {html}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);
}

#[tokio::test]
async fn orders_are_private_and_paid_once() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let id = app.place_order(&[]).await;
    app.pay(id).await;
    // Paying again (a double click, a back button) charges nothing more.
    let (_, html) = app.follow(app.pay(id).await).await;
    assert!(
        html.contains("This order is <strong>Paid</strong>"),
        "{html}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);

    let other = TestApp {
        client: crate::helpers::browser(),
        ..app
    };
    other.sign_up("bob@example.com", "Bob").await;
    assert_eq!(
        other.get(&format!("/checkout/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, html) = other.follow(other.pay(id).await).await;
    assert!(html.contains("We could not find that page"), "{html}");
    let (_, mine) = other.page("/orders").await;
    assert!(mine.contains("No orders yet"));
}

#[tokio::test]
async fn ordering_needs_an_account() {
    let app = TestApp::spawn().await;
    let response = app.get("/order").await;
    assert_eq!(
        crate::helpers::location_path(&response),
        "/login?next=/order"
    );
}
