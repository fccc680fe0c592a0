//! Light pages: only pages that hold an island load the wasm bundle, islands answer without a
//! reload, and what a new customer, partner or admin stumbled on (issue 10) stays fixed.

use crate::helpers::{PASSWORD, TestApp, browser, form_body, location_path, testid_text};
use crate::partners::{apply, approved_partner};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ORIGIN};

/// The page asks for Leptos' island loader (and so the js glue and the wasm).
fn loads_wasm(html: &str) -> bool {
    html.contains(".wasm") || html.contains("hydrateIslands")
}

/// Registers Pat's Posies (pat@example.com), a partner awaiting approval, signed in.
async fn register_pat(app: &TestApp) {
    app.submit(
        "/partner/register",
        "/api/partners/register",
        &[
            ("email", "pat@example.com"),
            ("password", PASSWORD),
            ("first_name", "Pat"),
            ("last_name", "Pending"),
            ("business_name", "Pat's Posies"),
            ("phone", ""),
            ("partner_type", "non_delivery"),
        ],
    )
    .await;
}

#[tokio::test]
async fn pages_without_islands_load_no_wasm() {
    let app = TestApp::spawn().await;
    for path in ["/", "/signup", "/login", "/partner/register"] {
        let (_, html) = app.page(path).await;
        assert!(!html.contains("<leptos-island"), "{path} has no island");
        assert!(!loads_wasm(&html), "{path} loads no wasm: {html}");
        assert!(
            html.contains("/pkg/futureflower"),
            "{path} has its stylesheet"
        );
    }
    app.sign_up("ann@example.com", "Ann").await;
    for path in ["/order", "/orders", "/account"] {
        let (_, html) = app.page(path).await;
        assert!(!loads_wasm(&html), "{path} loads no wasm");
    }
    app.make_admin("ada@example.com").await;
    app.log_out().await;
    app.log_in("ada@example.com", PASSWORD).await;
    for path in [
        "/admin",
        "/admin/orders",
        "/admin/partners",
        "/admin/commissions",
        "/admin/settings",
    ] {
        let (_, html) = app.page(path).await;
        assert!(!loads_wasm(&html), "{path} loads no wasm");
    }
}

#[tokio::test]
async fn checkout_and_dashboard_load_the_island_bundle_once() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    let (_, html) = app.page(&format!("/checkout/{order}")).await;
    assert!(html.contains("<leptos-island"), "the code box is an island");
    assert_eq!(
        html.matches("hydrateIslands(document.body").count(),
        1,
        "{html}"
    );
    let loader = html.find("hydrateIslands(document.body").unwrap();
    assert!(
        loader < html.find("<leptos-island").unwrap(),
        "the loader comes first"
    );
    assert!(html.contains(r#"rel="modulepreload""#));
    apply(&app, order, &code).await;

    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(
        html.contains("<leptos-island"),
        "the copy buttons are an island"
    );
    assert_eq!(html.matches("hydrateIslands(document.body").count(), 1);
}

/// The island applies and removes a code by fetch: the answer is the new totals, not a redirect,
/// so the page updates in place. The same endpoints still redirect a plain form post.
#[tokio::test]
async fn the_code_box_gets_new_totals_without_a_reload() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[("budget", "75")]).await;
    let call = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.client
                .post(app.url(path))
                .header(ORIGIN, &app.address)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form_body(&fields))
                .send()
                .await
                .unwrap()
        }
    };
    let id = order.to_string();
    let applied = call(
        "/api/orders/apply-code",
        vec![("order_id", id.clone()), ("code", code.to_lowercase())],
    )
    .await;
    assert_eq!(applied.status(), StatusCode::OK);
    assert!(
        applied.headers().get("serverfnredirect").is_none(),
        "no reload"
    );
    let totals: serde_json::Value = applied.json().await.unwrap();
    assert_eq!(totals["total"], "$70.00");
    assert_eq!(totals["discount"], "-$5.00");
    assert_eq!(totals["code"]["code"], code);

    let wrong = call(
        "/api/orders/apply-code",
        vec![("order_id", id.clone()), ("code", "NOT-A-CODE".to_owned())],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar(&format!(
            "SELECT total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        7000
    );

    let removed = call("/api/orders/remove-code", vec![("order_id", id)]).await;
    let totals: serde_json::Value = removed.json().await.unwrap();
    assert_eq!(totals["total"], "$75.00");
    assert!(totals["code"].is_null());
    assert_eq!(
        app.scalar(&format!(
            "SELECT total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        7500
    );

    // Without JavaScript: the same apply redirects back to checkout, which shows the code.
    let (path, html) = apply(&app, order, &code).await;
    assert_eq!(path, format!("/checkout/{order}"));
    assert_eq!(testid_text(&html, "total"), "$70.00");
}

#[tokio::test]
async fn a_share_link_survives_sign_up_from_the_log_in_page() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    let visitor = TestApp {
        client: browser(),
        ..app
    };
    let share = format!("/order?code={code}");
    let response = visitor.get(&share).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a redirect to log in"
    );
    let login = location_path(&response);
    let (_, html) = visitor.page(&login).await;
    // "Create an account" keeps where the visitor was going.
    let signup = format!("/signup?next=%2Forder%3Fcode%3D{code}");
    let signup_link = format!(r#"href="/signup?next=/order%3Fcode%3D{code}""#);
    assert!(html.contains(&signup_link), "{signup_link} in {html}");
    let (_, html) = visitor.page(&signup).await;
    assert!(html.contains(&format!(r#"value="{share}""#)), "{html}");
    let response = visitor
        .submit(
            &signup,
            "/api/account/signup",
            &[
                ("email", "new@example.com"),
                ("password", PASSWORD),
                ("first_name", "Nia"),
                ("last_name", "New"),
                ("next", &share),
            ],
        )
        .await;
    let (path, html) = visitor.follow(response).await;
    assert_eq!(path, share, "the customer arrives at the order form");
    assert!(
        html.contains(&format!(r#"name="code" value="{code}""#)),
        "with the code ready: {html}"
    );
    // The order carries the code to checkout, where it waits to be applied.
    let order = visitor.place_order(&[("code", &code)]).await;
    let (_, html) = visitor
        .page(&format!("/checkout/{order}?code={code}"))
        .await;
    assert!(html.contains(&format!(r#"value="{code}""#)), "{html}");
}

#[tokio::test]
async fn the_order_form_offers_every_choice_without_javascript() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let (_, html) = app.page("/order").await;
    for field in [r#"name="frequency""#, r#"name="years""#, r#"name="kind""#] {
        assert!(html.contains(field), "{field}");
    }
    // Nothing is hidden by the server: CSS hides what the chosen kind does not use.
    assert!(!html.contains(r#"class="hidden""#), "{html}");
    assert!(
        html.contains(r#"inputmode="decimal""#),
        "a decimal keypad for the budget"
    );
    assert!(html.contains("Budget per delivery (USD)"));
    // The address starts in the country of the shop's currency (USD by default).
    assert!(html.contains(r#"<option value="US" selected"#), "{html}");

    // A prepaid plan chosen without JavaScript gets the frequency and years chosen.
    let order = app
        .place_order(&[
            ("kind", "upfront"),
            ("frequency", "quarterly"),
            ("years", "2"),
            ("budget", "60.50"),
        ])
        .await;
    let (_, html) = app.page(&format!("/checkout/{order}")).await;
    assert!(html.contains("every three months for 2 years"), "{html}");
    assert_eq!(testid_text(&html, "total"), "$484.00");
    assert!(
        html.contains(r#"href="/order""#),
        "a way back to change the order"
    );
}

#[tokio::test]
async fn the_admin_home_leads_to_what_waits_for_review() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    // A second partner, still pending.
    register_pat(&app).await;
    app.log_out().await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    app.follow(app.pay(order).await).await;
    app.log_out().await;
    app.make_admin("ada@example.com").await;
    app.log_in("ada@example.com", PASSWORD).await;
    let (_, html) = app.page("/admin").await;
    assert_eq!(
        testid_text(&html, "partners-waiting"),
        "1 partner to review"
    );
    assert_eq!(
        testid_text(&html, "commissions-waiting"),
        "1 commission to review"
    );
    assert_eq!(testid_text(&html, "payments-waiting"), "Nothing waiting");
    assert!(html.contains(r#"href="/admin/partners?status=pending""#));
    assert!(html.contains(r#"href="/admin/commissions?status=pending""#));
    assert!(html.contains(r#"href="/admin/settings""#));

    // The commission names the customer's order, not our payment id; "1 commission".
    let (_, html) = app.page("/admin/commissions").await;
    assert!(html.contains(&format!("Order #{order} · $70.35")), "{html}");
    assert!(
        html.contains("· 1 commission<") || html.contains("· 1 commission\""),
        "{html}"
    );

    // Approve and suspend ask first; "Approve all pending" shows only with something pending.
    let rosie = crate::partners::partner_id(&app, "rosie@example.com").await;
    let (_, html) = app.page(&format!("/admin/partners/{rosie}")).await;
    assert!(html.contains("<details"), "suspend asks for confirmation");
    assert!(html.contains("Yes, suspend"));
    assert!(html.contains("Approve all pending"));
    let pat = crate::partners::partner_id(&app, "pat@example.com").await;
    let (_, html) = app.page(&format!("/admin/partners/{pat}")).await;
    assert!(html.contains("Yes, approve"));
    assert!(
        !html.contains("Approve all pending"),
        "nothing pending: {html}"
    );
}

#[tokio::test]
async fn a_pending_partner_has_no_share_link_yet() {
    let app = TestApp::spawn().await;
    register_pat(&app).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(
        testid_text(&html, "partner-code").starts_with("PAT-S-POSIES-"),
        "{html}"
    );
    assert!(!html.contains(r#"data-testid="share-link""#), "{html}");
    assert!(!html.contains("Copy share link"));
}

#[tokio::test]
async fn a_paid_one_off_delivery_is_paid_not_active() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    app.follow(app.pay(order).await).await;
    let (_, html) = app.page("/orders").await;
    assert!(html.contains(">Paid</span>"), "{html}");
    assert!(!html.contains(">Active</span>"), "{html}");
}

#[tokio::test]
async fn the_florist_link_opens_the_form_as_a_delivery_florist() {
    let app = TestApp::spawn().await;
    let (_, home) = app.page("/").await;
    assert!(home.contains(r#"href="/partner/register?type=delivery""#));
    let (_, html) = app.page("/partner/register?type=delivery").await;
    assert!(
        html.contains(r#"<option value="delivery" selected"#),
        "{html}"
    );
    let (_, html) = app.page("/partner/register").await;
    assert!(
        html.contains(r#"<option value="non_delivery" selected"#),
        "{html}"
    );
}

/// `/pkg` files go out as the brotli (or gzip) file the release build wrote beside them, so the
/// server compresses nothing per request. (Without `hash.txt`, as here, names are not hashed, so
/// browsers must revalidate; hashed names get a year-long immutable cache.)
#[tokio::test]
async fn site_files_are_served_precompressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("futureflower.css"), "body{color:red}").unwrap();
    std::fs::write(pkg.join("futureflower.css.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("futureflower.css.gz"), b"gzip bytes").unwrap();
    let root = site.path().display().to_string();
    let app = TestApp::spawn_with(&[("LEPTOS_SITE_ROOT", &root)]).await;
    let get = |encoding: &'static str| {
        app.client
            .get(app.url("/pkg/futureflower.css"))
            .header(reqwest::header::ACCEPT_ENCODING, encoding)
            .send()
    };
    let br = get("gzip, deflate, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["cache-control"], "no-cache");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let gz = get("gzip").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().await.unwrap().as_ref(), b"gzip bytes");
    let plain = get("identity").await.unwrap();
    assert_eq!(plain.text().await.unwrap(), "body{color:red}");
    assert_eq!(
        app.get("/pkg/missing.js").await.status(),
        StatusCode::NOT_FOUND
    );
}
