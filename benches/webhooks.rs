//! Webhook throughput: N signed `payment_intent.succeeded` events, each paying a real pending order
//! (so every event does the full work: verify, record, mark paid, activate, schedule 4 deliveries),
//! sent over HTTP with bounded concurrency to the real server.
//!
//! `cargo bench --bench webhooks` (SQLite) or add `--no-default-features --features postgres`.
//! Settings: `BENCH_EVENTS` (default 2000), `BENCH_CONCURRENCY` (default 16).

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../tests/api/smtp.rs"]
mod smtp;
#[allow(dead_code)]
mod support;

use futures::StreamExt as _;
use helpers::TestApp;
use std::time::{Duration, Instant};
use support::{env_usize, percentile};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let events = env_usize("BENCH_EVENTS", 2000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 16);
    let app = TestApp::spawn().await;
    app.sign_up("bench@example.com", "Bench").await;

    eprintln!("preparing {events} orders with open PaymentIntents…");
    let mut bodies = Vec::with_capacity(events);
    for i in 0..events {
        let order = app
            .place_order(&[
                ("kind", "upfront"),
                ("frequency", "quarterly"),
                ("years", "1"),
            ])
            .await;
        let intent = format!("pi_bench_{i}");
        app.open_intent(order, &intent, 4 * 7535).await;
        bodies.push(
            serde_json::json!({
                "id": format!("evt_bench_{i}"), "object": "event", "type": "payment_intent.succeeded",
                "data": { "object": { "id": intent, "object": "payment_intent", "amount": 4 * 7535, "amount_received": 4 * 7535, "currency": "usd", "invoice": null } }
            })
            .to_string(),
        );
        if (i + 1) % 500 == 0 {
            eprintln!("  {}/{events}", i + 1);
        }
    }

    eprintln!("sending {events} events, {concurrency} at a time…");
    let started = Instant::now();
    let app = &app;
    let mut latencies: Vec<Duration> = futures::stream::iter(bodies)
        .map(|body| async move {
            let t = Instant::now();
            let response = app.webhook(&body, None).await;
            assert!(response.status().is_success(), "{}", response.status());
            assert_eq!(response.text().await.unwrap(), "processed");
            t.elapsed()
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    latencies.sort();

    let scheduled = app.scalar("SELECT COUNT(*) FROM events").await;
    assert_eq!(
        scheduled,
        4 * events as i64,
        "every event scheduled its deliveries exactly once"
    );
    println!(
        "webhooks [{}]: {events} events in {:.2} s = {:.0} events/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (concurrency {concurrency})",
        app::server::db::BACKEND,
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
    );
}
