//! The mails people get from what happens to their orders and commissions (issue 11), each once,
//! in the transaction of its cause, and the partner's switch for the optional ones.

use crate::helpers::{PASSWORD, TestApp, browser, event};
use crate::partners::{apply, approved_partner};
use serde_json::json;

/// Ann (referred by Rosie's Roses) with a paid single delivery ($75.35 less the $5.00 discount).
async fn referred_paid_order(app: &TestApp) -> (i64, String) {
    let code = approved_partner(app).await;
    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(app, order, &code).await;
    app.pay(order).await;
    let intent = app
        .scalar_text(&format!(
            "SELECT stripe_payment_intent_id FROM payments WHERE order_id = {order}"
        ))
        .await;
    (order, intent)
}

async fn webhook(app: &TestApp, id: &str, kind: &str, object: serde_json::Value) {
    let response = app.webhook(&event(id, kind, object), None).await;
    assert!(response.status().is_success());
}

/// Waits until `n` mails have gone to `address` and returns them (failing if more arrive).
async fn mails_to(app: &TestApp, address: &str, n: usize) -> Vec<crate::smtp::Received> {
    for _ in 0..100 {
        if app.smtp.to(address).len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mails = app.smtp.to(address);
    assert_eq!(
        mails.len(),
        n,
        "mails to {address}: {:?}",
        mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    mails
}

async fn as_admin(app: &mut TestApp) {
    app.make_admin("boss@example.com").await;
    app.client = browser();
    app.log_in("boss@example.com", PASSWORD).await;
}

#[tokio::test]
async fn a_paid_order_is_confirmed_once_and_a_refund_is_announced_to_both_sides() {
    let app = TestApp::spawn().await;
    let (order, intent) = referred_paid_order(&app).await;
    let confirmation = &mails_to(&app, "ann@example.com", 1).await[0];
    assert_eq!(
        confirmation.subject(),
        format!("Your FutureFlower order #{order} is confirmed")
    );
    assert!(
        confirmation.data.contains("Paid: $70.35"),
        "{}",
        confirmation.data
    );
    assert!(confirmation.data.contains("Discount: -$5.00"));
    let date = app.delivery_dates(order).await[0]
        .format("%a %-d %b %Y")
        .to_string();
    assert!(
        confirmation.data.contains(&format!("- {date}")),
        "the delivery date is listed"
    );

    // The same payment reported again (another event id) changes nothing and sends nothing.
    let intent_object = json!({ "id": intent, "object": "payment_intent", "amount_received": 7035, "currency": "usd" });
    webhook(&app, "evt_again", "payment_intent.succeeded", intent_object).await;
    mails_to(&app, "ann@example.com", 1).await;

    // Refunded in full: Ann hears about the money, Rosie about the commission taken back.
    let charge = json!({ "id": "ch_1", "object": "charge", "payment_intent": intent, "amount": 7035,
        "amount_refunded": 7035, "refunded": true, "currency": "usd" });
    webhook(&app, "evt_refund", "charge.refunded", charge.clone()).await;
    webhook(&app, "evt_refund_again", "charge.refunded", charge).await;
    let ann = mails_to(&app, "ann@example.com", 2).await;
    let refund = ann
        .iter()
        .find(|m| m.subject().starts_with("Refund"))
        .unwrap();
    assert_eq!(
        refund.subject(),
        format!("Refund for your FutureFlower order #{order}")
    );
    assert!(refund.data.contains("We refunded $70.35"));
    // Rosie: the application mail at sign-up, then the commission taken back.
    let rosie = mails_to(&app, "rosie@example.com", 2).await;
    let taken_back = rosie
        .iter()
        .find(|m| m.subject().contains("was not approved"))
        .unwrap();
    assert!(taken_back.data.contains("Reason: The payment was refunded"));
    assert!(taken_back.data.contains(&format!("Order #{order}")));
}

#[tokio::test]
async fn approving_all_pending_commissions_sends_one_mail_and_a_rejection_gives_the_reason() {
    let mut app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    for customer in ["ann", "bob", "cat"] {
        app.sign_up(&format!("{customer}@example.com"), customer)
            .await;
        let order = app.place_order(&[]).await;
        apply(&app, order, &code).await;
        app.pay(order).await;
        app.log_out().await;
    }
    let partner = crate::partners::partner_id(&app, "rosie@example.com").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM commissions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    as_admin(&mut app).await;
    let reject = app
        .submit(
            "/admin/commissions",
            "/api/admin/commissions/reject",
            &[
                ("commission_id", &ids[0].to_string()),
                ("reason", "Ann is Rosie's sister."),
                ("back", ""),
            ],
        )
        .await;
    assert!(reject.status().is_redirection());
    app.submit(
        &format!("/admin/partners/{partner}"),
        "/api/admin/commissions/approve",
        &[("partner_id", &partner.to_string()), ("back", "")],
    )
    .await;
    // A second click finds nothing pending and sends nothing.
    app.submit(
        &format!("/admin/partners/{partner}"),
        "/api/admin/commissions/approve",
        &[("partner_id", &partner.to_string()), ("back", "")],
    )
    .await;
    // Mails leave several at a time, so they may arrive in any order.
    let rosie = mails_to(&app, "rosie@example.com", 3).await;
    let find = |subject: &str| {
        rosie
            .iter()
            .find(|m| m.subject() == subject)
            .unwrap_or_else(|| panic!("no mail {subject:?}"))
    };
    let rejected = find("A commission of $3.77 was not approved");
    assert!(rejected.data.contains("Reason: Ann is Rosie's sister."));
    let approved = find("2 commissions ($7.54) were approved");
    assert!(approved.data.contains("Turn these emails off"));
}

#[tokio::test]
async fn a_partner_who_turned_commission_mails_off_gets_none_but_still_gets_account_mails() {
    let mut app = TestApp::spawn().await;
    let code = approved_partner(&app).await;
    app.log_in("rosie@example.com", PASSWORD).await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(html.contains("On: we email you when commissions are approved or rejected."));
    app.submit(
        "/partner/dashboard",
        "/api/partners/commission-emails",
        &[("on", "false")],
    )
    .await;
    let (_, html) = app.page("/partner/dashboard").await;
    assert!(html.contains("Off: check this page for reviews."));
    app.log_out().await;

    app.sign_up("ann@example.com", "Ann").await;
    let order = app.place_order(&[]).await;
    apply(&app, order, &code).await;
    app.pay(order).await;
    as_admin(&mut app).await;
    let partner = crate::partners::partner_id(&app, "rosie@example.com").await;
    app.submit(
        &format!("/admin/partners/{partner}"),
        "/api/admin/commissions/approve",
        &[("partner_id", &partner.to_string()), ("back", "")],
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commissions WHERE status = 'approved'")
            .await,
        1
    );
    app.submit(
        &format!("/admin/partners/{partner}"),
        "/api/admin/partner/status",
        &[("partner_id", &partner.to_string()), ("action", "suspend")],
    )
    .await;
    // The application mail, then the suspension; no commission mail.
    let rosie = mails_to(&app, "rosie@example.com", 2).await;
    assert!(
        rosie
            .iter()
            .any(|m| m.subject() == "Your FutureFlower partnership is paused")
    );
}
