//! Results by period (issue 14): a partner's referred revenue, new customers, commissions by
//! status and payouts for the period they pick, and the program's totals with its top partners.
//! Payments and commissions are moved into last month by date (the clock of a stored row), the
//! payout is a real run against the fake Stripe.

use crate::controls::{referred_payment, refund};
use crate::fake_stripe::FakeStripe;
use crate::helpers::{PASSWORD, TestApp, testid_text, testid_texts};
use crate::partners::{code_of, partner_id, register_partner};
use crate::payouts::{paid_partner, run, spawn_with_stripe, state};
use app::domain::payout::PayoutType;
use chrono::{Datelike, Duration, Months, NaiveDate, Utc};

const ROSIE: &str = "rosie@example.com";

/// The figures a period's page shows: revenue, new customers, earned, paid out, and the amounts
/// per status (pending, approved, paid, voided).
async fn figures(app: &TestApp, path: &str) -> (String, String, String, String, Vec<String>) {
    let (_, html) = app.page(path).await;
    (
        testid_text(&html, "metric-revenue"),
        testid_text(&html, "metric-new-customers"),
        testid_text(&html, "metric-earned"),
        testid_text(&html, "metric-paid-out"),
        testid_texts(&html, "status-amount"),
    )
}

fn s(v: &str) -> String {
    v.to_owned()
}

#[tokio::test]
async fn partners_and_admins_see_each_period_with_its_own_numbers() {
    let stripe = FakeStripe::start();
    let app = spawn_with_stripe(&stripe).await;
    // Three referred customers pay $95.00 (a $100 delivery less the $5 discount); $5.00 each.
    paid_partner(&app, &stripe, 3).await;
    let settings = state(&app).settings;
    let today = settings.day_of(Utc::now());
    let last_month = today.with_day(1).unwrap() - Months::new(1);
    // The first customer paid last month (noon on its first day, business time).
    let then = settings.day_start(last_month) + Duration::hours(12);
    let first_payment: i64 = app
        .scalar("SELECT MIN(id) FROM payments WHERE status = 'succeeded'")
        .await;
    sqlx::query("UPDATE payments SET created_at = $1 WHERE id = $2")
        .bind(then)
        .bind(first_payment)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE commissions SET created_at = $1 WHERE payment_id = $2")
        .bind(then)
        .bind(first_payment)
        .execute(&app.pool)
        .await
        .unwrap();
    // Today's run pays all three ($15.00).
    let summary = run(&app, PayoutType::Commission, Utc::now()).await;
    assert_eq!((summary.sent, summary.sent_cents), (1, 1500));

    app.log_in(ROSIE, PASSWORD).await;
    let (_, dashboard) = app.page("/partner/dashboard").await;
    assert!(
        dashboard.contains("href=\"/partner/metrics\""),
        "the dashboard links to the results"
    );
    let (_, html) = app.page("/partner/metrics").await;
    assert_eq!(
        testid_text(&html, "period-title"),
        today.format("%B %Y").to_string(),
        "this month unless another period is picked"
    );
    let this_month = (
        s("$190.00"),
        s("2"),
        s("$10.00"),
        s("$15.00"),
        vec![s("$0.00"), s("$0.00"), s("$10.00"), s("$0.00")],
    );
    assert_eq!(figures(&app, "/partner/metrics").await, this_month);
    assert_eq!(
        figures(&app, "/partner/metrics?period=this_month").await,
        this_month
    );
    assert_eq!(
        figures(&app, "/partner/metrics?period=last_month").await,
        (
            s("$95.00"),
            s("1"),
            s("$5.00"),
            s("$0.00"),
            vec![s("$0.00"), s("$0.00"), s("$5.00"), s("$0.00")]
        ),
        "the payout completed this month, so last month paid out nothing"
    );
    let both = format!("/partner/metrics?period=custom&from={last_month}&to={today}");
    let (revenue, customers, earned, paid_out, _) = figures(&app, &both).await;
    assert_eq!(
        (revenue, customers, earned, paid_out),
        (s("$285.00"), s("3"), s("$15.00"), s("$15.00"))
    );

    // Dates the wrong way round: the picker again, with the reason, and no numbers.
    let (_, html) = app
        .page(&format!(
            "/partner/metrics?period=custom&from={today}&to={last_month}"
        ))
        .await;
    assert!(
        html.contains("The start date must be on or before the end date."),
        "{html}"
    );
    assert!(
        html.contains("name=\"from\""),
        "the custom dates can be fixed"
    );
    assert_eq!(testid_text(&html, "metric-revenue"), "");
    let (_, html) = app.page("/partner/metrics?period=fortnight").await;
    assert!(html.contains("Pick one of the periods offered."));

    // A refunded payment is not revenue; its customer still became one this month.
    let second: String = app
        .scalar_text(&format!(
            "SELECT stripe_payment_intent_id FROM payments WHERE status = 'succeeded' AND id > {first_payment} ORDER BY id LIMIT 1"
        ))
        .await;
    refund(&app, &second).await;
    let (revenue, customers, earned, _, by_status) = figures(&app, "/partner/metrics").await;
    assert_eq!((revenue, customers), (s("$95.00"), s("2")));
    assert_eq!(
        (earned, by_status[2].clone()),
        (s("$10.00"), s("$10.00")),
        "a commission already paid stays paid (the refund is a negative adjustment)"
    );
    app.log_out().await;

    // A second partner, Bloom Co, whose two customers pay this month.
    register_partner(&app, "bloom@example.com", "Bloom Co").await;
    app.log_out().await;
    let bloom = partner_id(&app, "bloom@example.com").await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(bloom)
        .execute(&app.pool)
        .await
        .unwrap();
    let code = code_of(&app, "bloom@example.com").await;
    referred_payment(&app, &code, "zed@example.com", "card_zed").await;
    referred_payment(&app, &code, "yan@example.com", "card_yan").await;

    app.make_admin("admin@example.com").await;
    app.log_in("admin@example.com", PASSWORD).await;
    let (_, home) = app.page("/admin").await;
    assert!(home.contains("href=\"/admin/metrics\""));
    let (_, html) = app.page("/admin/metrics").await;
    assert_eq!(testid_text(&html, "metric-revenue"), "$285.00");
    assert_eq!(testid_text(&html, "metric-new-customers"), "4");
    assert_eq!(testid_text(&html, "metric-earned"), "$20.00");
    let names = testid_texts(&html, "top-partner-name");
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "Bloom Co", "most referred revenue first");
    assert!(names[1].starts_with("Rosie"), "{names:?}");
    assert_eq!(
        testid_texts(&html, "top-partner-revenue"),
        [s("$190.00"), s("$95.00")]
    );
    let (_, html) = app.page("/admin/metrics?period=last_month").await;
    assert_eq!(testid_texts(&html, "top-partner-revenue"), [s("$95.00")]);
    assert_eq!(testid_text(&html, "metric-paid-out"), "$0.00");
    // A period with nothing in it says so.
    let (_, html) = app
        .page("/admin/metrics?period=custom&from=2020-01-01&to=2020-03-31")
        .await;
    assert!(html.contains("data-testid=\"no-top-partners\""));
    assert!(html.contains("data-testid=\"no-results\""));

    // Partners see only their own results: the program's are for admins.
    app.log_out().await;
    app.log_in(ROSIE, PASSWORD).await;
    let (_, html) = app.page("/admin/metrics").await;
    assert_eq!(testid_text(&html, "metric-revenue"), "", "{html}");
    assert!(html.contains("We could not find that page"));
}

#[tokio::test]
async fn a_period_is_whole_days_of_the_business_calendar() {
    // The bounds of "this month" are midnight in the business time zone, not in UTC.
    let app = TestApp::spawn().await;
    let settings = state(&app).settings;
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let start = settings.day_start(first);
    assert_eq!(settings.day_of(start), first);
    assert_eq!(
        settings.day_of(start - Duration::seconds(1)),
        first.pred_opt().unwrap()
    );
}
