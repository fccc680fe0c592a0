//! Admin pages are for admins only.

use crate::helpers::{PASSWORD, TestApp, location_path};
use reqwest::StatusCode;

#[tokio::test]
async fn visitors_are_sent_to_log_in_and_back() {
    let app = TestApp::spawn().await;
    let response = app.get("/admin").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location_path(&response), "/login?next=/admin");
}

#[tokio::test]
async fn customers_get_not_found() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let response = app.get("/admin").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("We could not find that page"));
    assert!(!html.contains("Newest accounts"));
    // The data behind the page refuses too, not only the page: asked as the hydrated app asks,
    // the first answer is a 404 that carries no admin data.
    let api = app
        .client
        .post(app.url("/api/admin/overview"))
        .header(reqwest::header::ORIGIN, &app.address)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let body = api.text().await.unwrap();
    assert!(body.contains("NotFound"), "{body}");
    assert!(!body.contains("recent_users"), "{body}");
}

#[tokio::test]
async fn admins_see_the_admin_home_with_counts() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    app.make_admin("boss@example.com").await;
    let admin = TestApp {
        client: crate::helpers::browser(),
        ..app
    };
    let response = admin.log_in("boss@example.com", PASSWORD).await;
    assert_eq!(
        location_path(&response),
        "/admin",
        "admins land on the admin home"
    );
    let (_, html) = admin.page("/admin").await;
    assert!(html.contains("Newest accounts"), "{html}");
    assert!(html.contains("ann@example.com"));
    assert!(html.contains(">Admin<"), "header links to admin");
}

#[tokio::test]
async fn admins_filter_orders_and_produce_a_test_invoice() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let paid = app
        .place_order(&[("kind", "subscription"), ("frequency", "monthly")])
        .await;
    app.pay(paid).await;
    let unpaid = app.place_order(&[]).await;
    // Customers cannot see the admin pages.
    assert_eq!(
        app.get("/admin/orders").await.status(),
        StatusCode::NOT_FOUND
    );

    app.make_admin("boss@example.com").await;
    let admin = TestApp {
        client: crate::helpers::browser(),
        ..app
    };
    admin.log_in("boss@example.com", PASSWORD).await;
    let (_, all) = admin.page("/admin/orders").await;
    assert_eq!(all.matches(r#"data-testid="admin-order""#).count(), 2);
    assert!(all.contains("Page 1 of 1 · 2 orders"));
    let (_, active) = admin.page("/admin/orders?status=active").await;
    assert_eq!(active.matches(r#"data-testid="admin-order""#).count(), 1);
    assert!(
        active.contains(&format!("/admin/orders/{paid}"))
            && !active.contains(&format!("/admin/orders/{unpaid}\""))
    );
    // A hand-edited filter or page number shows something sensible rather than an error.
    let (_, odd) = admin.page("/admin/orders?status=bogus&page=99").await;
    assert!(odd.contains("Page 1 of 1 · 2 orders"), "{odd}");

    let (_, detail) = admin.page(&format!("/admin/orders/{paid}")).await;
    assert!(detail.contains("Produce next invoice"));
    assert!(detail.contains("ann@example.com"));
    let response = admin
        .submit(
            &format!("/admin/orders/{paid}"),
            "/api/admin/order/next-invoice",
            &[("order_id", &paid.to_string())],
        )
        .await;
    let (_, after) = admin.follow(response).await;
    assert!(after.contains("Deliveries: 2 upcoming"), "{after}");
    assert_eq!(admin.paid_count(paid).await, 2);
    assert_eq!(
        admin.get("/admin/orders/999999").await.status(),
        StatusCode::NOT_FOUND
    );
}
