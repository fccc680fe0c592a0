//! Forgot password (issue 11): the emailed link, received by a real SMTP listener, works once and
//! for an hour; an unknown email gets the same answer and no mail; a reset ends every session.

use crate::helpers::{PASSWORD, TestApp, browser, form_body, location_path};
use reqwest::header::{ACCEPT, CONTENT_TYPE, ORIGIN, REFERRER_POLICY};

const NEW_PASSWORD: &str = "a brand new sentence";

/// Posts the reset form as a browser on the link's page does: no Referer (the page forbids it).
async fn post_reset(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/account/reset-password"))
        .header(ORIGIN, &app.address)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("token", token),
            ("new_password", new_password),
        ]))
        .send()
        .await
        .unwrap()
}

async fn ask_for_link(app: &TestApp, email: &str) -> reqwest::Response {
    app.submit(
        "/forgot-password",
        "/api/account/forgot-password",
        &[("email", email)],
    )
    .await
}

/// Signs up Ana, logs out, asks for a link and returns its path (`/reset-password/<token>`).
async fn link_for_ana(app: &TestApp) -> String {
    app.sign_up("ana@example.com", "Ana").await;
    app.log_out().await;
    let answer = ask_for_link(app, "ana@example.com").await;
    assert_eq!(location_path(&answer), "/forgot-password?sent=1");
    let mail = app.smtp.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["ana@example.com"]);
    assert_eq!(mail.subject(), "Reset your FutureFlower password");
    let link = mail.link("/reset-password/").expect("a reset link");
    link.strip_prefix(&app.address).unwrap().to_owned()
}

#[tokio::test]
async fn the_emailed_link_sets_a_new_password_once_signs_in_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let path = link_for_ana(&app).await;
    // Ana is still logged in on her phone.
    let phone = browser();
    let logged_in = phone
        .post(app.url("/api/account/login"))
        .header(ORIGIN, &app.address)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("email", "ana@example.com"),
            ("password", PASSWORD),
            ("next", ""),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(location_path(&logged_in), "/account");

    let page = app.get(&path).await;
    assert_eq!(page.headers()[REFERRER_POLICY], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"new_password\""), "the form is shown");

    let token = path.rsplit('/').next().unwrap();
    let done = post_reset(&app, token, NEW_PASSWORD).await;
    assert_eq!(location_path(&done), "/account?password=reset");
    let (_, account) = app.page("/account?password=reset").await;
    assert!(account.contains("Your new password is set and you are logged in"));

    // The phone's session ended; the old password no longer works, the new one does.
    let phone_account = phone.get(app.url("/account")).send().await.unwrap();
    assert!(location_path(&phone_account).starts_with("/login"));
    app.log_out().await;
    let old = app.log_in("ana@example.com", PASSWORD).await;
    assert!(
        location_path(&old).contains("__err"),
        "the old password fails"
    );
    let new = app.log_in("ana@example.com", NEW_PASSWORD).await;
    assert_eq!(location_path(&new), "/account");

    // The link is spent.
    let (_, again) = app.page(&path).await;
    assert!(again.contains("This link was already used"));
    let reuse = post_reset(&app, token, "yet another sentence").await;
    assert!(location_path(&reuse).starts_with(&format!("{path}?__path=")));
    app.log_out().await;
    assert_eq!(
        location_path(&app.log_in("ana@example.com", NEW_PASSWORD).await),
        "/account",
        "a spent link changes nothing"
    );
}

#[tokio::test]
async fn a_weak_password_keeps_the_form_and_the_link() {
    let app = TestApp::spawn().await;
    let path = link_for_ana(&app).await;
    let token = path.rsplit('/').next().unwrap();
    let weak = post_reset(&app, token, "short").await;
    let back = location_path(&weak);
    assert!(back.starts_with(&format!("{path}?__path=")), "{back}");
    let (_, html) = app.page(&back).await;
    assert!(html.contains("At least 10 characters") && html.contains("aria-invalid=\"true\""));
    assert_eq!(
        location_path(&post_reset(&app, token, NEW_PASSWORD).await),
        "/account?password=reset"
    );
}

#[tokio::test]
async fn an_expired_link_says_so_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let path = link_for_ana(&app).await;
    sqlx::query("UPDATE password_resets SET expires_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(1))
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = app.page(&path).await;
    assert!(html.contains("This link has expired"));
    assert!(!html.contains("name=\"new_password\""));
    let token = path.rsplit('/').next().unwrap();
    post_reset(&app, token, NEW_PASSWORD).await;
    assert_eq!(
        location_path(&app.log_in("ana@example.com", PASSWORD).await),
        "/account",
        "the password is unchanged"
    );
    let (_, unknown) = app.page("/reset-password/not-a-real-token").await;
    assert!(unknown.contains("This link is not valid"));
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_in_the_same_time_and_no_mail() {
    let app = TestApp::spawn().await;
    app.sign_up("ana@example.com", "Ana").await;
    app.log_out().await;
    let floor = app::server::services::password_reset::ANSWER_FLOOR;
    let started = std::time::Instant::now();
    let unknown = ask_for_link(&app, "nobody@example.com").await;
    let unknown_took = started.elapsed();
    let started = std::time::Instant::now();
    let known = ask_for_link(&app, "ana@example.com").await;
    let known_took = started.elapsed();
    assert_eq!(unknown.status(), known.status());
    assert_eq!(location_path(&unknown), location_path(&known));
    assert!(
        unknown_took >= floor && known_took >= floor,
        "{unknown_took:?} {known_took:?}"
    );
    let mails = app.smtp.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.received().len(), 1);
    assert_eq!(mails[0].to, ["ana@example.com"]);
    assert!(app.smtp.to("nobody@example.com").is_empty());
    let (_, page) = app.page("/forgot-password?sent=1").await;
    assert!(page.contains("If an account has that email"));
}

#[tokio::test]
async fn the_reset_token_is_stored_only_as_a_digest() {
    let app = TestApp::spawn().await;
    let path = link_for_ana(&app).await;
    let token = path.rsplit('/').next().unwrap();
    let stored = app
        .scalar_text("SELECT token_hash FROM password_resets")
        .await;
    assert_ne!(stored, token);
    assert_eq!(stored, app::server::token::digest(token));
}

#[tokio::test]
async fn asking_for_links_is_rate_limited_per_email() {
    let app = TestApp::spawn().await;
    let mut last = None;
    for _ in 0..4 {
        last = Some(ask_for_link(&app, "ana@example.com").await);
    }
    let last = last.unwrap();
    assert!(
        location_path(&last).contains("__err"),
        "the fourth request in a row is refused"
    );
}
