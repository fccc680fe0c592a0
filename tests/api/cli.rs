//! The operator commands, run as the real binary.

use crate::helpers::{PASSWORD, TestApp, TestDb, browser, location_path};
use std::io::Write as _;
use std::process::{Command, Stdio};

fn futureflower(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    futureflower_in(dir.path(), db, args, stdin)
}

/// Runs the binary in `dir` (where its default `data/mail` is).
pub(crate) fn futureflower_in(
    dir: &std::path::Path,
    db: &TestDb,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_futureflower"))
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run futureflower");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin_and_the_admin_can_log_in() {
    let app = TestApp::spawn().await;
    let out = futureflower(
        &app.db,
        &["admin", "create", "--email", "Root@Example.com"],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created admin root@example.com"));
    let response = app.log_in("root@example.com", PASSWORD).await;
    assert_eq!(location_path(&response), "/admin");
    assert_eq!(app.get("/admin").await.status(), 200);
}

#[tokio::test]
async fn admin_create_rejects_a_weak_password_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let out = futureflower(
        &app.db,
        &["admin", "create", "--email", "root@example.com"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password: Use at least 10 characters"));
    assert_eq!(app.user_count().await, 0);
}

#[tokio::test]
async fn seed_demo_fills_an_empty_database_once() {
    let app = TestApp::spawn().await;
    let out = futureflower(&app.db, &["seed-demo"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let password = stdout
        .split("password for every account: ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .expect("the demo password is printed")
        .to_owned();
    let seeded = app.user_count().await;
    assert!(seeded >= 5);

    let again = futureflower(&app.db, &["seed-demo"], "");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already has accounts"));
    assert_eq!(app.user_count().await, seeded, "a second run adds nothing");

    let admin = TestApp {
        client: browser(),
        ..app
    };
    let response = admin.log_in("admin@example.com", &password).await;
    assert_eq!(
        location_path(&response),
        "/admin",
        "the printed admin login works"
    );
}

#[tokio::test]
async fn malformed_setting_stops_start_up_with_one_clear_line() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_futureflower"))
        .arg("migrate")
        .current_dir(dir.path())
        .env("DATABASE_URL", &db.url)
        .env("BUSINESS_TIME_ZONE", "Mars/Olympus_Mons")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("BUSINESS_TIME_ZONE") && stderr.contains("IANA time zone"));
}

#[tokio::test]
async fn dev_next_invoice_adds_one_paid_delivery_to_a_subscription() {
    let app = TestApp::spawn().await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app
        .place_order(&[("kind", "subscription"), ("frequency", "fortnightly")])
        .await;
    let id = order.to_string();
    // The test app's webhook secret, so the CLI's simulator signs events the same way.
    let run = |args: Vec<String>| {
        let dir = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_futureflower"))
            .args(args)
            .current_dir(dir.path())
            .env("DATABASE_URL", &app.db.url)
            .env("STRIPE_WEBHOOK_SECRET", crate::helpers::WEBHOOK_SECRET)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let unpaid = run(vec![
        "dev".into(),
        "next-invoice".into(),
        "--order".into(),
        id.clone(),
    ]);
    assert!(!unpaid.status.success());
    assert!(String::from_utf8_lossy(&unpaid.stderr).contains("pay for it first"));

    app.pay(order).await;
    let out = run(vec![
        "dev".into(),
        "next-invoice".into(),
        "--order".into(),
        id.clone(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("processed"));
    assert_eq!(app.delivery_count(order).await, 2);
    assert_eq!(app.paid_count(order).await, 2);
    let dates = app.delivery_dates(order).await;
    assert_eq!((dates[1] - dates[0]).num_days(), 14);
}

#[tokio::test]
async fn jobs_send_emails_writes_due_mail_as_eml_files_and_reports_what_failed() {
    use app::server::db::emails::{self, NewEmail};
    let app = TestApp::spawn_without_mail_sender().await;
    let mut conn = app.pool.acquire().await.unwrap();
    for (key, to) in [
        ("a", "ann@example.com"),
        ("b", "bob@example.com"),
        ("c", "not an address"),
    ] {
        let mail = NewEmail {
            dedupe_key: key.to_owned(),
            recipient: to.to_owned(),
            kind: "order_confirmation".to_owned(),
            subject: format!("Order {key}"),
            body_text: "Thank you.".to_owned(),
            body_html: "<p>Thank you.</p>".to_owned(),
        };
        emails::enqueue(&mut conn, &mail, chrono::Utc::now())
            .await
            .unwrap();
    }
    drop(conn);
    let dir = tempfile::tempdir().unwrap();
    let out = futureflower_in(dir.path(), &app.db, &["jobs", "send-emails"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("3 mail(s) due; sending to .eml files in data/mail"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 sent, 0 queued again for a retry, 1 failed"),
        "{stdout}"
    );
    assert!(stderr.contains("3/3 handled"), "a progress line: {stderr}");
    assert!(!out.status.success(), "a failed mail makes the job fail");
    assert!(stderr.contains("1 mail(s) failed for good; see /admin/emails"));
    let files: Vec<String> = std::fs::read_dir(dir.path().join("data/mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for who in ["ann", "bob"] {
        let part = format!("-order_confirmation-{who}@example.com-");
        assert!(files.iter().any(|f| f.contains(&part)), "{files:?}");
    }

    // Run again: nothing is due, nothing is sent twice.
    let again = futureflower_in(dir.path(), &app.db, &["jobs", "send-emails"], "");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 mail(s) due"));
    assert_eq!(
        std::fs::read_dir(dir.path().join("data/mail"))
            .unwrap()
            .count(),
        2
    );
}
