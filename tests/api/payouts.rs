//! Phase 3: Stripe Connect onboarding and exactly-once payouts, with the real async-stripe client
//! against the fake Stripe server (and the offline simulator for the florists' weekly run).
//!
//! Every payout test ends with the reconcile check (`futureflower admin reconcile`'s service):
//! earned = pending + approved + paid + rejected, paid = what completed payouts carried, every
//! paid item in exactly one completed payout with a transfer id, no delivery paid twice.

use crate::delivery::{at, florist, mails, paid_delivery, today};
use crate::fake_stripe::{Failure, FakeStripe};
use crate::helpers::{PASSWORD, TestApp, WEBHOOK_SECRET, event, location_path, testid_text};
use crate::partners::{apply, approved_partner, partner_id};
use app::domain::payout::PayoutType;
use app::server::services::payouts::{Run, Summary};
use chrono::{Days, Duration, Utc};
use serde_json::json;

const SECRET_KEY: &str = "sk_test_fake_payouts";
const PUBLISHABLE_KEY: &str = "pk_test_fake_payouts";
const CONNECT_SECRET: &str = "whsec_connect_integration";

/// The app against the fake Stripe, with the payout controls off (no holding period, any balance
/// above zero paid): these tests are about paying exactly once. `tests/api/controls.rs` tests the
/// controls, with the program's defaults.
pub(crate) async fn spawn_with_stripe(stripe: &FakeStripe) -> TestApp {
    let app = spawn_with_controls(stripe).await;
    sqlx::query("UPDATE program_settings SET holding_days = 0, minimum_payout_cents = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    app
}

pub(crate) async fn spawn_with_controls(stripe: &FakeStripe) -> TestApp {
    TestApp::spawn_with(&[
        ("STRIPE_SECRET_KEY", SECRET_KEY),
        ("STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("STRIPE_CONNECT_WEBHOOK_SECRET", CONNECT_SECRET),
        ("STRIPE_API_BASE", &stripe.base_url),
        ("STRIPE_TIMEOUT_SECS", "1"),
        ("PAYOUT_RETRY_MS", "10"),
    ])
    .await
}

pub(crate) fn state(app: &TestApp) -> app::server::context::AppState {
    futureflower::http::state_with_pool(&app.config, app.pool.clone())
}

pub(crate) async fn run(app: &TestApp, kind: PayoutType, now: chrono::DateTime<Utc>) -> Summary {
    match app::server::services::payouts::run(&state(app), kind, now, |_, _| {})
        .await
        .expect("payout run")
    {
        Run::Done(summary) => summary,
        Run::Busy => panic!("the payout lease was held"),
    }
}

/// The books balance (the reconcile check), or the test fails with what is off.
pub(crate) async fn assert_reconciled(app: &TestApp) {
    let report = app::server::services::reconcile::check(&state(app))
        .await
        .unwrap();
    assert!(report.balanced(), "reconcile: {:#?}", report.problems);
}

/// `n` customers each pay a $100 single delivery with Rosie's code (through the fake Stripe and
/// its signed webhook): `n` pending commissions of $5.00.
pub(crate) async fn referred_payments(app: &TestApp, code: &str, n: usize) {
    for i in 0..n {
        let email = format!("cust{i}@example.com");
        app.sign_up(&email, "Cora").await;
        let order = app.place_order(&[("budget", "100")]).await;
        apply(app, order, code).await;
        app.pay(order).await;
        let intent = app
            .scalar_text(&format!(
                "SELECT stripe_payment_intent_id FROM payments WHERE order_id = {order}"
            ))
            .await;
        let body = event(
            &format!("evt_paid_{order}"),
            "payment_intent.succeeded",
            json!({ "id": intent, "object": "payment_intent", "amount": 9500, "amount_received": 9500, "currency": "usd" }),
        );
        assert!(app.webhook(&body, None).await.status().is_success());
        app.log_out().await;
    }
}

pub(crate) async fn approve_all(app: &TestApp, partner: i64) {
    app::server::services::commissions::approve(&state(app), &test_actor(), None, Some(partner))
        .await
        .unwrap();
}

/// Rosie signs in and clicks "Set up payouts"; the fake then says her account can be paid and
/// she comes back from Stripe. Returns her Connect account id. Leaves her signed in.
pub(crate) async fn onboard(app: &TestApp, stripe: &FakeStripe, email: &str) -> String {
    app.log_in(email, PASSWORD).await;
    let r = app
        .submit("/partner/payouts", "/partner/payouts/onboard", &[])
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let account = app
        .scalar_text(&format!(
            "SELECT p.stripe_account_id FROM partners p JOIN users u ON u.id = p.user_id WHERE u.email = '{email}'"
        ))
        .await;
    stripe.set_account(&account, true, &[]);
    let back = app.get("/partner/payouts/return").await;
    assert_eq!(location_path(&back), "/partner/payouts?done=ready");
    account
}

/// Rosie, approved and onboarded, with `approved` approved commissions of $5.00.
pub(crate) async fn paid_partner(
    app: &TestApp,
    stripe: &FakeStripe,
    approved: usize,
) -> (i64, String) {
    let code = approved_partner(app).await;
    referred_payments(app, &code, approved).await;
    let partner = partner_id(app, "rosie@example.com").await;
    approve_all(app, partner).await;
    let account = onboard(app, stripe, "rosie@example.com").await;
    app.log_out().await;
    (partner, account)
}

pub(crate) fn transfer_keys(stripe: &FakeStripe) -> Vec<String> {
    stripe
        .calls("POST", "/v1/transfers")
        .into_iter()
        .map(|r| r.idempotency_key.unwrap_or_default())
        .collect()
}

pub(crate) async fn payouts(app: &TestApp) -> Vec<(i64, String, i64)> {
    sqlx::query_as("SELECT id, status, amount_cents FROM payouts ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

pub(crate) async fn commission_statuses(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT status FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn step1_onboarding_makes_one_account_and_a_fresh_link_on_every_click() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    approved_partner(&app).await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, dashboard) = app.page("/partner/dashboard").await;
    assert!(dashboard.contains("Set up payouts"), "banner until done");

    let mut links = Vec::new();
    for _ in 0..2 {
        let r = app
            .submit("/partner/payouts", "/partner/payouts/onboard", &[])
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        links.push(r.headers()["location"].to_str().unwrap().to_owned());
    }
    assert!(
        links[0].starts_with("https://connect.stripe.test/setup/"),
        "{links:?}"
    );
    let created = stripe.calls("POST", "/v1/accounts");
    assert_eq!(
        created.len(),
        1,
        "one Express account, however often she clicks"
    );
    let partner = partner_id(&app, "rosie@example.com").await;
    assert_eq!(
        created[0].idempotency_key.as_deref(),
        Some(format!("ff-connect-account-{partner}").as_str())
    );
    assert_eq!(created[0].field("type"), Some("express"));
    assert_eq!(
        created[0].field("capabilities[transfers][requested]"),
        Some("true")
    );
    assert_eq!(
        stripe.calls("POST", "/v1/account_links").len(),
        2,
        "a fresh link per click"
    );
    let link = &stripe.calls("POST", "/v1/account_links")[0];
    assert_eq!(
        link.field("return_url"),
        Some(format!("{}/partner/payouts/return", app.address).as_str())
    );
    assert_eq!(
        link.field("refresh_url"),
        Some(format!("{}/partner/payouts/refresh", app.address).as_str())
    );

    // Back from Stripe with details missing: the page says what, in plain words.
    let back = app.get("/partner/payouts/return").await;
    assert_eq!(location_path(&back), "/partner/payouts?done=returned");
    let (_, html) = app.page("/partner/payouts?done=returned").await;
    assert!(
        testid_text(&html, "payout-setup-text")
            .contains("Stripe still needs a bank account to pay into and you to accept Stripe"),
        "{}",
        testid_text(&html, "payout-setup-text")
    );
    // An expired link leads to a new one, never to a new account.
    let refreshed = app.get("/partner/payouts/refresh").await;
    assert!(
        refreshed.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("https://connect.stripe.test/")
    );
    assert_eq!(stripe.calls("POST", "/v1/accounts").len(), 1);

    // Finished at Stripe: the return page re-reads the account.
    let account = app
        .scalar_text("SELECT stripe_account_id FROM partners")
        .await;
    stripe.set_account(&account, true, &[]);
    let back = app.get("/partner/payouts/return").await;
    assert_eq!(location_path(&back), "/partner/payouts?done=ready");
    let (_, html) = app.page("/partner/payouts").await;
    assert!(html.contains("Payouts are set up"));
    let (_, dashboard) = app.page("/partner/dashboard").await;
    assert!(!dashboard.contains("Set up payouts"), "no banner once done");

    // The Express dashboard: a one-time login link.
    let r = app
        .submit("/partner/payouts", "/partner/payouts/dashboard", &[])
        .await;
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("https://connect.stripe.test/express/{account}")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payouts").await, 0);
}

fn connect_event(id: &str, account: &str, payable: bool, created: i64, livemode: bool) -> String {
    json!({
        "id": id, "object": "event", "type": "account.updated", "created": created, "livemode": livemode,
        "account": account,
        "data": { "object": {
            "id": account, "object": "account", "charges_enabled": payable, "payouts_enabled": payable,
            "capabilities": { "transfers": if payable { "active" } else { "inactive" } },
            "requirements": { "currently_due": if payable { json!([]) } else { json!(["external_account"]) }, "disabled_reason": null },
        }},
    })
    .to_string()
}

async fn connect_webhook(app: &TestApp, body: &str, secret: &str) -> reqwest::Response {
    let header =
        app::server::stripe::signature::sign(body.as_bytes(), secret, Utc::now().timestamp());
    app.client
        .post(app.url("/stripe/connect-webhook"))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn payable(app: &TestApp) -> bool {
    app.scalar("SELECT COUNT(*) FROM partners WHERE stripe_account_id IS NOT NULL AND charges_enabled AND payouts_enabled AND transfers_active")
        .await
        == 1
}

#[tokio::test]
async fn step2_account_updated_sets_and_clears_payability_in_order_and_only_with_its_own_secret() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    approved_partner(&app).await;
    app.log_in("rosie@example.com", PASSWORD).await;
    app.submit("/partner/payouts", "/partner/payouts/onboard", &[])
        .await;
    let account = app
        .scalar_text("SELECT stripe_account_id FROM partners")
        .await;
    let t = Utc::now().timestamp();

    // Signed with the platform's secret (or tampered with): refused, nothing changes.
    let on = connect_event("evt_on", &account, true, t, false);
    let refused = connect_webhook(&app, &on, WEBHOOK_SECRET).await;
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(!payable(&app).await);
    // A live event reaching a test deployment: refused.
    let live = connect_event("evt_live", &account, true, t, true);
    assert_eq!(
        connect_webhook(&app, &live, CONNECT_SECRET).await.status(),
        reqwest::StatusCode::BAD_REQUEST
    );
    assert!(!payable(&app).await);

    assert!(
        connect_webhook(&app, &on, CONNECT_SECRET)
            .await
            .status()
            .is_success()
    );
    assert!(payable(&app).await);
    let again = connect_webhook(&app, &on, CONNECT_SECRET).await;
    assert_eq!(again.text().await.unwrap(), "duplicate");

    // Off again, then an older "on" arriving late changes nothing.
    let off = connect_event("evt_off", &account, false, t + 10, false);
    assert!(
        connect_webhook(&app, &off, CONNECT_SECRET)
            .await
            .status()
            .is_success()
    );
    assert!(!payable(&app).await);
    let stale = connect_event("evt_stale_on", &account, true, t + 5, false);
    assert!(
        connect_webhook(&app, &stale, CONNECT_SECRET)
            .await
            .status()
            .is_success()
    );
    assert!(
        !payable(&app).await,
        "an older event never overwrites a newer state"
    );
    let (_, html) = app.page("/partner/payouts").await;
    assert!(html.contains("Stripe still needs a bank account to pay into"));
}

#[tokio::test]
async fn step3_a_commission_run_pays_approved_commissions_once_and_nothing_else() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let code = approved_partner(&app).await;
    referred_payments(&app, &code, 4).await;
    let partner = partner_id(&app, "rosie@example.com").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let st = state(&app);
    // Two approved, one rejected, one left pending.
    for id in &ids[..2] {
        app::server::services::commissions::approve(&st, &test_actor(), Some(*id), None)
            .await
            .unwrap();
    }
    app::server::services::commissions::reject(&st, &test_actor(), ids[2], "Own family")
        .await
        .unwrap();
    onboard(&app, &stripe, "rosie@example.com").await;

    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(
        (summary.prepared, summary.sent, summary.sent_cents),
        (1, 1, 1000)
    );
    let transfers = stripe.transfers();
    assert_eq!(transfers.len(), 1);
    let payout = payouts(&app).await[0].clone();
    assert_eq!(payout.1, "completed");
    assert_eq!(transfers[0]["amount"], 1000);
    assert_eq!(transfers[0]["currency"], "usd");
    assert_eq!(
        transfers[0]["transfer_group"],
        format!("payout_{}", payout.0)
    );
    assert_eq!(transfers[0]["metadata"]["payout_id"], payout.0.to_string());
    assert_eq!(
        commission_statuses(&app).await,
        ["paid", "paid", "rejected", "pending"],
        "rejected and pending commissions are never paid"
    );

    // Running again pays nothing twice; approving the pending one later pays just it.
    let again = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((again.prepared, again.sent), (0, 0));
    assert_eq!(stripe.transfers().len(), 1);
    app::server::services::commissions::approve(&st, &test_actor(), Some(ids[3]), None)
        .await
        .unwrap();
    let later = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((later.sent, later.sent_cents), (1, 500));
    assert_eq!(stripe.transfers().len(), 2);
    let keys = transfer_keys(&stripe);
    assert_ne!(keys[0], keys[1], "each payout has its own key");

    // The partner sees both payouts and their lines; the mail says it was sent, once per payout.
    let (_, html) = app.page("/partner/payouts").await;
    assert_eq!(html.matches("data-testid=\"payout\"").count(), 2);
    let (_, detail) = app.page(&format!("/partner/payouts/{}", payout.0)).await;
    assert_eq!(detail.matches("data-testid=\"payout-line\"").count(), 2);
    assert!(detail.contains("$10.00") && detail.contains("Referral commission, order #"));
    mails(&app, "rosie@example.com", "$10.00 is on its way", 1).await;
    mails(&app, "rosie@example.com", "$5.00 is on its way", 1).await;
    // Nobody else sees it: signed out, or as a customer.
    app.log_out().await;
    app.sign_up("eve@example.com", "Eve").await;
    let (_, other) = app.page(&format!("/partner/payouts/{}", payout.0)).await;
    assert!(
        !other.contains("payout-line") && other.contains("We could not find that page"),
        "{other}"
    );
    assert_reconciled(&app).await;
    let _ = partner;
}

#[tokio::test]
async fn a_500_then_200_sends_one_transfer_with_the_same_key() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    paid_partner(&app, &stripe, 2).await;
    stripe.fail_next_on("POST", "/v1/transfers", Failure::ServerError, 1);
    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(summary.sent, 1);
    let keys = transfer_keys(&stripe);
    assert_eq!(keys.len(), 2, "one retry");
    assert_eq!(
        keys[0], keys[1],
        "the same Idempotency-Key on every attempt"
    );
    assert_eq!(stripe.transfers().len(), 1, "exactly one transfer");
    assert_eq!(payouts(&app).await[0].1, "completed");
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_timeout_after_stripe_made_the_transfer_is_settled_with_the_same_key() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    paid_partner(&app, &stripe, 1).await;
    stripe.fail_next_on("POST", "/v1/transfers", Failure::TimeoutAfterHandling, 1);
    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(summary.sent, 1);
    let keys = transfer_keys(&stripe);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    assert_eq!(
        stripe.transfers().len(),
        1,
        "the replayed answer, not a second transfer"
    );
    let transfer_id = app.scalar_text("SELECT transfer_id FROM payouts").await;
    assert_eq!(stripe.transfers()[0]["id"], transfer_id.as_str());
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn balance_insufficient_fails_releases_the_items_and_a_later_run_pays_them_with_a_new_key() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    paid_partner(&app, &stripe, 2).await;
    stripe.fail_next_on("POST", "/v1/transfers", Failure::BalanceInsufficient, 1);
    let first = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((first.failed, first.sent), (1, 0));
    assert_eq!(
        transfer_keys(&stripe).len(),
        1,
        "a definite refusal is never retried"
    );
    let rows = payouts(&app).await;
    assert_eq!(rows[0].1, "failed");
    assert!(
        app.scalar_text("SELECT reason FROM payouts")
            .await
            .contains("balance_insufficient")
    );
    assert_eq!(
        commission_statuses(&app).await,
        ["approved", "approved"],
        "released, still payable"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payout_items WHERE live")
            .await,
        0
    );
    assert_reconciled(&app).await;

    let second = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(
        (second.prepared, second.sent, second.sent_cents),
        (1, 1, 1000)
    );
    let keys = transfer_keys(&stripe);
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1], "a new payout, a new key");
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(commission_statuses(&app).await, ["paid", "paid"]);
    // The partner is not told about our balance: only about what they can fix.
    assert!(
        app.smtp
            .to("rosie@example.com")
            .iter()
            .all(|m| !m.subject().starts_with("Action needed"))
    );
    assert_reconciled(&app).await;
}

/// Commits what a commission run writes before it calls Stripe (the payout and its lines), and
/// nothing after. Returns the payout's id, amount and destination account.
async fn prepare_unsent(app: &TestApp, partner: i64) -> (i64, i64, String) {
    let mut tx = app.pool.begin().await.unwrap();
    let payee = app::server::db::payouts::payee(&mut tx, partner)
        .await
        .unwrap()
        .unwrap();
    let app::server::db::payouts::Prepared::Made(id, cents) = app::server::db::payouts::prepare(
        &mut tx,
        PayoutType::Commission,
        &payee,
        "USD",
        false,
        Utc::now(),
    )
    .await
    .unwrap() else {
        panic!("nothing prepared");
    };
    tx.commit().await.unwrap();
    (id, cents, payee.destination)
}

#[tokio::test]
async fn a_run_killed_between_committing_the_payout_and_calling_stripe_is_finished_by_the_next() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let (partner, account) = paid_partner(&app, &stripe, 2).await;
    // What a run writes before it calls Stripe, and nothing after (the process died there).
    let (id, cents, destination) = prepare_unsent(&app, partner).await;
    assert_eq!(destination, account);
    assert_eq!(cents, 1000);
    assert!(stripe.calls("POST", "/v1/transfers").is_empty());

    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(
        (summary.prepared, summary.sent),
        (0, 1),
        "the same payout, not a new one"
    );
    let key = app.scalar_text("SELECT idempotency_key FROM payouts").await;
    assert_eq!(transfer_keys(&stripe), [key]);
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(payouts(&app).await, [(id, "completed".to_owned(), 1000)]);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_refund_that_raced_the_preparing_run_is_taken_back_once_the_transfer_goes_out() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let (partner, _) = paid_partner(&app, &stripe, 2).await;
    prepare_unsent(&app, partner).await;
    // On PostgreSQL (read committed) a refund committed beside that transaction does not see its
    // payout lines, so it rejects the commission as unpaid: that outcome, written as it lands.
    let (commission, cents): (i64, i64) =
        sqlx::query_as("SELECT id, amount_cents FROM commissions ORDER BY id LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    sqlx::query("UPDATE payments SET status = 'refunded' WHERE id = (SELECT payment_id FROM commissions WHERE id = $1)")
        .bind(commission)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE commissions SET status = 'rejected', note = 'Payment refunded' WHERE id = $1",
    )
    .bind(commission)
    .execute(&app.pool)
    .await
    .unwrap();

    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((summary.prepared, summary.sent), (0, 1));
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(
        commission_statuses(&app).await,
        ["paid", "paid"],
        "the transfer carried both, so both were paid"
    );
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM adjustments")
            .await,
        -cents,
        "the refunded one is taken back from the next payout"
    );
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn two_runs_at_once_pay_once() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    paid_partner(&app, &stripe, 3).await;
    let (a, b) = (state(&app), state(&app));
    let now = Utc::now();
    let (first, second) = tokio::join!(
        app::server::services::payouts::run(&a, PayoutType::Commission, now, |_, _| {}),
        app::server::services::payouts::run(&b, PayoutType::Commission, now, |_, _| {}),
    );
    let runs = [first.unwrap(), second.unwrap()];
    assert!(
        runs.contains(&Run::Busy),
        "the second run finds the lease taken: {runs:?}"
    );
    // And a run started after both pays nothing more.
    run(&app, PayoutType::Commission, now).await;
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(payouts(&app).await.len(), 1);
    assert_eq!(stripe.transfers()[0]["amount"], 1500);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_retry_more_than_a_day_later_looks_the_transfer_up_instead_of_sending_again() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    paid_partner(&app, &stripe, 1).await;
    // Every attempt times out (after Stripe made the transfer once): the outcome stays unknown.
    stripe.fail_next_on("POST", "/v1/transfers", Failure::TimeoutAfterHandling, 4);
    let now = Utc::now();
    let first = run(&app, PayoutType::Commission, now).await;
    assert_eq!((first.sent, first.unknown), (0, 1));
    assert_eq!(payouts(&app).await[0].1, "processing");
    assert_eq!(
        commission_statuses(&app).await,
        ["approved"],
        "not paid until Stripe confirms"
    );
    let sent = transfer_keys(&stripe).len();
    assert_eq!(stripe.transfers().len(), 1);

    // 25 hours later Stripe has forgotten the key: the next run lists transfers by group first.
    stripe.forget_keys();
    let later = run(&app, PayoutType::Commission, now + Duration::hours(25)).await;
    assert_eq!(later.sent, 1);
    assert_eq!(transfer_keys(&stripe).len(), sent, "not sent again");
    let looked_up = stripe.calls("GET", "/v1/transfers");
    assert!(!looked_up.is_empty());
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(payouts(&app).await[0].1, "completed");
    assert_eq!(commission_statuses(&app).await, ["paid"]);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_partner_not_onboarded_is_skipped_and_stays_payable() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let code = approved_partner(&app).await;
    referred_payments(&app, &code, 2).await;
    let partner = partner_id(&app, "rosie@example.com").await;
    approve_all(&app, partner).await;
    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!(
        (
            summary.prepared,
            summary.waiting_partners,
            summary.waiting_cents
        ),
        (0, 1, 1000)
    );
    assert!(stripe.transfers().is_empty());
    assert_eq!(commission_statuses(&app).await, ["approved", "approved"]);
    // Once onboarded, the next run pays it all.
    onboard(&app, &stripe, "rosie@example.com").await;
    let (_, html) = app.page("/partner/payouts").await;
    let waiting = html
        .split("data-testid=\"payouts-waiting\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        waiting[..waiting.len().min(400)].contains("$10.00"),
        "{html}"
    );
    let later = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((later.sent, later.sent_cents), (1, 1000));
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn payouts_turned_off_at_stripe_hold_the_next_payout_until_the_account_is_fixed() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let (_, account) = paid_partner(&app, &stripe, 1).await;
    // Stripe turns payouts off and tells us.
    stripe.set_account(&account, false, &["external_account"]);
    let t = Utc::now().timestamp();
    let off = connect_event("evt_payouts_off", &account, false, t, false);
    assert!(
        connect_webhook(&app, &off, CONNECT_SECRET)
            .await
            .status()
            .is_success()
    );

    let held = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((held.held, held.sent), (1, 0));
    assert!(
        stripe.calls("POST", "/v1/transfers").is_empty(),
        "nothing is sent to an account that cannot be paid"
    );
    assert_eq!(payouts(&app).await[0].1, "on_hold");
    let reason = app.scalar_text("SELECT reason FROM payouts").await;
    assert!(reason.contains("a bank account to pay into"), "{reason}");
    let mail = &mails(&app, "rosie@example.com", "Action needed", 1).await[0];
    assert!(mail.data.contains("/partner/payouts"));
    assert_eq!(commission_statuses(&app).await, ["approved"]);
    // Held again on the next look: no second mail.
    run(&app, PayoutType::Commission, Utc::now()).await;

    // Fixed at Stripe: the held payout itself is sent (no second payout).
    stripe.set_account(&account, true, &[]);
    let sent = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((sent.sent, sent.prepared), (1, 0));
    assert_eq!(payouts(&app).await.len(), 1);
    assert_eq!(stripe.transfers().len(), 1);
    mails(&app, "rosie@example.com", "Action needed", 1).await;
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn admins_filter_payouts_and_retry_a_held_one() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    let (partner, account) = paid_partner(&app, &stripe, 1).await;
    stripe.set_account(&account, false, &["individual.verification.document"]);
    run(&app, PayoutType::Commission, Utc::now()).await;
    let payout = payouts(&app).await[0].0;

    app.make_admin("ada@example.com").await;
    app.log_in("ada@example.com", PASSWORD).await;
    let (_, home) = app.page("/admin").await;
    assert!(
        testid_text(&home, "payouts-waiting").contains("1 payout needs a look"),
        "{home}"
    );
    let (_, held) = app.page("/admin/payouts?status=on_hold").await;
    assert_eq!(held.matches("data-testid=\"payout-row\"").count(), 1);
    assert!(held.contains("a photo of your ID"));
    let (_, done) = app.page("/admin/payouts?status=completed").await;
    assert!(done.contains("No payouts with this status."));
    let (_, partner_page) = app.page(&format!("/admin/partners/{partner}")).await;
    assert!(
        testid_text(&partner_page, "admin-payout-setup")
            .contains("Onboarding started, not finished")
    );

    // Retry while still held: still held. Fixed: retry sends it.
    let id = payout.to_string();
    let fields = [("id", id.as_str())];
    let retry = || {
        app.submit(
            "/admin/payouts?status=on_hold",
            "/api/admin/payouts/retry",
            &fields,
        )
    };
    retry().await;
    assert_eq!(payouts(&app).await[0].1, "on_hold");
    stripe.set_account(&account, true, &[]);
    let r = retry().await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(payouts(&app).await[0].1, "completed");
    assert_eq!(stripe.transfers().len(), 1);
    let (_, detail) = app.page(&format!("/admin/payouts/{payout}")).await;
    assert!(testid_text(&detail, "payout-transfer").starts_with("tr_"));
    assert_reconciled(&app).await;
}

/// Fiona (Fern & Petal, covering Newtown) and a paid Newtown delivery on `date` for each customer,
/// offered to her by the delivery job. Returns her partner id and each delivery's event and request.
async fn fiona_with_deliveries(
    app: &TestApp,
    customers: &[&str],
    date: chrono::NaiveDate,
) -> (i64, Vec<(i64, i64)>) {
    let fiona = florist(
        app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let mut events = Vec::new();
    for (i, customer) in customers.iter().enumerate() {
        events.push(paid_delivery(app, customer, "Newtown", date + Days::new(i as u64)).await);
    }
    app.delivery_job(at(date - Days::new(4), 9)).await;
    let mut deliveries = Vec::new();
    for event in events {
        let request = app
            .scalar(&format!(
                "SELECT id FROM delivery_requests WHERE event_id = {event}"
            ))
            .await;
        deliveries.push((event, request));
    }
    (fiona, deliveries)
}

/// Fiona answers her delivery request `id` with each action, at its time.
async fn fiona_answers(app: &TestApp, id: i64, actions: &[(&str, chrono::DateTime<Utc>)]) {
    let user_id = app
        .scalar("SELECT id FROM users WHERE email = 'fiona@example.com'")
        .await;
    let key = app::server::services::deliveries::Key::Owner { id, user_id };
    for (action, when) in actions {
        app::server::services::deliveries::respond(&state(app), &key, action, "", "", None, *when)
            .await
            .unwrap()
            .unwrap();
    }
}

/// The florists' weekly run on the offline simulator: a delivered delivery is paid once, at the
/// order's budget; one not yet delivered waits. Onboarding goes through the simulated page.
#[tokio::test]
async fn a_fulfillment_run_pays_each_delivered_delivery_once_with_the_simulator() {
    let app = TestApp::spawn().await;
    let date = today() + Days::new(5);
    let (_, deliveries) =
        fiona_with_deliveries(&app, &["cora@example.com", "dan@example.com"], date).await;
    let [(delivered, first), (undelivered, second)] = deliveries[..] else {
        unreachable!()
    };
    fiona_answers(
        &app,
        first,
        &[("accept", Utc::now()), ("delivered", at(date, 15))],
    )
    .await;
    fiona_answers(&app, second, &[("accept", Utc::now())]).await;
    // Marking it delivered delivers the event (the plan's step 5); the other stays scheduled.
    let event_status = |event: i64| format!("SELECT status FROM events WHERE id = {event}");
    assert_eq!(app.scalar_text(&event_status(delivered)).await, "delivered");
    assert_eq!(
        app.scalar_text(&event_status(undelivered)).await,
        "scheduled"
    );
    // Not onboarded yet: nothing is paid.
    let waiting = run(&app, PayoutType::Fulfillment, at(date, 20)).await;
    assert_eq!(
        (
            waiting.prepared,
            waiting.waiting_partners,
            waiting.waiting_cents
        ),
        (0, 1, 7535)
    );

    // Onboarding on the simulator's page: a signed account.updated through our Connect endpoint.
    app.log_in("fiona@example.com", PASSWORD).await;
    let r = app
        .submit("/partner/payouts", "/partner/payouts/onboard", &[])
        .await;
    assert_eq!(location_path(&r), "/partner/payout-setup/simulated");
    let (_, page) = app.page("/partner/payout-setup/simulated").await;
    assert!(page.contains("Test mode"));
    let r = app
        .submit(
            "/partner/payout-setup/simulated",
            "/partner/payout-setup/simulated/answer",
            &[("outcome", "complete")],
        )
        .await;
    assert_eq!(location_path(&r), "/partner/payouts/return");
    let (path, html) = app.page(&location_path(&r)).await;
    assert_eq!(path, "/partner/payouts?done=ready");
    assert!(html.contains("Payouts are set up"));

    let paid = run(&app, PayoutType::Fulfillment, at(date, 20)).await;
    assert_eq!((paid.sent, paid.sent_cents), (1, 7535));
    let again = run(&app, PayoutType::Fulfillment, at(date + Days::new(7), 20)).await;
    assert_eq!(
        (again.prepared, again.sent),
        (0, 0),
        "a delivery is paid once"
    );
    let lines: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT delivery_request_id FROM payout_items")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(lines, [Some(first)]);
    let (_, list) = app.page("/partner/payouts").await;
    assert!(list.contains("Deliveries") && list.contains("$75.35") && list.contains("Sent"));
    assert_reconciled(&app).await;
}

/// The rule: a delivery whose payment was refunded before a payout held it is never paid,
/// and the florist's ledger, totals and "waiting" amount say so instead of promising it.
#[tokio::test]
async fn a_delivery_refunded_before_its_payout_is_left_out_and_the_ledger_says_so() {
    let app = TestApp::spawn().await;
    let st = state(&app);
    let date = today() + Days::new(5);
    let (fiona, deliveries) =
        fiona_with_deliveries(&app, &["cora@example.com", "dan@example.com"], date).await;
    let [(kept, kept_request), (refunded, refunded_request)] = deliveries[..] else {
        unreachable!()
    };
    for id in [kept_request, refunded_request] {
        fiona_answers(
            &app,
            id,
            &[
                ("accept", Utc::now()),
                ("delivered", at(date + Days::new(1), 15)),
            ],
        )
        .await;
    }
    // Dan's payment is refunded after the flowers arrived, before any payout.
    let intent = app
        .scalar_text(&format!(
            "SELECT p.stripe_payment_intent_id FROM payments p JOIN events e ON e.order_id = p.order_id WHERE e.id = {refunded}"
        ))
        .await;
    crate::controls::refund(&app, &intent).await;

    app.log_in("fiona@example.com", PASSWORD).await;
    let (_, before) = app.page("/partner/ledger").await;
    assert!(
        before.contains(&format!("Delivery #{refunded_request} not paid")),
        "{before}"
    );
    assert!(before.contains("Not paid: refunded"), "{before}");
    for (path, fields) in [
        ("/partner/payouts/onboard", vec![]),
        (
            "/partner/payout-setup/simulated/answer",
            vec![("outcome", "complete")],
        ),
    ] {
        let r = app.submit("/partner/payouts", path, &fields).await;
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
    }
    let pay =
        |event: i64| format!("SELECT pay_cents FROM delivery_requests WHERE event_id = {event}");
    let (kept_cents, refunded_cents) = (
        app.scalar(&pay(kept)).await,
        app.scalar(&pay(refunded)).await,
    );
    let (_, waiting) = app.page("/partner/payouts").await;
    assert!(
        waiting.contains(&format!(">{}</dd>", st.money(kept_cents)))
            && !waiting.contains(&st.money(kept_cents + refunded_cents)),
        "only the kept delivery waits: {waiting}"
    );
    let paid = run(&app, PayoutType::Fulfillment, at(date + Days::new(1), 20)).await;
    assert_eq!((paid.sent, paid.sent_cents), (1, kept_cents));
    let lines: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT delivery_request_id FROM payout_items")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        lines,
        [Some(kept_request)],
        "the refunded delivery is left out"
    );
    crate::controls::assert_ledgers_agree(&app, fiona, "after the run").await;
    assert_reconciled(&app).await;
}

/// The operator's view: the demo data has work for a first run; `jobs payouts` prints progress and
/// a summary, pays once, and refuses a bad type; `admin reconcile` finds the books balanced.
#[tokio::test]
async fn the_payouts_command_pays_the_demo_data_once_and_reconcile_balances() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let out = crate::cli::futureflower_in(dir.path(), &app.db, args, "");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, seeded, err) = cli(&["seed-demo"]);
    assert!(ok, "{seeded}{err}");
    assert!(
        seeded.contains("commission payout run: 1 payout(s)"),
        "{seeded}"
    );

    // The demo turns batch approval on: the florist's payout waits for the admin.
    let (ok, out, err) = cli(&["jobs", "payouts", "--type", "fulfillment"]);
    assert!(ok, "{out}{err}");
    assert!(err.contains("prepared"), "progress on stderr: {err}");
    assert!(
        out.contains("1 payout(s) prepared ($75.00), 0 sent ($0.00), 0 failed")
            && out.contains("1 payout(s) wait for an admin's approval"),
        "{out}"
    );
    let admin = app::server::context::actor(
        &app::server::db::users::find_signed_in_by_email(&app.pool, "admin@example.com")
            .await
            .unwrap()
            .unwrap()
            .into(),
    );
    let approved = app::server::services::payouts::approve(
        &state(&app),
        &admin,
        app::server::services::payouts::Approval::BatchUpTo(i64::MAX),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((approved.approved, approved.sent), (1, 1));
    let (ok, again, _) = cli(&["jobs", "payouts", "--type", "fulfillment"]);
    assert!(
        ok && again.contains("0 payout(s) prepared ($0.00), 0 sent"),
        "{again}"
    );

    // After the seed's run: $7.50 approved, less the $4.25 taken back for the refunded invoice,
    // is below the $20.00 minimum and carries over (today's commission is in its holding period).
    let (ok, out, _) = cli(&["jobs", "payouts", "--type", "commission"]);
    assert!(
        ok && out.contains("0 payout(s) prepared")
            && out.contains("1 partner(s) below their minimum payout: $3.25 carried over"),
        "{out}"
    );

    let (ok, _, err) = cli(&["jobs", "payouts", "--type", "weekly"]);
    assert!(!ok);
    assert!(err.contains("use commission or fulfillment"), "{err}");
    let (ok, _, err) = cli(&[
        "jobs",
        "payouts",
        "--type",
        "commission",
        "--now",
        "yesterday",
    ]);
    assert!(!ok && err.contains("RFC 3339"), "{err}");

    let (ok, out, err) = cli(&["admin", "reconcile"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Rosie's Roses") && out.contains("Balanced:"),
        "{out}"
    );
    // One completed payout to Rosie, one to Fern & Petal, each with a transfer.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM payouts WHERE status = 'completed' AND transfer_id IS NOT NULL"
        )
        .await,
        2
    );

    // Break the books by hand: reconcile says what and fails.
    sqlx::query("UPDATE commissions SET status = 'paid' WHERE status = 'approved'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (ok, out, _) = cli(&["admin", "reconcile"]);
    assert!(
        !ok && out.contains("PROBLEM: paid commission not in exactly one completed payout"),
        "{out}"
    );
}

/// Who the tests act as when they call a service directly (not through an admin's request).
pub(crate) fn test_actor() -> app::server::db::audit::Actor {
    app::server::db::audit::Actor::system("Test", "")
}
