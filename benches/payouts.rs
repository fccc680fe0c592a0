//! A commission payout run over many partners against the fake Stripe (the real async-stripe
//! client over HTTP): every partner onboarded and payable, every commission approved. Prints the
//! run's time, transfers per second, and the peak Rust heap and resident set it added, for each
//! size, so "linear in commissions, memory flat" can be read off; then checks the books (every
//! commission paid, one transfer per partner, the reconcile check balanced).
//!
//! `cargo bench --bench payouts` (SQLite) or add `--no-default-features --features postgres`.
//! Settings: `BENCH_PAYOUTS` (comma-separated `partners:commissions`, default
//! `1000:100000,10000:1000000`); `BENCH_GATEWAY=simulator` runs the offline simulator instead of
//! the fake Stripe: the fake lives in this process and keeps every request, answer and transfer,
//! which the heap figure then counts; the simulator keeps nothing, so the heap is our run's alone.

#[path = "../tests/api/fake_stripe.rs"]
#[allow(dead_code)]
mod fake_stripe;
#[path = "../tests/api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../tests/api/smtp.rs"]
mod smtp;
#[allow(dead_code)]
mod support;

use app::domain::payout::PayoutType;
use app::server::services::payouts::{Run, run};
use fake_stripe::FakeStripe;
use helpers::{TestApp, WEBHOOK_SECRET};
use peak_alloc::PeakAlloc;
use std::time::Instant;
use support::{peak_kib, reset_peak};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

async fn fill(app: &TestApp, stripe: &FakeStripe, partners: i64, commissions: i64) {
    let stamp = |at: chrono::DateTime<chrono::Utc>| {
        if app::server::db::BACKEND == "postgres" {
            format!("'{}'::timestamptz", at.to_rfc3339())
        } else {
            format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.f+00:00"))
        }
    };
    let now = chrono::Utc::now();
    let ts = stamp(now);
    // Earned a month ago: past the program's holding period (7 days), as a monthly run finds them.
    let earned = stamp(now - chrono::Duration::days(30));
    let exec = |sql: String| {
        let pool = app.pool.clone();
        async move { sqlx::query(&sql).execute(&pool).await.unwrap() }
    };
    exec(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {partners})
         INSERT INTO users (email, password_hash, first_name, last_name, created_at, updated_at)
         SELECT 'partner' || CAST(i AS TEXT) || '@example.com', 'x', 'Pat', 'Partner', {ts}, {ts} FROM n"
    ))
    .await;
    exec(format!(
        "INSERT INTO partners (user_id, partner_type, status, business_name, stripe_account_id,
             charges_enabled, payouts_enabled, transfers_active, created_at, updated_at)
         SELECT id, 'non_delivery', 'active', 'Partner ' || CAST(id AS TEXT), 'acct_bench' || CAST(id AS TEXT),
             TRUE, TRUE, TRUE, {ts}, {ts} FROM users"
    ))
    .await;
    let ids: Vec<String> = sqlx::query_scalar("SELECT stripe_account_id FROM partners")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for id in &ids {
        stripe.add_account(id, true);
    }
    // Commissions spread evenly over the partners, all approved ('fulfillment': a commission that
    // needs no payment row; the run treats every approved commission alike).
    exec(format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {commissions} - 1)
         INSERT INTO commissions (partner_id, commission_type, amount_cents, status, created_at, updated_at)
         SELECT (SELECT MIN(id) FROM partners) + i % {partners}, 'fulfillment', 500 + i % 7, 'approved', {earned}, {earned} FROM n"
    ))
    .await;
    // Planner statistics, as a database that has lived has them (PostgreSQL's autovacuum would
    // gather them soon after a million inserts; without them it plans for an empty table).
    exec("ANALYZE".to_owned()).await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sizes: Vec<(i64, i64)> = std::env::var("BENCH_PAYOUTS")
        .unwrap_or_else(|_| "1000:100000,10000:1000000".to_owned())
        .split(',')
        .filter_map(|s| {
            let (p, c) = s.trim().split_once(':')?;
            Some((p.parse().ok()?, c.parse().ok()?))
        })
        .collect();
    let simulator = std::env::var("BENCH_GATEWAY").as_deref() == Ok("simulator");
    for (partners, commissions) in sizes {
        let stripe = FakeStripe::start();
        // No mail sender: the run is timed alone (its mails wait in the outbox, as with the
        // delivery bench).
        let settings = [
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("STRIPE_SECRET_KEY", "sk_test_bench"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_test_bench"),
            ("STRIPE_API_BASE", stripe.base_url.as_str()),
            ("STRIPE_TIMEOUT_SECS", "30"),
        ];
        let app = TestApp::spawn_with_without_mail_sender(if simulator {
            &settings[..1]
        } else {
            &settings[..]
        })
        .await;
        eprintln!("filling {partners} partners and {commissions} approved commissions…");
        fill(&app, &stripe, partners, commissions).await;
        let state = futureflower::http::state_with_pool(&app.config, app.pool.clone());
        reset_peak();
        let before = peak_kib();
        let heap_before = HEAP.current_usage_as_mb();
        HEAP.reset_peak_usage();
        let started = Instant::now();
        let mut last = Instant::now();
        let outcome = run(
            &state,
            PayoutType::Commission,
            chrono::Utc::now(),
            |step, s| {
                if last.elapsed().as_secs() >= 2 {
                    eprintln!("  {step}: {} prepared, {} sent", s.prepared, s.sent);
                    last = Instant::now();
                }
            },
        )
        .await
        .unwrap();
        let elapsed = started.elapsed();
        let peak = peak_kib();
        let heap_peak = HEAP.peak_usage_as_mb() - heap_before;
        let Run::Done(summary) = outcome else {
            panic!("lease busy")
        };
        let unpaid = app
            .scalar("SELECT COUNT(*) FROM commissions WHERE status <> 'paid'")
            .await;
        let report = app::server::services::reconcile::check(&state)
            .await
            .unwrap();
        let consistent = summary.sent as i64 == partners
            && (simulator || stripe.transfers().len() as i64 == partners)
            && unpaid == 0
            && report.balanced();
        println!(
            "commission payout run ({}, {}): {partners} partners, {commissions} commissions in {:.2} s: {} transfers ({:.0} transfers/s, {:.0} commissions/s), {}; peak heap +{heap_peak:.1} MiB, peak resident set +{:.1} MiB; all paid once and reconciled: {}",
            app::server::db::BACKEND,
            if simulator {
                "simulator"
            } else {
                "fake Stripe over HTTP"
            },
            elapsed.as_secs_f64(),
            summary.sent,
            summary.sent as f64 / elapsed.as_secs_f64(),
            commissions as f64 / elapsed.as_secs_f64(),
            state.money(summary.sent_cents),
            peak.saturating_sub(before) as f64 / 1024.0,
            if consistent { "yes" } else { "NO" }
        );
        if !consistent {
            eprintln!("{:#?}", report.problems);
            std::process::exit(1);
        }
    }
}
