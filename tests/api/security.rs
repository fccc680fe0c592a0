//! Cross-origin refusal, rate limits, headers and health.

use crate::helpers::{TestApp, form_body, session_cookie};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ORIGIN};

#[tokio::test]
async fn cross_origin_post_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let body = form_body(&[
        ("email", "ann@example.com"),
        ("password", "correct horse battery"),
        ("first_name", "Ann"),
        ("last_name", "Lee"),
    ]);
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = app
            .client
            .post(app.url("/api/account/signup"))
            .header(name, value)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(session_cookie(&response).is_none());
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("came from another website")
        );
    }
    assert_eq!(app.user_count().await, 0);

    // Logging out is a mutation too: a cross-site page cannot sign a user out.
    let cookie = session_cookie(&app.sign_up("ann@example.com", "Ann").await).unwrap();
    let forged = app
        .client
        .post(app.url("/api/account/logout"))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "session {cookie} survives");
}

#[tokio::test]
async fn repeated_failed_logins_hit_the_rate_limit() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    for _ in 0..10 {
        let (_, html) = app
            .follow(app.log_in("ann@example.com", "wrong password!").await)
            .await;
        assert!(html.contains("do not match"));
    }
    // Even the right password is refused while the limit holds: guessing cannot continue.
    let response = app
        .log_in("ann@example.com", crate::helpers::PASSWORD)
        .await;
    assert!(session_cookie(&response).is_none());
    let (_, html) = app.follow(response).await;
    assert!(html.contains("Too many attempts. Please wait"), "{html}");
}

#[tokio::test]
async fn sign_up_rate_limit_per_client() {
    let app = TestApp::spawn().await;
    for i in 0..20 {
        let response = app.sign_up(&format!("user{i}@example.com"), "Ann").await;
        assert!(session_cookie(&response).is_some(), "sign-up {i} allowed");
    }
    let (_, html) = app
        .follow(app.sign_up("one-too-many@example.com", "Ann").await)
        .await;
    assert!(html.contains("Too many attempts"), "{html}");
    assert_eq!(app.user_count().await, 20);
}

#[tokio::test]
async fn pages_carry_security_headers_with_a_fresh_nonce() {
    let app = TestApp::spawn().await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = app.get("/").await;
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h.contains_key("x-request-id"));
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
            "{csp}"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("nonce in CSP")
            .to_owned();
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "scripts carry the CSP nonce"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a new nonce per response");
}

#[tokio::test]
async fn health_and_not_found() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app::server::db::BACKEND);

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("We could not find that page")
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(100 * 1024);
    let response = app
        .submit(
            "/signup",
            "/api/account/signup",
            &[
                ("email", &huge),
                ("password", "p"),
                ("first_name", "a"),
                ("last_name", "b"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn the_hydrated_app_gets_real_status_codes() {
    let app = TestApp::spawn().await;
    let call = |path: &'static str, body: String| {
        app.client
            .post(app.url(path))
            .header(ORIGIN, &app.address)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let wrong = call(
        "/api/account/login",
        form_body(&[("email", "ann@example.com"), ("password", "nope nope nope")]),
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let invalid = call(
        "/api/account/signup",
        form_body(&[
            ("email", "x"),
            ("password", "y"),
            ("first_name", "A"),
            ("last_name", "B"),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = invalid.json().await.unwrap();
    assert_eq!(body["Invalid"][0]["field"], "email", "{body}");
    let anonymous = call("/api/admin/overview", String::new()).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

/// A server-function call as the hydrated app makes it (JSON answer, real status code).
async fn fetch(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    ip: Option<&str>,
) -> (StatusCode, String) {
    let mut request = app
        .client
        .post(app.url(path))
        .header(ORIGIN, &app.address)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(fields));
    if let Some(ip) = ip {
        request = request.header("x-forwarded-for", ip);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn logins_are_limited_per_address_across_emails_and_per_account_across_addresses() {
    let app = TestApp::spawn_with(&[("TRUST_PROXY", "true")]).await;
    let login = |email: String, ip: String| {
        let app = &app;
        async move {
            fetch(
                app,
                "/api/account/login",
                &[("email", &email), ("password", "wrong password!")],
                Some(&ip),
            )
            .await
            .0
        }
    };
    // One address trying many accounts: 30 tries, then refused whatever the email.
    for i in 0..30 {
        let status = login(format!("u{i}@example.com"), "203.0.113.7".into()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "try {i}");
    }
    // The bucket refills one try per 30 s: allow for a slow machine by looking a few tries ahead.
    let mut refused = false;
    for i in 0..3 {
        let status = login(format!("new{i}@example.com"), "203.0.113.7".into()).await;
        refused |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "the 31st try from one address is refused");
    // Many addresses trying one account: 10 tries, then refused even from a fresh address.
    for i in 0..10 {
        let status = login("ann@example.com".into(), format!("198.51.100.{i}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "address {i}");
    }
    let status = login(" ANN@example.com".into(), "198.51.100.200".into()).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the same account, normalised"
    );
    // Another account from another address is unaffected.
    let status = login("bob@example.com".into(), "192.0.2.1".into()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn discount_code_checks_are_limited_per_customer_and_per_address() {
    let mut app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    for i in 0..15 {
        let (status, _) = fetch(
            &app,
            "/api/partners/check-code",
            &[("code", &format!("GUESS-{i}"))],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    let (status, body) = fetch(
        &app,
        "/api/partners/check-code",
        &[("code", "GUESS-X")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // A second and third account from the same address share the address's allowance (40).
    let mut refused = false;
    for user in ["bob", "cy"] {
        app.client = crate::helpers::browser();
        app.sign_up(&format!("{user}@example.com"), "Guesser").await;
        for i in 0..15 {
            let (status, _) = fetch(
                &app,
                "/api/partners/check-code",
                &[("code", &format!("G-{user}-{i}"))],
                None,
            )
            .await;
            refused |= status == StatusCode::TOO_MANY_REQUESTS;
        }
    }
    assert!(
        refused,
        "the address's limit stops a guesser with several accounts"
    );
}

#[tokio::test]
async fn expired_sessions_are_deleted_by_the_maintenance_pass() {
    let app = TestApp::spawn_with(&[("MAINTENANCE_INTERVAL_SECS", "1")]).await;
    app.sign_up("ann@example.com", "Ann").await;
    let user = app.scalar("SELECT id FROM users").await;
    let now = chrono::Utc::now();
    sqlx::query("INSERT INTO sessions (digest, user_id, created_at, expires_at) VALUES ('expired', $1, $2, $3)")
        .bind(user)
        .bind(now - chrono::Duration::days(15))
        .bind(now - chrono::Duration::days(1))
        .execute(&app.pool)
        .await
        .unwrap();
    let mut gone = false;
    for _ in 0..50 {
        if app
            .scalar("SELECT COUNT(*) FROM sessions WHERE digest = 'expired'")
            .await
            == 0
        {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "the expired session was deleted");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions").await,
        1,
        "the live one stays"
    );
    let (_, html) = app.page("/account").await;
    assert!(html.contains("ann@example.com"), "still signed in");
}

#[tokio::test]
async fn unreadable_requests_get_our_words_never_the_parsers() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let (status, body) = fetch(&app, "/api/orders/pay", &[("order_id", "12abc")], None).await;
    assert!(
        status.is_client_error() || status.is_server_error(),
        "{status}"
    );
    assert!(
        body.contains("sent incomplete or in an unexpected format"),
        "{body}"
    );
    assert!(body.contains("reference"), "{body}");
    for detail in ["invalid digit", "ParseIntError", "order_id"] {
        assert!(!body.contains(detail), "{detail} leaked: {body}");
    }
}
