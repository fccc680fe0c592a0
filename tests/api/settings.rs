//! Program settings (referral rate, new-customer discount) and per-partner terms: admins change
//! them, partners see them, and a change reaches only commissions and checkouts after it.

use crate::helpers::{PASSWORD, TestApp, location_path, testid_text};
use crate::partners::{apply, approved_partner, partner_id};

async fn log_in_admin(app: &TestApp) {
    app.log_out().await;
    app.make_admin("root@example.com").await;
    app.log_in("root@example.com", PASSWORD).await;
}

async fn save_program(app: &TestApp, rate: &str, discount: &str) -> (String, String) {
    let r = app
        .submit(
            "/admin/settings",
            "/api/admin/settings/update",
            &[
                ("rate", rate),
                ("discount", discount),
                ("holding_days", "7"),
                ("minimum", "20.00"),
            ],
        )
        .await;
    app.follow(r).await
}

async fn save_partner(app: &TestApp, id: i64, rate: &str, discount: &str) -> (String, String) {
    let r = app
        .submit(
            &format!("/admin/partners/{id}"),
            "/api/admin/partner/terms",
            &[
                ("partner_id", &id.to_string()),
                ("rate", rate),
                ("discount", discount),
            ],
        )
        .await;
    app.follow(r).await
}

/// (amount, rate) of every commission, oldest first.
async fn commission_rates(app: &TestApp) -> Vec<(i64, i64)> {
    sqlx::query_as("SELECT amount_cents, rate_bps FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// A new customer pays a single delivery with `budget` and `code`; returns the checkout total shown.
async fn referred_payment(app: &TestApp, email: &str, budget: &str, code: &str) -> String {
    app.log_out().await;
    app.sign_up(email, "Ann").await;
    let order = app.place_order(&[("budget", budget)]).await;
    let (_, html) = apply(app, order, code).await;
    app.pay(order).await;
    testid_text(&html, "total")
}

#[tokio::test]
async fn program_settings_reach_later_commissions_and_never_rewrite_earlier_ones() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    // At the defaults: $5.00 off, and 5% of $75.35 = 376.75 → 377 cents.
    assert_eq!(
        referred_payment(&app, "ann@example.com", "75.35", &code).await,
        "$70.35"
    );

    log_in_admin(&app).await;
    let (_, html) = app.page("/admin/settings").await;
    assert_eq!(testid_text(&html, "program-rate"), "5%");
    assert_eq!(testid_text(&html, "program-discount"), "$5.00");
    assert!(html.contains("Never changed"), "{html}");

    // Bad input: a message on each field, nothing saved.
    let (_, html) = save_program(&app, "60", "0").await;
    assert!(html.contains("Choose a rate between 0% and 50%."), "{html}");
    assert!(
        html.contains("A discount must be more than zero."),
        "{html}"
    );
    let (_, html) = save_program(&app, "5.125", "7.555").await;
    assert!(html.contains("at most two decimal places"), "{html}");
    assert!(
        html.contains("Use at most two decimal places (cents)."),
        "{html}"
    );
    let stored: (i64, i64) =
        sqlx::query_as("SELECT referral_rate_bps, discount_cents FROM program_settings")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, (500, 500));

    let r = app
        .submit(
            "/admin/settings",
            "/api/admin/settings/update",
            &[
                ("rate", "7.5"),
                ("discount", "$7.50"),
                ("holding_days", "7"),
                ("minimum", "20.00"),
            ],
        )
        .await;
    assert_eq!(location_path(&r), "/admin/settings?saved=1");
    let (_, html) = app.follow(r).await;
    assert!(html.contains("Saved."), "{html}");
    assert_eq!(testid_text(&html, "program-rate"), "7.5%");
    assert_eq!(testid_text(&html, "program-discount"), "$7.50");
    assert!(html.contains("by Ada Admin"), "who changed it: {html}");

    // A customer after the change: $7.50 off, and 7.5% of $75.35 = 565.125 → 565 cents.
    assert_eq!(
        referred_payment(&app, "ben@example.com", "75.35", &code).await,
        "$67.85"
    );
    assert_eq!(commission_rates(&app).await, vec![(377, 500), (565, 750)]);
    let usages: Vec<i64> =
        sqlx::query_scalar("SELECT discount_cents FROM discount_usages ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        usages,
        vec![500, 750],
        "each use keeps the discount it was given"
    );

    // The partner sees the terms now in force and the rate of each commission.
    app.log_out().await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert_eq!(testid_text(&html, "terms-rate"), "7.5%");
    assert_eq!(testid_text(&html, "terms-discount"), "$7.50");
    let rates: Vec<&str> = html
        .split("data-testid=\"commission-rate\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('>')?.1.split('<').next())
        .collect();
    assert_eq!(rates, vec!["7.5%", "5%"], "newest first: {html}");
    // And the public sign-up page states the program's terms.
    app.log_out().await;
    let (_, html) = app.page("/partner/register").await;
    assert!(
        html.contains("save $7.50") && html.contains("earn 7.5%"),
        "{html}"
    );
}

#[tokio::test]
async fn a_partner_with_own_terms_keeps_them_when_the_program_changes() {
    let app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    let id = partner_id(&app, "rosie@example.com").await;
    log_in_admin(&app).await;
    let overrides = || async {
        sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT referral_rate_bps, discount_cents FROM partners",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };

    let (_, html) = save_partner(&app, id, "ten", "5.555").await;
    assert!(
        html.contains("Enter a percentage, like 5 or 7.5."),
        "{html}"
    );
    assert!(
        html.contains("Use at most two decimal places (cents)."),
        "{html}"
    );
    assert_eq!(overrides().await, (None, None), "bad input changes nothing");

    // Her own rate; the discount stays the program's.
    let (_, html) = save_partner(&app, id, "10", "").await;
    assert_eq!(testid_text(&html, "terms-rate"), "10%");
    assert_eq!(testid_text(&html, "terms-discount"), "$5.00");
    assert_eq!(overrides().await, (Some(1000), None));

    // The program changes: her rate stays, her discount follows the program.
    save_program(&app, "3", "2").await;
    let (_, html) = app.page("/admin/settings").await;
    assert!(html.contains("1 partner has their own terms"), "{html}");
    let (_, html) = app.page(&format!("/admin/partners/{id}")).await;
    assert_eq!(testid_text(&html, "terms-rate"), "10%");
    assert_eq!(testid_text(&html, "terms-discount"), "$2.00");

    // 10% of $50.10 = 501 cents, $2.00 off.
    assert_eq!(
        referred_payment(&app, "ann@example.com", "50.10", &code).await,
        "$48.10"
    );
    assert_eq!(commission_rates(&app).await, vec![(501, 1000)]);

    // A customer cannot change terms: nothing happens.
    let r = app
        .submit(
            &format!("/admin/partners/{id}"),
            "/api/admin/partner/terms",
            &[("partner_id", &id.to_string()), ("rate", "50")],
        )
        .await;
    assert!(
        location_path(&r).contains("__err="),
        "refused: {}",
        location_path(&r)
    );
    assert_eq!(overrides().await, (Some(1000), None));

    // Emptying the fields returns her to the program's terms.
    log_in_admin(&app).await;
    let (_, html) = save_partner(&app, id, "", "").await;
    assert_eq!(testid_text(&html, "terms-rate"), "3%");
    assert_eq!(overrides().await, (None, None));
}
