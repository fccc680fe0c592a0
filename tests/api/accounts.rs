//! Sign-up, log-in and log-out as a customer experiences them.

use crate::helpers::{PASSWORD, TestApp, browser, location_path, session_cookie};
use reqwest::StatusCode;

#[tokio::test]
async fn sign_up_signs_in_and_greets_by_name() {
    let app = TestApp::spawn().await;
    let response = app.sign_up("ann@example.com", "Ann").await;
    assert!(
        session_cookie(&response).is_some_and(|c| !c.is_empty()),
        "sign-up sets a session"
    );
    let (path, html) = app.follow(response).await;
    assert_eq!(path, "/account");
    assert!(html.contains("Hello, Ann"), "{html}");
    assert!(html.contains("ann@example.com"));
    assert!(
        html.contains(r#"data-testid="viewer-name">Ann Tester<"#),
        "header shows the name"
    );
}

#[tokio::test]
async fn sign_up_shows_what_to_fix_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let response = app
        .submit(
            "/signup",
            "/api/account/signup",
            &[
                ("email", "not-an-email"),
                ("password", "short"),
                ("first_name", ""),
                ("last_name", "X"),
                ("next", ""),
            ],
        )
        .await;
    let (path, html) = app.follow(response).await;
    assert!(path.starts_with("/signup"), "back to the form: {path}");
    assert!(
        html.contains("Enter an email address like name@example.com."),
        "{html}"
    );
    assert!(html.contains("Use at least 10 characters for your password."));
    assert!(html.contains("Enter your first name."));
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn duplicate_email_in_any_case_gets_a_clear_error() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let other = TestApp {
        client: browser(),
        ..app
    };
    let response = other.sign_up("  ANN@Example.COM ", "Impostor").await;
    assert!(
        session_cookie(&response).is_none(),
        "no session for a failed sign-up"
    );
    let (path, html) = other.follow(response).await;
    assert!(path.starts_with("/signup"));
    assert!(
        html.contains("An account with this email already exists."),
        "{html}"
    );
    assert_eq!(other.user_count().await, 1);
}

#[tokio::test]
async fn log_in_with_any_letter_case_and_land_on_next() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let fresh = TestApp {
        client: browser(),
        ..app
    };
    let response = fresh
        .log_in_from(
            "/login?next=/account",
            "Ann@Example.com",
            PASSWORD,
            "/account",
        )
        .await;
    assert_eq!(location_path(&response), "/account");
    let (_, html) = fresh.follow(response).await;
    assert!(html.contains("Hello, Ann"));
}

#[tokio::test]
async fn a_share_link_survives_log_in() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let visitor = TestApp {
        client: browser(),
        ..app
    };
    // A partner's share link, opened by someone who is not signed in.
    let response = visitor.get("/order?code=SPRING5").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login = location_path(&response);
    assert_eq!(login, "/login?next=/order%3Fcode%3DSPRING5");
    let (_, html) = visitor.page(&login).await;
    assert!(
        html.contains(r#"value="/order?code=SPRING5""#),
        "the log-in form carries the whole link: {html}"
    );
    let response = visitor
        .log_in_from(&login, "ann@example.com", PASSWORD, "/order?code=SPRING5")
        .await;
    assert_eq!(location_path(&response), "/order?code=SPRING5");
}

#[tokio::test]
async fn wrong_password_is_refused_without_a_session() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let fresh = TestApp {
        client: browser(),
        ..app
    };
    for (email, password) in [
        ("ann@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
    ] {
        let response = fresh.log_in(email, password).await;
        assert!(session_cookie(&response).is_none());
        let (path, html) = fresh.follow(response).await;
        assert!(path.starts_with("/login"));
        assert!(
            html.contains("That email and password do not match an account."),
            "{html}"
        );
    }
    let (path, _) = fresh.page("/account").await;
    assert!(path.starts_with("/login"), "still signed out");
}

#[tokio::test]
async fn log_out_kills_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.sign_up("ann@example.com", "Ann").await).unwrap();
    let response = app.log_out().await;
    assert_eq!(
        session_cookie(&response).as_deref(),
        Some(""),
        "cookie cleared"
    );
    assert_eq!(location_path(&response), "/");

    // Replaying the old cookie (as a thief who copied it would) gets nowhere.
    let replay = browser()
        .get(app.url("/account"))
        .header(reqwest::header::COOKIE, format!("ff_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(location_path(&replay).starts_with("/login?next=/account"));
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn a_session_ended_by_another_server_ends_here_within_the_cache_time() {
    // Two servers share the database; this one reuses a session it read for SESSION_CACHE_SECONDS.
    let app = TestApp::spawn_with(&[("SESSION_CACHE_SECONDS", "1")]).await;
    app.sign_up("ann@example.com", "Ann").await;
    let (_, html) = app.page("/account").await;
    assert!(html.contains("Hello, Ann"), "{html}");
    // The other server signs Ann out: her row goes, this server is not told.
    let ended = sqlx::query("DELETE FROM sessions")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(ended.rows_affected(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (path, _) = app.page("/account").await;
    assert!(
        path.starts_with("/login?next=/account"),
        "signed out once the cached copy is older than the cache time: {path}"
    );
}

#[tokio::test]
async fn session_id_changes_on_log_in() {
    let app = TestApp::spawn().await;
    let first = session_cookie(&app.sign_up("ann@example.com", "Ann").await).unwrap();
    // Logging in again while holding a session (or a planted one) must issue a new id.
    let response = app.log_in("ann@example.com", PASSWORD).await;
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second);
    let old = browser()
        .get(app.url("/account"))
        .header(reqwest::header::COOKIE, format!("ff_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "the old id no longer signs anyone in"
    );
    let (_, html) = app.page("/account").await;
    assert!(html.contains("Hello, Ann"), "the new id does");
}

#[tokio::test]
async fn session_cookie_flags() {
    let app = TestApp::spawn().await;
    let response = app.sign_up("ann@example.com", "Ann").await;
    let set_cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(set_cookie.contains(flag), "{set_cookie} lacks {flag}");
    }
    let stored: String = sqlx::query_scalar("SELECT digest FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        !set_cookie.contains(&stored),
        "the database holds a digest, not the cookie value"
    );
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_device() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let laptop = app.client.clone();
    let phone = TestApp {
        client: browser(),
        ..app
    };
    session_cookie(&phone.log_in("ann@example.com", PASSWORD).await).expect("phone signed in");
    assert_eq!(phone.scalar("SELECT COUNT(*) FROM sessions").await, 2);
    // The laptop has just been used, so the server holds its session in memory too.
    let used = laptop.get(phone.url("/account")).send().await.unwrap();
    assert_eq!(used.status(), StatusCode::OK);
    let html = used.text().await.unwrap().replace("<!>", "");
    assert!(html.contains("Hello, Ann"), "{html}");
    let before = session_cookie(&phone.get("/account").await);

    let response = phone
        .submit(
            "/account",
            "/api/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    let renewed = session_cookie(&response).expect("the phone gets a new session id");
    assert_ne!(Some(renewed), before);
    let (path, html) = phone.follow(response).await;
    assert_eq!(path, "/account?password=changed");
    assert!(html.contains("Your password was changed."), "{html}");
    assert!(html.contains("Hello, Ann"), "the phone stays signed in");

    let stale = laptop.get(phone.url("/account")).send().await.unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::SEE_OTHER,
        "the laptop is signed out"
    );
    assert!(location_path(&stale).starts_with("/login?next=/account"));
    assert_eq!(
        phone.scalar("SELECT COUNT(*) FROM sessions").await,
        1,
        "only the phone's session is left"
    );
    let data = phone.scalar_text("SELECT data FROM sessions").await;
    assert!(
        !data.contains("argon2"),
        "no password hash in session data: {data}"
    );

    let fresh = TestApp {
        client: browser(),
        ..phone
    };
    assert!(
        session_cookie(&fresh.log_in("ann@example.com", PASSWORD).await).is_none(),
        "the old password no longer works"
    );
    assert!(
        session_cookie(
            &fresh
                .log_in("ann@example.com", "a brand new passphrase")
                .await
        )
        .is_some(),
        "the new one does"
    );
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let response = app
        .submit(
            "/account",
            "/api/account/password",
            &[
                ("current_password", "not my password"),
                ("new_password", "short"),
            ],
        )
        .await;
    let (path, html) = app.follow(response).await;
    assert!(path.starts_with("/account"), "{path}");
    assert!(
        html.contains("That is not your current password."),
        "{html}"
    );
    assert!(
        html.contains("Use at least 10 characters for your password."),
        "{html}"
    );
    assert!(!html.contains("Your password was changed."));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions").await,
        1,
        "still signed in"
    );
    let (_, html) = app.page("/account").await;
    assert!(html.contains("Hello, Ann"));
    let fresh = TestApp {
        client: browser(),
        ..app
    };
    assert!(session_cookie(&fresh.log_in("ann@example.com", PASSWORD).await).is_some());
}
