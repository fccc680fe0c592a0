//! The delivery-notifications job over many scheduled events: every event is due an offer (the
//! worst case: one request, one link and one mail each), spread over 40 suburbs covered by 60
//! florists, with a few suburbs nobody covers. Prints the run's time, the peak Rust heap it added
//! and the process's peak resident set growth (which also counts SQLite's page caches and memory
//! map, C memory that grows with the database file up to their caps), for each size, so "memory
//! flat as events grow" can be read off.
//!
//! `cargo bench --bench delivery` (SQLite) or add `--no-default-features --features postgres`.
//! Settings: `BENCH_EVENTS` (comma-separated sizes, default `25000,100000`).

#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../tests/api/smtp.rs"]
mod smtp;
#[allow(dead_code)]
mod support;

use app::server::services::delivery_job::{Run, run};
use helpers::TestApp;
use peak_alloc::PeakAlloc;
use std::time::Instant;
use support::{peak_kib, reset_peak};

/// Counts this process's Rust heap, so the run's peak can be read apart from SQLite's page cache
/// and memory map (C memory, which grows with the database file up to their configured caps).
#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const SUBURBS: i64 = 40;
const FLORISTS: i64 = 60;

async fn fill(app: &TestApp, events: i64) {
    let now = chrono::Utc::now();
    let date = now.date_naive() + chrono::Days::new(10);
    let exec = |sql: String| {
        let pool = app.pool.clone();
        async move { sqlx::query(&sql).execute(&pool).await.unwrap() }
    };
    // Florists (users + partners + areas): florist f covers suburbs f % SUBURBS and (f + 7) % SUBURBS.
    // Suburbs 38 and 39 are covered by nobody.
    for f in 0..FLORISTS {
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, first_name, last_name, created_at, updated_at)
             VALUES ($1, 'x', 'Flo', 'Rist', $2, $2) RETURNING id",
        )
        .bind(format!("florist{f}@example.com"))
        .bind(now)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let partner: i64 = sqlx::query_scalar(
            "INSERT INTO partners (user_id, partner_type, status, business_name, booking_slug, created_at, updated_at)
             VALUES ($1, 'delivery', 'active', $2, $3, $4, $4) RETURNING id",
        )
        .bind(user)
        .bind(format!("Florist {f}"))
        .bind(format!("florist-{f}"))
        .bind(now)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        for s in [f % (SUBURBS - 2), (f + 7) % (SUBURBS - 2)] {
            sqlx::query(
                "INSERT INTO service_areas (partner_id, suburb, city, country, area_key, created_at)
                 VALUES ($1, $2, 'Sydney', 'AU', $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(partner)
            .bind(format!("Suburb {s}"))
            .bind(format!("suburb {s}|sydney|au"))
            .bind(now)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    }
    // One customer; one single-delivery order per event (the job reads order and customer per event).
    let ts = now.to_rfc3339();
    let customer: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, first_name, last_name, created_at, updated_at)
         VALUES ('customer@example.com', 'x', 'Cora', 'Customer', $1, $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let ts_sql = if app::server::db::BACKEND == "postgres" {
        format!("'{ts}'::timestamptz")
    } else {
        format!("'{}'", now.format("%Y-%m-%d %H:%M:%S%.f+00:00"))
    };
    let date_sql = if app::server::db::BACKEND == "postgres" {
        format!("'{date}'::date")
    } else {
        format!("'{date}'")
    };
    exec(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {events})
         INSERT INTO orders (user_id, kind, budget_cents, recipient_name, street_address, suburb, city, postcode, country,
             first_delivery_date, subtotal_cents, total_cents, status, created_at, updated_at)
         SELECT {customer}, 'single_delivery', 7500, 'Grace', '1 Rose Lane', 'Suburb ' || CAST(i % {SUBURBS} AS TEXT),
             'Sydney', '2000', 'AU', {date_sql}, 7500, 7500, 'active', {ts_sql}, {ts_sql} FROM n"
    ))
    .await;
    exec(format!(
        "INSERT INTO events (order_id, delivery_date, message, status, created_at, updated_at)
         SELECT id, {date_sql}, 'With love', 'scheduled', {ts_sql}, {ts_sql} FROM orders"
    ))
    .await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sizes: Vec<i64> = std::env::var("BENCH_EVENTS")
        .unwrap_or_else(|_| "25000,100000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for events in sizes {
        let app = TestApp::spawn_without_mail_sender().await;
        eprintln!("filling {events} events…");
        fill(&app, events).await;
        let state = futureflower::http::state_with_pool(&app.config, app.pool.clone());
        reset_peak();
        let before = peak_kib();
        let heap_before = HEAP.current_usage_as_mb();
        HEAP.reset_peak_usage();
        let started = Instant::now();
        let mut last = Instant::now();
        let outcome = run(&state, chrono::Utc::now(), |step, s| {
            if last.elapsed().as_secs() >= 2 {
                eprintln!("  {step}: {} offered, {} flagged", s.offered, s.flagged);
                last = Instant::now();
            }
        })
        .await
        .unwrap();
        let elapsed = started.elapsed();
        let peak = peak_kib();
        let heap_peak = HEAP.peak_usage_as_mb() - heap_before;
        let Run::Done(summary) = outcome else {
            panic!("lease busy")
        };
        let requests = app.scalar("SELECT COUNT(*) FROM delivery_requests").await;
        let mails = app
            .scalar("SELECT COUNT(*) FROM emails WHERE kind = 'delivery_offer'")
            .await;
        let flagged = app
            .scalar("SELECT COUNT(*) FROM events WHERE attention IS NOT NULL")
            .await;
        let second = Instant::now();
        let again = run(&state, chrono::Utc::now(), |_, _| {}).await.unwrap();
        let second = second.elapsed();
        let consistent = summary.offered as i64 == requests
            && requests == mails
            && summary.flagged as i64 == flagged
            && requests + flagged == events
            && again == Run::Done(Default::default());
        println!(
            "delivery job ({}): {events} events in {:.2} s ({:.0} events/s): {} offered, {} flagged; peak heap +{heap_peak:.1} MiB, peak resident set +{:.1} MiB (with SQLite's caches) during the run; second run {:.2} s, sent nothing: {}",
            app::server::db::BACKEND,
            elapsed.as_secs_f64(),
            events as f64 / elapsed.as_secs_f64(),
            summary.offered,
            summary.flagged,
            peak.saturating_sub(before) as f64 / 1024.0,
            second.as_secs_f64(),
            if consistent { "yes" } else { "NO" }
        );
        if !consistent {
            std::process::exit(1);
        }
    }
}
