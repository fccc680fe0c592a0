//! The mail sender against a real SMTP listener (issue 11): temporary and permanent refusals, a
//! dropped connection, two senders over one database, and `.eml` files when no server is set.

use crate::helpers::TestApp;
use crate::smtp::{Answer, SmtpServer};
use app::server::db::emails::{self, NewEmail};
use app::server::ports::Mailer;
use app::server::services::outbox::{self, MAX_ATTEMPTS, Summary};
use chrono::{Duration, Utc};
use std::sync::Arc;

const FROM: &str = "FutureFlower <partners@futureflower.example>";

fn mail(key: &str, to: &str) -> NewEmail {
    NewEmail {
        dedupe_key: key.to_owned(),
        recipient: to.to_owned(),
        kind: "partner_approved".to_owned(),
        subject: format!("Mail {key}"),
        body_text: format!("Hello, this is {key}."),
        body_html: format!("<p>Hello, this is {key}.</p>"),
    }
}

fn smtp_mailer(smtp: &SmtpServer) -> Arc<dyn Mailer> {
    futureflower::adapters::mail::mailer(Some(&smtp.url), 8, FROM, "unused").unwrap()
}

async fn queue(app: &TestApp, keys: &[&str]) {
    let mut conn = app.pool.acquire().await.unwrap();
    for key in keys {
        emails::enqueue(&mut conn, &mail(key, "rosie@example.com"), Utc::now())
            .await
            .unwrap();
    }
}

/// One sender pass at `at` over the app's database.
async fn pass(app: &TestApp, mailer: &Arc<dyn Mailer>, at: chrono::DateTime<Utc>) -> Summary {
    outbox::send_due(&app.pool, mailer, at, |_| {})
        .await
        .unwrap()
}

async fn row(app: &TestApp, key: &str) -> (String, i64, Option<String>) {
    sqlx::query_as(
        "SELECT status, CAST(attempts AS BIGINT), last_error FROM emails WHERE dedupe_key = $1",
    )
    .bind(key)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_451_is_retried_later_and_the_mail_arrives_once() {
    let app = TestApp::spawn_without_mail_sender().await;
    let mailer = smtp_mailer(&app.smtp);
    queue(&app, &["busy"]).await;
    app.smtp.script(&[Answer::TryLater]);
    let now = Utc::now();

    let first = pass(&app, &mailer, now).await;
    assert_eq!(
        first,
        Summary {
            retried: 1,
            ..Summary::default()
        }
    );
    let (status, attempts, error) = row(&app, "busy").await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(
        error.unwrap().contains("451"),
        "the server's answer is kept"
    );
    assert!(app.smtp.received().is_empty());

    // Not due again straight away: the retry waits its backoff.
    let again = pass(&app, &mailer, now).await;
    assert_eq!(again.handled(), 0);

    let later = now + Duration::minutes(2);
    let second = pass(&app, &mailer, later).await;
    assert_eq!(
        second,
        Summary {
            sent: 1,
            ..Summary::default()
        }
    );
    let received = app.smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].subject(), "Mail busy");
    assert_eq!(row(&app, "busy").await, ("sent".to_owned(), 2, None));
    // Nothing is ever sent twice.
    let much_later = now + Duration::days(2);
    assert_eq!(pass(&app, &mailer, much_later).await.handled(), 0);
    assert_eq!(app.smtp.received().len(), 1);
}

#[tokio::test]
async fn a_550_fails_at_once_with_the_reason_and_is_not_retried() {
    let app = TestApp::spawn_without_mail_sender().await;
    let mailer = smtp_mailer(&app.smtp);
    queue(&app, &["nobody", "somebody"]).await;
    app.smtp.script(&[Answer::NoMailbox]);
    let now = Utc::now();
    let summary = pass(&app, &mailer, now).await;
    assert_eq!(
        summary,
        Summary {
            sent: 1,
            failed: 1,
            ..Summary::default()
        }
    );
    // Which of the two got the 550 depends on which was sent first: find the failed one.
    let failed: String = app
        .scalar_text("SELECT dedupe_key FROM emails WHERE status = 'failed'")
        .await;
    let (_, attempts, error) = row(&app, &failed).await;
    assert_eq!(attempts, 1);
    let error = error.unwrap();
    assert!(
        error.contains("550") && error.contains("no such mailbox"),
        "{error}"
    );
    let much_later = now + Duration::days(2);
    assert_eq!(pass(&app, &mailer, much_later).await.handled(), 0);
    assert_eq!(
        app.smtp.refused(),
        1,
        "no second try after a permanent refusal"
    );
    assert_eq!(app.smtp.received().len(), 1);
}

#[tokio::test]
async fn a_connection_dropped_mid_data_is_retried_and_the_mail_arrives_once() {
    let app = TestApp::spawn_without_mail_sender().await;
    let mailer = smtp_mailer(&app.smtp);
    queue(&app, &["dropped"]).await;
    app.smtp.script(&[Answer::DropMidData]);
    let now = Utc::now();
    let first = pass(&app, &mailer, now).await;
    assert_eq!(first.retried, 1);
    assert!(app.smtp.received().is_empty());
    let later = now + Duration::minutes(2);
    let second = pass(&app, &mailer, later).await;
    assert_eq!(second.sent, 1);
    let received = app.smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].subject(), "Mail dropped");
}

#[tokio::test]
async fn transient_failures_stop_after_the_last_attempt() {
    let app = TestApp::spawn_without_mail_sender().await;
    let mailer = smtp_mailer(&app.smtp);
    queue(&app, &["always-busy"]).await;
    app.smtp.script(&[Answer::TryLater; MAX_ATTEMPTS as usize]);
    let mut at = Utc::now();
    for _ in 0..MAX_ATTEMPTS {
        pass(&app, &mailer, at).await;
        at += Duration::hours(3);
    }
    let (status, attempts, error) = row(&app, "always-busy").await;
    assert_eq!(
        (status.as_str(), attempts),
        ("failed", i64::from(MAX_ATTEMPTS))
    );
    assert!(error.unwrap().contains("451"));
    assert_eq!(pass(&app, &mailer, at).await.handled(), 0);
    assert_eq!(app.smtp.refused(), MAX_ATTEMPTS as usize);
}

#[tokio::test]
async fn two_sender_loops_over_one_database_send_each_mail_once() {
    let app = TestApp::spawn_without_mail_sender().await;
    let keys: Vec<String> = (0..300).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    queue(&app, &refs).await;
    // Two instances: separate pools and separate SMTP connection pools.
    let other_pool = app::server::db::connect(&app.db.url).await.unwrap();
    let (a, b) = (smtp_mailer(&app.smtp), smtp_mailer(&app.smtp));
    let now = Utc::now();
    let (one, two) = tokio::join!(
        tokio::spawn({
            let pool = app.pool.clone();
            async move { outbox::send_due(&pool, &a, now, |_| {}).await.unwrap() }
        }),
        tokio::spawn(async move {
            outbox::send_due(&other_pool, &b, now, |_| {})
                .await
                .unwrap()
        })
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.sent + two.sent, 300, "{one:?} {two:?}");
    let mut ids: Vec<String> = app
        .smtp
        .received()
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), 300);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 300, "no mail arrived twice");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM emails WHERE status = 'sent'")
            .await,
        300
    );
}

#[tokio::test]
async fn without_an_smtp_server_mail_is_written_as_eml_files_named_for_kind_and_recipient() {
    let app = TestApp::spawn_without_mail_sender().await;
    let dir = tempfile::tempdir().unwrap();
    let mailer =
        futureflower::adapters::mail::mailer(None, 8, FROM, &dir.path().display().to_string())
            .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    emails::enqueue(&mut conn, &mail("file", "ana@example.com"), Utc::now())
        .await
        .unwrap();
    drop(conn);
    let summary = pass(&app, &mailer, Utc::now()).await;
    assert_eq!(summary.sent, 1);
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].ends_with("-partner_approved-ana@example.com-1.eml"),
        "{}",
        files[0]
    );
    let eml = std::fs::read_to_string(dir.path().join(&files[0])).unwrap();
    assert!(eml.contains("Subject: Mail file"));
    assert!(eml.contains("To: ana@example.com"));
    assert!(eml.contains("Hello, this is file.") && eml.contains("<p>Hello, this is file.</p>"));
}

#[tokio::test]
async fn a_partner_gets_the_application_mail_and_then_the_approval_with_code_and_share_link() {
    let app = TestApp::spawn().await;
    app.submit(
        "/partner/register",
        "/api/partners/register",
        &[
            ("email", "rosie@example.com"),
            ("password", crate::helpers::PASSWORD),
            ("first_name", "Rosie"),
            ("last_name", "Reed"),
            ("business_name", "Rosie's Roses"),
            ("phone", ""),
            ("partner_type", "non_delivery"),
        ],
    )
    .await;
    let received = app.smtp.wait_for(1).await;
    assert_eq!(received[0].to, ["rosie@example.com"]);
    assert_eq!(
        received[0].subject(),
        "We received your FutureFlower partner application"
    );
    assert!(
        received[0].data.contains("Hello Rosie,"),
        "{}",
        received[0].data
    );
    app.log_out().await;

    let code = crate::partners::code_of(&app, "rosie@example.com").await;
    let partner = crate::partners::partner_id(&app, "rosie@example.com").await;
    app.make_admin("ada@example.com").await;
    app.log_in("ada@example.com", crate::helpers::PASSWORD)
        .await;
    let approve = |action: &'static str| {
        let id = partner.to_string();
        let app = &app;
        async move {
            app.submit(
                &format!("/admin/partners/{id}"),
                "/api/admin/partner/status",
                &[("partner_id", &id), ("action", action)],
            )
            .await
        }
    };
    approve("approve").await;
    // A second click changes nothing and sends nothing.
    approve("approve").await;
    let received = app.smtp.wait_for(2).await;
    let approved = received
        .iter()
        .find(|m| m.subject().ends_with("is now a FutureFlower partner"))
        .unwrap();
    assert_eq!(
        approved.subject(),
        "Rosie's Roses is now a FutureFlower partner"
    );
    assert!(approved.data.contains(&code), "the code is in the mail");
    assert_eq!(
        approved.link("/order?code="),
        Some(format!("{}/order?code={code}", app.address))
    );

    approve("suspend").await;
    let received = app.smtp.wait_for(3).await;
    assert_eq!(
        received[2].subject(),
        "Your FutureFlower partnership is paused"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.received().len(), 3, "one mail per change");
}

/// Polls until the outbox has a mail in `status` (the server's sender works in the background).
async fn wait_for_status(app: &TestApp, status: &str) {
    for _ in 0..100 {
        let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM emails WHERE status = '{status}'"
            ))
            .await;
        if n > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail became {status}");
}

#[tokio::test]
async fn the_admin_outbox_shows_a_failed_mail_with_its_reason_and_sends_it_again_once() {
    let app = TestApp::spawn().await;
    app.smtp.script(&[Answer::NoMailbox]);
    app.sign_up("ann@example.com", "Ann").await;
    app.log_out().await;
    app.submit(
        "/forgot-password",
        "/api/account/forgot-password",
        &[("email", "ann@example.com")],
    )
    .await;
    wait_for_status(&app, "failed").await;
    app.make_admin("ada@example.com").await;
    app.log_in("ada@example.com", crate::helpers::PASSWORD)
        .await;

    let (_, home) = app.page("/admin").await;
    assert_eq!(
        crate::helpers::testid_text(&home, "emails-failed"),
        "1 failed mail"
    );
    let (_, html) = app.page("/admin/emails?status=failed").await;
    assert!(html.contains("Reset your FutureFlower password"));
    assert!(
        html.contains("550 5.1.1 no such mailbox here") || html.contains("no such mailbox"),
        "{html}"
    );
    assert_eq!(crate::helpers::testid_text(&html, "email-status"), "Failed");
    let failed = app
        .scalar("SELECT id FROM emails WHERE status = 'failed'")
        .await;

    let failed_id = failed.to_string();
    let again = || async {
        app.submit(
            "/admin/emails?status=failed",
            "/api/admin/emails/resend",
            &[
                ("email_id", &failed_id),
                ("back", "/admin/emails?status=failed"),
            ],
        )
        .await
    };
    assert_eq!(
        crate::helpers::location_path(&again().await),
        "/admin/emails?status=failed"
    );
    let received = app.smtp.wait_for(1).await;
    assert_eq!(received[0].to, ["ann@example.com"]);
    // A second click finds the copy already made.
    again().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM emails").await, 2);
    assert_eq!(
        app.scalar_text(&format!("SELECT status FROM emails WHERE id = {failed}"))
            .await,
        "failed",
        "the failed mail is kept as it was"
    );
    let (_, html) = app.page("/admin/emails?kind=password_reset").await;
    assert!(
        html.contains(&format!("Sent again as #{}", failed + 1)),
        "{html}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.received().len(), 1);

    // A mail that did not fail cannot be sent again.
    let sent = app
        .scalar("SELECT id FROM emails WHERE status = 'sent'")
        .await;
    let refused = app
        .submit(
            "/admin/emails",
            "/api/admin/emails/resend",
            &[("email_id", &sent.to_string()), ("back", "")],
        )
        .await;
    assert!(crate::helpers::location_path(&refused).contains("__err"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM emails").await, 2);
}

#[tokio::test]
async fn admins_preview_every_template_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let kinds = app::server::mail::KINDS;
    for (kind, _) in kinds {
        assert_eq!(
            app.get(&format!("/admin/emails/preview/{kind}/html"))
                .await
                .status(),
            reqwest::StatusCode::NOT_FOUND,
            "customers do not see previews"
        );
    }
    app.log_out().await;
    app.make_admin("ada@example.com").await;
    app.log_in("ada@example.com", crate::helpers::PASSWORD)
        .await;
    for (kind, label) in kinds {
        let (_, page) = app.page(&format!("/admin/emails/preview/{kind}")).await;
        assert!(page.contains(&format!("Preview: {label}")), "{kind}");
        assert!(page.contains("Hello "), "{kind}: the text part is shown");
        let html = app.get(&format!("/admin/emails/preview/{kind}/html")).await;
        assert_eq!(html.status(), reqwest::StatusCode::OK);
        let policy = html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("sandbox") && policy.contains("default-src 'none'"));
        assert!(html.text().await.unwrap().contains("style=\""));
    }
    assert_eq!(
        app.get("/admin/emails/preview/no_such_kind/html")
            .await
            .status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let (_, empty) = app.page("/admin/emails?status=failed").await;
    assert!(empty.contains("No mail matches these filters."));
}
