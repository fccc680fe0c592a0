//! Partner program load: discount-code checks, and the pages of a partner with 10,000 commissions
//! (dashboard, ledger, this year's results), over HTTP against the real server (full SSR pages, as
//! a browser gets them).
//!
//! `cargo bench --bench partners` (SQLite) or add `--no-default-features --features postgres`.
//! Settings: `BENCH_COMMISSIONS` (default 10000), `BENCH_REQUESTS` (default 2000 per scenario),
//! `BENCH_CONCURRENCY` (default 16).

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../tests/api/smtp.rs"]
mod smtp;
#[allow(dead_code)]
mod support;

use futures::StreamExt as _;
use helpers::{PASSWORD, TestApp, browser, form_body};
use std::time::{Duration, Instant};
use support::{env_usize, percentile};

fn report(name: &str, latencies: &mut [Duration], elapsed: Duration, concurrency: usize) {
    latencies.sort();
    println!(
        "{name} [{}]: {} requests in {:.2} s = {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (concurrency {concurrency})",
        app::server::db::BACKEND,
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(latencies, 0.50).as_secs_f64() * 1e3,
        percentile(latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let commissions = env_usize("BENCH_COMMISSIONS", 10_000);
    let requests = env_usize("BENCH_REQUESTS", 2000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 16);
    let app = TestApp::spawn().await;

    // The partner, approved, signed in on its own client.
    let partner = browser();
    let registered = partner
        .post(app.url("/api/partners/register"))
        .header("origin", &app.address)
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("email", "rosie@example.com"),
            ("password", PASSWORD),
            ("first_name", "Rosie"),
            ("last_name", "Reed"),
            ("business_name", "Rosie's Roses"),
            ("phone", ""),
            ("partner_type", "non_delivery"),
        ]))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_redirection());
    sqlx::query("UPDATE partners SET status = 'active'")
        .execute(&app.pool)
        .await
        .unwrap();
    let code = app
        .scalar_text("SELECT code FROM discount_codes")
        .await
        .to_uppercase();

    // One referred customer with `commissions` paid payments, each with a code use and a
    // commission, spread over the last 12 months in every status.
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    let (user, partner_id, code_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM users WHERE email = 'ann@example.com'), (SELECT id FROM partners), (SELECT id FROM discount_codes)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    eprintln!("inserting {commissions} payments, code uses and commissions…");
    let now = chrono::Utc::now();
    let mut tx = app.pool.begin().await.unwrap();
    for i in 0..commissions {
        let at = now - chrono::Duration::minutes((i as i64 * 52) % (365 * 24 * 60));
        let payment: i64 = sqlx::query_scalar(
            "INSERT INTO payments (user_id, order_id, stripe_payment_intent_id, amount_cents, currency, status, created_at, updated_at)
             VALUES ($1, $2, $3, 7035, 'USD', 'succeeded', $4, $4) RETURNING id",
        )
        .bind(user)
        .bind(order)
        .bind(format!("pi_bench_{i}"))
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("INSERT INTO discount_usages (discount_code_id, user_id, payment_id, discount_cents, created_at) VALUES ($1, $2, $3, 500, $4)")
            .bind(code_id)
            .bind(user)
            .bind(payment)
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
        let status = ["pending", "approved", "paid", "rejected"][i % 4];
        sqlx::query(
            "INSERT INTO commissions (partner_id, payment_id, commission_type, amount_cents, status, note, created_at, updated_at)
             VALUES ($1, $2, 'referral', 377, $3, $4, $5, $5)",
        )
        .bind(partner_id)
        .bind(payment)
        .bind(status)
        .bind(if status == "rejected" { "bench" } else { "" })
        .bind(at)
        .execute(&mut *tx)
        .await
        .unwrap();
        if (i + 1) % 2500 == 0 {
            eprintln!("  {}/{commissions}", i + 1);
        }
    }
    tx.commit().await.unwrap();

    // A customer with no paid order checks the code (the hydrated checkout's call).
    app.log_out().await;
    app.sign_up("new@example.com", "New").await;
    let check = |client: &reqwest::Client| {
        client
            .post(app.url("/api/partners/check-code"))
            .header("origin", &app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            // As the hydrated app's server-function client asks (a plain form post gets a redirect).
            .header("accept", "application/json")
            .body(format!("code={code}"))
            .send()
    };
    let first = check(&app.client).await.unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    eprintln!("checking the code {requests} times, {concurrency} at a time…");
    let started = Instant::now();
    let client = &app.client;
    let mut latencies: Vec<Duration> = futures::stream::iter(0..requests)
        .map(|_| async move {
            let t = Instant::now();
            let r = check(client).await.unwrap();
            assert!(r.status().is_success());
            r.bytes().await.unwrap();
            t.elapsed()
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    report("code check", &mut latencies, started.elapsed(), concurrency);

    // The dashboard: the whole server-rendered page.
    let page = partner
        .get(app.url("/partner/dashboard"))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("{commissions} commissions")),
        "dashboard shows every commission"
    );
    let pages = [
        (
            "/partner/dashboard",
            format!("dashboard ({commissions} commissions)"),
        ),
        // The ledger's running balance covers every movement before the page shown.
        (
            "/partner/ledger",
            format!("ledger, first page ({commissions} commissions)"),
        ),
        (
            "/partner/metrics?period=year",
            format!("results, this year ({commissions} commissions)"),
        ),
    ];
    for (path, name) in pages {
        let (mut latencies, elapsed) = load_page(&partner, &app, path, requests, concurrency).await;
        report(&name, &mut latencies, elapsed, concurrency);
    }
}

/// Gets a whole server-rendered page `requests` times, `concurrency` at a time; each latency and
/// the time they took together.
async fn load_page(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    requests: usize,
    concurrency: usize,
) -> (Vec<Duration>, Duration) {
    eprintln!("rendering {path} {requests} times, {concurrency} at a time…");
    let started = Instant::now();
    let latencies = futures::stream::iter(0..requests)
        .map(|_| async move {
            let t = Instant::now();
            let r = client.get(app.url(path)).send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await.unwrap();
            t.elapsed()
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    (latencies, started.elapsed())
}
