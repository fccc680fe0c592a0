//! Mail throughput: N queued mails sent by the outbox sender through lettre's pooled SMTP
//! transport to a real SMTP listener on localhost, then checked: every mail arrived exactly once
//! and every row is `sent`.
//!
//! `cargo bench --bench mail` (SQLite) or add `--no-default-features --features postgres`.
//! Settings: `BENCH_MAILS` (default 10000), `BENCH_CONNECTIONS` (SMTP connections, default 8, as
//! `SMTP_CONNECTIONS`).

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../tests/api/smtp.rs"]
mod smtp;
#[allow(dead_code)]
mod support;

use app::server::db::emails::{self, NewEmail};
use app::server::services::outbox;
use helpers::TestApp;
use std::time::Instant;
use support::env_usize;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mails = env_usize("BENCH_MAILS", 10_000);
    let connections = u32::try_from(env_usize("BENCH_CONNECTIONS", 8)).unwrap_or(8);
    let app = TestApp::spawn_without_mail_sender().await;
    eprintln!("queueing {mails} mails…");
    let sample = app::server::mail::sample("order_confirmation", &app.address).expect("sample");
    let now = chrono::Utc::now();
    for chunk in (0..mails).collect::<Vec<_>>().chunks(1_000) {
        let mut tx = app.pool.begin().await.unwrap();
        for i in chunk {
            let mail = NewEmail {
                dedupe_key: format!("bench:{i}"),
                recipient: format!("customer{i}@example.com"),
                kind: sample.kind.to_owned(),
                subject: format!("{} ({i})", sample.subject),
                body_text: sample.text.clone(),
                body_html: sample.html.clone(),
            };
            emails::enqueue(&mut tx, &mail, now).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let mailer = futureflower::adapters::mail::mailer(
        Some(&app.smtp.url),
        connections,
        "FutureFlower <partners@futureflower.example>",
        "unused",
    )
    .unwrap();
    eprintln!("sending to {}…", mailer.describe());
    let started = Instant::now();
    let mut last_report = Instant::now();
    let summary = outbox::send_due(&app.pool, &mailer, chrono::Utc::now(), |so_far| {
        if last_report.elapsed().as_secs() >= 2 {
            eprintln!("  {} / {mails} sent", so_far.sent);
            last_report = Instant::now();
        }
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();

    let received = app.smtp.received();
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.header("Message-ID").unwrap_or_default())
        .collect();
    ids.sort();
    ids.dedup();
    let sent_rows = app
        .scalar("SELECT COUNT(*) FROM emails WHERE status = 'sent'")
        .await;
    let exactly_once = summary.sent as usize == mails
        && received.len() == mails
        && ids.len() == mails
        && sent_rows as usize == mails;
    println!(
        "mail ({}, {connections} SMTP connections): {mails} mails in {:.2} s = {:.0} mails/s; received {}, distinct {}, rows sent {}; exactly once: {}",
        app::server::db::BACKEND,
        elapsed.as_secs_f64(),
        mails as f64 / elapsed.as_secs_f64(),
        received.len(),
        ids.len(),
        sent_rows,
        if exactly_once { "yes" } else { "NO" }
    );
    if !exactly_once {
        std::process::exit(1);
    }
}
