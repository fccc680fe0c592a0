//! Payout controls and the partner ledger (issue 14): the holding period, the minimum payout,
//! approval of payout batches, money taken back after a payout, risk flags, the audit log and the
//! CSV exports. The real async-stripe client pays through the fake Stripe; the program settings
//! are the defaults (7 days, $20.00) unless a test changes them through the admin's form.

use crate::fake_stripe::FakeStripe;
use crate::helpers::{PASSWORD, TestApp, event, location_path, testid_text};
use crate::partners::{apply, approved_partner, partner_id};
use crate::payouts::{
    approve_all, assert_reconciled, onboard, payouts, run, spawn_with_controls, state,
};
use app::domain::payout::PayoutType;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

const ROSIE: &str = "rosie@example.com";
const ADMIN: &str = "admin@example.com";

/// One referred customer (`email`) pays a $100 single delivery with `code`, with a card whose
/// fingerprint the webhook carries. Returns the PaymentIntent id. Leaves the app logged out.
pub(crate) async fn referred_payment(app: &TestApp, code: &str, email: &str, card: &str) -> String {
    app.sign_up(email, "Cora").await;
    let order = app.place_order(&[("budget", "100")]).await;
    if !code.is_empty() {
        apply(app, order, code).await;
    }
    pay_with_card(app, order, card).await
}

/// Pays `order` (placed by the signed-in user) with a card: the fake Stripe's PaymentIntent, then
/// its signed `payment_intent.succeeded` with the charge expanded.
async fn pay_with_card(app: &TestApp, order: i64, card: &str) -> String {
    app.pay(order).await;
    let (intent, amount): (String, i64) = sqlx::query_as(
        "SELECT stripe_payment_intent_id, amount_cents FROM payments WHERE order_id = $1",
    )
    .bind(order)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let body = event(
        &format!("evt_paid_{order}"),
        "payment_intent.succeeded",
        json!({ "id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount,
                "currency": "usd", "latest_charge": { "id": format!("ch_{order}"), "object": "charge",
                "payment_method_details": { "type": "card", "card": { "fingerprint": card } } } }),
    );
    assert!(app.webhook(&body, None).await.status().is_success());
    app.log_out().await;
    intent
}

/// A full refund of the payment made with `intent`.
pub(crate) async fn refund(app: &TestApp, intent: &str) {
    let amount: i64 = app
        .scalar(&format!(
            "SELECT amount_cents FROM payments WHERE stripe_payment_intent_id = '{intent}'"
        ))
        .await;
    let body = event(
        &format!("evt_refund_{intent}"),
        "charge.refunded",
        json!({ "id": format!("ch_r_{intent}"), "object": "charge", "payment_intent": intent,
                "amount": amount, "amount_refunded": amount, "refunded": true, "currency": "usd" }),
    );
    assert!(app.webhook(&body, None).await.status().is_success());
}

async fn admin(app: &TestApp) {
    app.make_admin(ADMIN).await;
    app.log_in(ADMIN, PASSWORD).await;
}

/// The admin sets the program settings through the settings form.
async fn set_program(
    app: &TestApp,
    holding: &str,
    minimum: &str,
    approval: bool,
) -> reqwest::Response {
    let mut fields = vec![
        ("rate", "5"),
        ("discount", "5.00"),
        ("holding_days", holding),
        ("minimum", minimum),
    ];
    if approval {
        fields.push(("approve_payouts", "on"));
    }
    app.submit("/admin/settings", "/api/admin/settings/update", &fields)
        .await
}

async fn transfers(stripe: &FakeStripe) -> Vec<i64> {
    stripe
        .transfers()
        .iter()
        .map(|t| t["amount"].as_i64().unwrap())
        .collect()
}

async fn earned_at(app: &TestApp, commission: i64) -> DateTime<Utc> {
    sqlx::query_scalar("SELECT created_at FROM commissions WHERE id = $1")
        .bind(commission)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

/// Rosie, approved and onboarded at the fake Stripe; her code. Logged out.
async fn rosie(app: &TestApp, stripe: &FakeStripe) -> (i64, String) {
    let code = approved_partner(app).await;
    onboard(app, stripe, ROSIE).await;
    app.log_out().await;
    (partner_id(app, ROSIE).await, code)
}

/// The app with Rosie onboarded and the program settings set by the admin's form (holding days,
/// minimum, batch approval); logged out.
async fn program(
    holding: &str,
    minimum: &str,
    approval: bool,
) -> (FakeStripe, TestApp, i64, String) {
    let stripe = FakeStripe::start();
    let app = spawn_with_controls(&stripe).await;
    let (partner, code) = rosie(&app, &stripe).await;
    admin(&app).await;
    assert!(
        set_program(&app, holding, minimum, approval)
            .await
            .status()
            .is_redirection()
    );
    app.log_out().await;
    (stripe, app, partner, code)
}

#[tokio::test]
async fn a_commission_is_payable_exactly_when_its_holding_period_ends() {
    // Any balance is paid: this test is about the holding period (the program's 7 days).
    let (stripe, app, partner, code) = program("7", "0", false).await;
    referred_payment(&app, &code, "cust@example.com", "fp_cust").await;
    approve_all(&app, partner).await;
    let commission = app.scalar("SELECT id FROM commissions").await;
    let earned = earned_at(&app, commission).await;

    // The partner's ledger says when it becomes payable.
    app.log_in(ROSIE, PASSWORD).await;
    let (_, html) = app.page("/partner/ledger").await;
    let payable_on = (earned + Duration::days(7)).format("%-d %b %Y").to_string();
    assert!(
        html.contains(&format!("Payable on {payable_on}")),
        "the ledger shows the payable-on date: {html}"
    );
    app.log_out().await;

    let second_before = run(
        &app,
        PayoutType::Commission,
        earned + Duration::days(7) - Duration::seconds(1),
    )
    .await;
    assert_eq!(
        second_before.prepared, 0,
        "a second before the end: not payable"
    );
    assert!(stripe.transfers().is_empty());
    let at_boundary = run(&app, PayoutType::Commission, earned + Duration::days(7)).await;
    assert_eq!((at_boundary.prepared, at_boundary.sent), (1, 1));
    assert_eq!(transfers(&stripe).await, vec![500]);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_balance_below_the_minimum_carries_over_and_is_paid_once_it_is_reached() {
    let stripe = FakeStripe::start();
    let app = spawn_with_controls(&stripe).await;
    let (partner, code) = rosie(&app, &stripe).await;
    // Rosie's own terms: no holding period; the program's $20.00 minimum applies.
    admin(&app).await;
    let r = app
        .submit(
            &format!("/admin/partners/{partner}"),
            "/api/admin/partner/terms",
            &[("partner_id", &partner.to_string()), ("holding_days", "0")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    app.log_out().await;
    for i in 0..3 {
        referred_payment(&app, &code, &format!("c{i}@example.com"), &format!("fp{i}")).await;
    }
    approve_all(&app, partner).await;
    let now = Utc::now() + Duration::minutes(1);
    let first = run(&app, PayoutType::Commission, now).await;
    assert_eq!(
        (first.prepared, first.carried_over, first.carried_over_cents),
        (0, 1, 1500)
    );
    assert!(stripe.transfers().is_empty(), "$15.00 is below the minimum");
    app.log_in(ROSIE, PASSWORD).await;
    let (_, html) = app.page("/partner/ledger").await;
    assert_eq!(testid_text(&html, "left-to-minimum"), "$5.00");
    app.log_out().await;

    referred_payment(&app, &code, "c3@example.com", "fp3").await;
    approve_all(&app, partner).await;
    let second = run(&app, PayoutType::Commission, now + Duration::minutes(1)).await;
    assert_eq!((second.prepared, second.sent), (1, 1));
    assert_eq!(
        transfers(&stripe).await,
        vec![2000],
        "the carried-over $15.00 and the new $5.00"
    );
    let third = run(&app, PayoutType::Commission, now + Duration::minutes(2)).await;
    assert_eq!(third.prepared, 0);
    assert_eq!(stripe.transfers().len(), 1);
    assert_eq!(audit_count(&app, "partner.terms").await, 1);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn with_approval_on_nothing_is_sent_before_approval_and_a_held_payout_never() {
    let (stripe, app, partner, code) = program("0", "0", true).await;
    referred_payment(&app, &code, "c1@example.com", "fp1").await;
    approve_all(&app, partner).await;
    let now = Utc::now() + Duration::minutes(1);
    let prepared = run(&app, PayoutType::Commission, now).await;
    assert_eq!(
        (prepared.prepared, prepared.awaiting_approval, prepared.sent),
        (1, 1, 0)
    );
    run(&app, PayoutType::Commission, now + Duration::hours(1)).await;
    assert!(
        stripe.transfers().is_empty(),
        "nothing is sent before approval"
    );
    let payout = payouts(&app).await[0].0;
    assert_eq!(payouts(&app).await[0].1, "awaiting_approval");

    // The admin sees the batch, with why the payout deserves a look, and holds it.
    app.log_in(ADMIN, PASSWORD).await;
    let (_, html) = app.page("/admin/payouts/approval").await;
    assert!(html.contains("First payout to this partner"), "{html}");
    let r = app
        .submit(
            "/admin/payouts/approval",
            "/api/admin/payouts/hold",
            &[
                ("id", &payout.to_string()),
                ("reason", "Checking the referrals"),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    for hour in 2..4 {
        run(&app, PayoutType::Commission, now + Duration::hours(hour)).await;
    }
    assert!(
        stripe.transfers().is_empty(),
        "a held payout is never sent by a run"
    );
    // Nor by a run that read it before the hold (it reads a batch, then sends minutes later).
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(
        !app::server::db::payouts::claim(&mut conn, payout, 0, now + Duration::hours(4))
            .await
            .unwrap(),
        "a hold made after a run read the payout still stops its send"
    );
    drop(conn);
    let retry = app
        .submit(
            "/admin/payouts",
            "/api/admin/payouts/retry",
            &[("id", &payout.to_string())],
        )
        .await;
    assert!(!retry.status().is_success() || stripe.transfers().is_empty());
    assert!(
        stripe.transfers().is_empty(),
        "nor by retry: it must be approved"
    );

    // "Approve all" approves the batch awaiting approval; a held payout is approved by itself.
    let r = app
        .submit("/admin/payouts/approval", "/api/admin/payouts/approve", &[])
        .await;
    assert!(
        location_path(&r).contains("__err="),
        "nothing awaits: the held one stays held"
    );
    assert!(stripe.transfers().is_empty());
    // Approved: sent at once, once.
    let r = app
        .submit(
            "/admin/payouts/approval",
            "/api/admin/payouts/approve",
            &[("id", &payout.to_string())],
        )
        .await;
    assert_eq!(
        location_path(&r),
        "/admin/payouts/approval?approved=1&sent=1"
    );
    run(&app, PayoutType::Commission, now + Duration::hours(5)).await;
    assert_eq!(transfers(&stripe).await, vec![500]);
    let (approver, status): (Option<i64>, String) =
        sqlx::query_as("SELECT approved_by, status FROM payouts WHERE id = $1")
            .bind(payout)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "completed");
    assert_eq!(
        approver,
        Some(
            app.scalar(&format!("SELECT id FROM users WHERE email = '{ADMIN}'"))
                .await
        )
    );
    assert_eq!(audit_count(&app, "payout.hold").await, 1);
    assert_eq!(audit_count(&app, "payout.approve").await, 1);
    assert_eq!(audit_count(&app, "settings.update").await, 1);

    // "Approve all" approves the batch the page showed, never a payout prepared after it.
    app.log_out().await;
    referred_payment(&app, &code, "c2@example.com", "fp2").await;
    approve_all(&app, partner).await;
    run(&app, PayoutType::Commission, now + Duration::hours(6)).await;
    let later = payouts(&app).await[1].0;
    app.log_in(ADMIN, PASSWORD).await;
    let (_, html) = app.page("/admin/payouts/approval").await;
    assert!(
        html.contains(&format!("name=\"up_to\" value=\"{later}\"")),
        "{html}"
    );
    let stale = app
        .submit(
            "/admin/payouts/approval",
            "/api/admin/payouts/approve",
            &[("up_to", &(later - 1).to_string())],
        )
        .await;
    assert!(location_path(&stale).contains("__err="));
    assert_eq!(payouts(&app).await[1].1, "awaiting_approval");
    let r = app
        .submit(
            "/admin/payouts/approval",
            "/api/admin/payouts/approve",
            &[("up_to", &later.to_string())],
        )
        .await;
    assert_eq!(
        location_path(&r),
        "/admin/payouts/approval?approved=1&sent=1"
    );
    assert_eq!(transfers(&stripe).await, vec![500, 500]);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_refund_after_payout_is_netted_against_the_next_payout_never_a_negative_transfer() {
    let (stripe, app, partner, code) = program("0", "0", false).await;
    let first = referred_payment(&app, &code, "c0@example.com", "fp0").await;
    approve_all(&app, partner).await;
    let mut now = Utc::now() + Duration::minutes(1);
    run(&app, PayoutType::Commission, now).await;
    assert_eq!(transfers(&stripe).await, vec![500]);

    // Refunded after it was paid: the commission stays paid, and $5.00 is taken back.
    refund(&app, &first).await;
    refund(&app, &first).await;
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM adjustments")
            .await,
        -500,
        "taken back once, however often the refund arrives"
    );
    assert_eq!(
        app.scalar_text("SELECT status FROM commissions").await,
        "paid"
    );
    now += Duration::minutes(1);
    let nothing = run(&app, PayoutType::Commission, now).await;
    assert_eq!((nothing.prepared, nothing.carried_over_cents), (0, -500));
    // One new $5.00 commission nets to zero: still nothing sent.
    referred_payment(&app, &code, "c1@example.com", "fp1").await;
    approve_all(&app, partner).await;
    now += Duration::minutes(1);
    assert_eq!(run(&app, PayoutType::Commission, now).await.prepared, 0);
    // Two more: $15.00 earned, $5.00 taken back, $10.00 sent.
    for i in 2..4 {
        referred_payment(&app, &code, &format!("c{i}@example.com"), &format!("fp{i}")).await;
    }
    approve_all(&app, partner).await;
    now += Duration::minutes(1);
    let paid = run(&app, PayoutType::Commission, now).await;
    assert_eq!((paid.prepared, paid.sent, paid.sent_cents), (1, 1, 1000));
    assert_eq!(transfers(&stripe).await, vec![500, 1000]);
    assert!(transfers(&stripe).await.iter().all(|a| *a > 0));

    // The partner sees the negative line with its reason.
    app.log_in(ROSIE, PASSWORD).await;
    let last = payouts(&app).await.last().unwrap().0;
    let (_, html) = app.page(&format!("/partner/payouts/{last}")).await;
    assert!(
        html.contains("Taken back: The payment was refunded after this commission was paid"),
        "{html}"
    );
    assert!(html.contains("−$5.00") || html.contains("-$5.00"), "{html}");
    let (_, ledger) = app.page("/partner/ledger").await;
    assert!(ledger.contains("Taken back"), "{ledger}");
    assert_eq!(audit_count(&app, "adjustment.create").await, 1);
    assert_reconciled(&app).await;
}

#[tokio::test]
async fn a_self_referral_by_the_partners_own_card_is_held_never_paid_and_resolved_by_an_admin() {
    let (stripe, app, partner, code) = program("0", "0", false).await;
    // Rosie once paid for her own order with her card.
    app.log_in(ROSIE, PASSWORD).await;
    let own = app.place_order(&[("budget", "60")]).await;
    pay_with_card(&app, own, "fp_rosies_card").await;
    // A "customer" pays with Rosie's card using her code: held, with the reason.
    referred_payment(&app, &code, "not-rosie@example.com", "fp_rosies_card").await;
    // While the flag is open, her next commission is held too.
    referred_payment(&app, &code, "friend@example.com", "fp_friend").await;
    approve_all(&app, partner).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commissions WHERE risk_flag_id IS NOT NULL")
            .await,
        2
    );
    let now = Utc::now() + Duration::minutes(1);
    let held = run(&app, PayoutType::Commission, now).await;
    assert_eq!(held.prepared, 0);
    assert!(
        stripe.transfers().is_empty(),
        "held commissions are never paid"
    );

    app.log_in(ADMIN, PASSWORD).await;
    let (_, html) = app.page("/admin/risk").await;
    assert!(html.contains("paid with a card the partner used"), "{html}");
    let flag = app.scalar("SELECT id FROM risk_flags").await;
    let r = app
        .submit(
            "/admin/risk",
            "/api/admin/risk/resolve",
            &[("id", &flag.to_string()), ("decision", "clear")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    run(&app, PayoutType::Commission, now + Duration::minutes(1)).await;
    assert_eq!(
        transfers(&stripe).await,
        vec![1000],
        "cleared: both are paid"
    );

    // Again with her card: a new flag, which the admin confirms.
    app.log_out().await;
    referred_payment(&app, &code, "again@example.com", "fp_rosies_card").await;
    let flag = app
        .scalar("SELECT id FROM risk_flags WHERE status = 'open'")
        .await;
    app.log_in(ADMIN, PASSWORD).await;
    app.submit(
        "/admin/risk",
        "/api/admin/risk/resolve",
        &[("id", &flag.to_string()), ("decision", "confirm")],
    )
    .await;
    assert_eq!(
        app.scalar_text("SELECT status FROM commissions ORDER BY id DESC LIMIT 1")
            .await,
        "rejected"
    );
    assert_eq!(
        app.scalar_text(&format!("SELECT status FROM partners WHERE id = {partner}"))
            .await,
        "suspended"
    );
    run(&app, PayoutType::Commission, now + Duration::minutes(2)).await;
    assert_eq!(stripe.transfers().len(), 1);
    for action in ["risk.flag", "risk.clear", "risk.confirm"] {
        assert_eq!(
            audit_count(&app, action).await,
            if action == "risk.flag" { 2 } else { 1 },
            "{action}"
        );
    }
    assert_reconciled(&app).await;
}

/// Every partner's ledger ends where its totals and the reconcile check's sums say it must.
pub(crate) async fn assert_ledgers_agree(app: &TestApp, partner: i64, step: &str) {
    use app::server::db::ledger;
    let latest = ledger::page(&app.pool, partner, 0, 1).await.unwrap();
    let last_balance = latest.first().map_or(0, |m| m.balance_cents);
    let totals = ledger::totals(&app.pool, partner, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        last_balance,
        totals.balance(),
        "{step}: ledger vs totals {totals:?}"
    );
    let report = app::server::services::reconcile::check(&state(app))
        .await
        .unwrap();
    assert!(report.balanced(), "{step}: {:#?}", report.problems);
    let line = report.partners.iter().find(|l| l.partner_id == partner);
    let owed = line.map_or(0, |l| {
        l.pending_cents + l.approved_cents + l.adjusted_cents - l.netted_cents
    });
    assert_eq!(last_balance, owed, "{step}: ledger vs reconcile {line:?}");
    let everything = ledger::count(&app.pool, partner).await.unwrap();
    let all = ledger::page(&app.pool, partner, 0, everything + 1)
        .await
        .unwrap();
    let sum: i64 = all.iter().map(|m| m.amount_cents).sum();
    assert_eq!(
        sum, last_balance,
        "{step}: the movements add up to the balance"
    );
}

/// A small deterministic generator (the sequence is printed when the test fails).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn the_ledger_agrees_with_the_reconcile_check_after_a_random_sequence_of_money_events() {
    let (stripe, app, partner, code) = program("2", "10", false).await;
    let seed = std::env::var("LEDGER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(14);
    let mut rng = Lcg(seed);
    let mut intents: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    for step in 0..18 {
        let now = Utc::now() + Duration::days(step);
        let action = rng.below(5);
        let label = match action {
            0 | 1 => {
                let intent = referred_payment(
                    &app,
                    &code,
                    &format!("p{step}@example.com"),
                    &format!("fp{step}"),
                )
                .await;
                intents.push(intent);
                "payment"
            }
            2 if !intents.is_empty() => {
                let i = rng.below(intents.len() as u64) as usize;
                refund(&app, &intents.remove(i)).await;
                "refund"
            }
            3 => {
                approve_all(&app, partner).await;
                "approve"
            }
            _ => {
                run(&app, PayoutType::Commission, now).await;
                "run"
            }
        };
        steps.push(label);
        assert_ledgers_agree(&app, partner, &format!("seed {seed}, steps {steps:?}")).await;
    }
    approve_all(&app, partner).await;
    run(
        &app,
        PayoutType::Commission,
        Utc::now() + Duration::days(30),
    )
    .await;
    assert_ledgers_agree(
        &app,
        partner,
        &format!("seed {seed}, final run after {steps:?}"),
    )
    .await;
    assert!(
        stripe
            .transfers()
            .iter()
            .all(|t| t["amount"].as_i64().unwrap() > 0)
    );
}

#[tokio::test]
async fn every_audited_action_writes_one_row_and_a_refused_or_rolled_back_one_none() {
    let stripe = FakeStripe::start();
    let app = spawn_with_controls(&stripe).await;
    crate::partners::register_partner(&app, ROSIE, "Rosie's Roses").await;
    app.log_out().await;
    let partner = partner_id(&app, ROSIE).await;
    admin(&app).await;
    let r = app
        .submit(
            &format!("/admin/partners/{partner}"),
            "/api/admin/partner/status",
            &[("partner_id", &partner.to_string()), ("action", "approve")],
        )
        .await;
    assert!(r.status().is_redirection());
    // A second click changes nothing, and writes nothing.
    app.submit(
        &format!("/admin/partners/{partner}"),
        "/api/admin/partner/status",
        &[("partner_id", &partner.to_string()), ("action", "approve")],
    )
    .await;
    assert_eq!(audit_count(&app, "partner.approve").await, 1);
    let (actor, request_id): (String, String) =
        sqlx::query_as("SELECT actor, request_id FROM audit_log WHERE action = 'partner.approve'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(actor, "Ada Admin");
    assert!(!request_id.is_empty(), "the row carries the request id");

    // Bad settings are refused field by field and write nothing; good ones write one row.
    set_program(&app, "a week", "20", false).await;
    assert_eq!(audit_count(&app, "settings.update").await, 0);
    set_program(&app, "3", "20", false).await;
    set_program(&app, "3", "20", false).await;
    assert_eq!(
        audit_count(&app, "settings.update").await,
        1,
        "saving the same values again changes nothing"
    );

    app.log_out().await;
    let code = crate::partners::code_of(&app, ROSIE).await;
    referred_payment(&app, &code, "c1@example.com", "fp1").await;
    referred_payment(&app, &code, "c2@example.com", "fp2").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    app.log_in(ADMIN, PASSWORD).await;
    app.submit(
        "/admin/commissions",
        "/api/admin/commissions/approve",
        &[("commission_id", &ids[0].to_string())],
    )
    .await;
    app.submit(
        "/admin/commissions",
        "/api/admin/commissions/reject",
        &[
            ("commission_id", &ids[1].to_string()),
            ("reason", "Test order"),
        ],
    )
    .await;
    // Rejecting the approved one is refused: no row.
    app.submit(
        "/admin/commissions",
        "/api/admin/commissions/reject",
        &[
            ("commission_id", &ids[0].to_string()),
            ("reason", "Too late"),
        ],
    )
    .await;
    assert_eq!(audit_count(&app, "commission.approve").await, 1);
    assert_eq!(audit_count(&app, "commission.reject").await, 1);

    // The log is append-only.
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'someone else'")
            .execute(&app.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&app.pool)
            .await
            .is_err()
    );

    // A change that rolls back leaves no row: the row is written on the action's transaction.
    let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    {
        let mut tx = app.pool.begin().await.unwrap();
        sqlx::query("UPDATE partners SET status = 'suspended' WHERE id = $1")
            .bind(partner)
            .execute(&mut *tx)
            .await
            .unwrap();
        let change = app::server::db::audit::Change {
            action: "partner.suspend",
            subject_type: "partner",
            subject_id: partner,
            partner_id: Some(partner),
            before: "active".into(),
            after: "suspended".into(),
        };
        app::server::db::audit::record(&mut tx, &crate::payouts::test_actor(), &change, Utc::now())
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, before);
    assert_eq!(
        app.scalar_text(&format!("SELECT status FROM partners WHERE id = {partner}"))
            .await,
        "active"
    );

    // The activity page lists them, filtered by action, and the partner's page its own slice.
    let (_, html) = app.page("/admin/activity?action=commission").await;
    assert!(
        html.contains("commission.approve") && html.contains("commission.reject"),
        "{html}"
    );
    assert!(!html.contains("settings.update"), "{html}");
    let (_, html) = app.page(&format!("/admin/partners/{partner}")).await;
    assert!(html.contains("partner.approve"), "{html}");
}

#[tokio::test]
async fn csv_exports_download_what_the_page_shows_and_reparse_to_the_same_rows() {
    let stripe = FakeStripe::start();
    let app = spawn_with_controls(&stripe).await;
    crate::partners::register_partner(&app, ROSIE, "Rosie's \"Best\", Roses").await;
    app.log_out().await;
    let partner = partner_id(&app, ROSIE).await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(partner)
        .execute(&app.pool)
        .await
        .unwrap();
    let code = crate::partners::code_of(&app, ROSIE).await;
    for i in 0..3 {
        referred_payment(&app, &code, &format!("c{i}@example.com"), &format!("fp{i}")).await;
    }
    let first = app.scalar("SELECT MIN(id) FROM commissions").await;
    admin(&app).await;
    app.submit(
        "/admin/commissions",
        "/api/admin/commissions/reject",
        &[
            ("commission_id", &first.to_string()),
            ("reason", "=cmd|' /C calc'!A0, \"quoted\"\nline"),
        ],
    )
    .await;

    let response = app.get("/admin/exports/commissions.csv?status=all").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("commissions.csv")
    );
    let rows = crate::csv_read::parse_csv(&response.text().await.unwrap());
    assert_eq!(rows[0][0], "id");
    assert_eq!(rows.len(), 4, "a header and three commissions: {rows:?}");
    let db: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT id, amount_cents, status FROM commissions ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for (row, (id, cents, status)) in rows[1..].iter().zip(&db) {
        assert_eq!(row[0], id.to_string());
        assert_eq!(row[3], "Rosie's \"Best\", Roses");
        assert_eq!(row[6], "Cora Tester", "admins see the whole name");
        assert_eq!(row[7], format!("{}.{:02}", cents / 100, cents % 100));
        assert_eq!(&row[9], status);
    }
    assert_eq!(
        rows[1][11], "'=cmd|' /C calc'!A0, \"quoted\"\nline",
        "a formula typed by a person is defused"
    );
    // Filtered as on screen: the default list is what waits for review.
    let pending = crate::csv_read::parse_csv(
        &app.get("/admin/exports/commissions.csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(pending.len(), 3);
    // Partners download only their own; others get nothing.
    app.log_out().await;
    assert_eq!(
        app.get("/admin/exports/commissions.csv").await.status(),
        404
    );
    app.log_in(ROSIE, PASSWORD).await;
    let own = crate::csv_read::parse_csv(
        &app.get("/partner/exports/commissions.csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(own.len(), 4);
    assert!(
        own[1..].iter().all(|row| row[6] == "Cora T."),
        "partners get a first name and an initial, as on their page: {own:?}"
    );
    let ledger = crate::csv_read::parse_csv(
        &app.get("/partner/exports/ledger.csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        ledger.len(),
        1 + 3 + 1,
        "three earned and one voided: {ledger:?}"
    );
    assert_eq!(
        ledger.last().unwrap()[5],
        "10.00",
        "the balance after the voided one"
    );
}
