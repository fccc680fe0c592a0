//! Delivery florists (issue 12): registration with service areas, booking links, the daily job
//! (offer, remind, expire, reassign, flag), the florist's request page and its answers.
//!
//! The job runs at a time each test sets (`TestApp::delivery_job(now)`); the request page answers
//! at the real time. Where a test needs "the delivery day" for the page, it moves the delivery's
//! date to today, as the calendar would.

use crate::helpers::{PASSWORD, TestApp, browser, location_path, testid_text};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};

pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Registers a florist through the form (signed in as them afterwards) covering `areas`.
async fn register_florist(
    app: &TestApp,
    email: &str,
    business: &str,
    slug: &str,
    areas: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields: Vec<(String, String)> = [
        ("email", email),
        ("password", PASSWORD),
        ("first_name", "Fiona"),
        ("last_name", "Fern"),
        ("business_name", business),
        ("phone", ""),
        ("partner_type", "delivery"),
        ("booking_slug", slug),
        ("street_address", "1 King St"),
        ("suburb", "Newtown"),
        ("city", "Sydney"),
        ("state", "NSW"),
        ("postcode", "2042"),
        ("country", "AU"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (i, (suburb, city)) in areas.iter().enumerate() {
        for (k, v) in [
            ("on", "on"),
            ("suburb", suburb),
            ("city", city),
            ("state", "NSW"),
            ("postcode", ""),
            ("country", "AU"),
        ] {
            fields.push((format!("areas[{i}][{k}]"), v.to_owned()));
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.submit("/partner/register", "/api/partners/register", &borrowed)
        .await
}

/// A registered and approved florist; returns the partner id. Signs out afterwards.
pub(crate) async fn florist(
    app: &TestApp,
    email: &str,
    business: &str,
    slug: &str,
    areas: &[(&str, &str)],
) -> i64 {
    let r = register_florist(app, email, business, slug, areas).await;
    assert_eq!(
        location_path(&r),
        "/partner/dashboard",
        "registration of {email}"
    );
    app.log_out().await;
    let id = app
        .scalar(&format!(
            "SELECT p.id FROM partners p JOIN users u ON u.id = p.user_id WHERE u.email = '{email}'"
        ))
        .await;
    sqlx::query("UPDATE partners SET status = 'active' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    id
}

/// A customer's paid single delivery in `suburb` (Sydney) on `date`; returns the event id.
pub(crate) async fn paid_delivery(
    app: &TestApp,
    email: &str,
    suburb: &str,
    date: NaiveDate,
) -> i64 {
    app.client_sign_up(email).await;
    let date = date.to_string();
    let order = app
        .place_order(&[
            ("suburb", suburb),
            ("first_delivery_date", &date),
            ("recipient_phone", "0400 000 111"),
            ("occasion", "birthday"),
        ])
        .await;
    app.pay(order).await;
    app.log_out().await;
    app.scalar(&format!("SELECT id FROM events WHERE order_id = {order}"))
        .await
}

trait SignUp {
    async fn client_sign_up(&self, email: &str);
}

impl SignUp for TestApp {
    async fn client_sign_up(&self, email: &str) {
        let r = self.sign_up(email, "Cora").await;
        assert!(r.status().is_redirection(), "sign-up of {email}");
    }
}

/// The requests of an event: `(partner id, status)` in the order they were made.
async fn requests(app: &TestApp, event: i64) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT partner_id, status FROM delivery_requests WHERE event_id = $1 ORDER BY id",
    )
    .bind(event)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn attention(app: &TestApp, event: i64) -> Option<String> {
    sqlx::query_scalar("SELECT attention FROM events WHERE id = $1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Waits for `n` mails with `subject_start` to `address`, then checks no more come.
pub(crate) async fn mails(
    app: &TestApp,
    address: &str,
    subject_start: &str,
    n: usize,
) -> Vec<crate::smtp::Received> {
    let matching = || {
        app.smtp
            .to(address)
            .into_iter()
            .filter(|m| m.subject().starts_with(subject_start))
            .collect::<Vec<_>>()
    };
    for _ in 0..60 {
        if matching().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let found = matching();
    assert_eq!(
        found.len(),
        n,
        "{subject_start:?} mails to {address}: {:?}",
        app.smtp
            .to(address)
            .iter()
            .map(|m| m.subject())
            .collect::<Vec<_>>()
    );
    found
}

/// The request page's path from a mail's link.
pub(crate) fn page_of(mail: &crate::smtp::Received) -> String {
    let link = mail
        .link("/partner/delivery-request/")
        .expect("link in the mail");
    link.split_once("/partner/")
        .map(|(_, p)| format!("/partner/{p}"))
        .unwrap()
}

/// Answers on the page at `page` as its form does (no JavaScript), returning the redirect target.
pub(crate) async fn answer(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> String {
    let r = app.submit(page, &format!("{page}/respond"), fields).await;
    assert_eq!(
        r.status(),
        reqwest::StatusCode::SEE_OTHER,
        "answer on {page}"
    );
    location_path(&r)
}

pub(crate) fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

#[tokio::test]
async fn step1_a_florist_registers_with_service_areas_and_no_discount_code() {
    let app = TestApp::spawn().await;
    let r = register_florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "Fern-And-Petal",
        &[("Newtown", "Sydney"), ("  surry   hills", "SYDNEY")],
    )
    .await;
    assert_eq!(location_path(&r), "/partner/dashboard");
    let (_, html) = app.follow(r).await;
    assert!(
        html.contains("/?delivery_partner=fern-and-petal"),
        "booking link on the dashboard"
    );
    let partner = app
        .scalar_text(
            "SELECT partner_type || ':' || booking_slug || ':' || street_address FROM partners",
        )
        .await;
    assert_eq!(partner, "delivery:fern-and-petal:1 King St");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM discount_codes").await, 0);
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT area_key FROM service_areas ORDER BY area_key")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(keys, ["newtown|sydney|au", "surry hills|sydney|au"]);

    // A taken slug and a florist without areas are refused with their messages; nothing is added.
    app.log_out().await;
    let users = app.user_count().await;
    let r = register_florist(
        &app,
        "other@example.com",
        "Other",
        "fern-and-petal",
        &[("Glebe", "Sydney")],
    )
    .await;
    let (_, html) = app.follow(r).await;
    assert!(html.contains("is taken"), "taken slug: {html}");
    let r = register_florist(&app, "other@example.com", "Other", "other-shop", &[]).await;
    let (_, html) = app.follow(r).await;
    assert!(
        html.contains("Add at least one suburb you deliver to."),
        "no area"
    );
    assert_eq!(app.user_count().await, users);
}

#[tokio::test]
async fn steps2_3_a_booking_link_is_remembered_and_sets_the_source_florist_once() {
    let app = TestApp::spawn().await;
    let florist = florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;

    // An unknown slug is ignored, not an error.
    let r = app.get("/?delivery_partner=nobody-here").await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert!(
        r.headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().contains("ff_florist"))
    );

    let r = app.get("/?delivery_partner=fern").await;
    assert!(r.headers().get_all("set-cookie").iter().any(|c| {
        c.to_str()
            .unwrap()
            .starts_with(&format!("ff_florist={florist}"))
    }));
    let (_, html) = app.page("/signup").await;
    assert!(
        html.contains("Recommended by Fern &amp; Petal"),
        "sign-up page: {html}"
    );
    app.client_sign_up("cora@example.com").await;
    let source = app
        .scalar("SELECT source_partner_id FROM users WHERE email = 'cora@example.com'")
        .await;
    assert_eq!(source, florist);

    // The public resolve call: id and name, or nothing.
    let r = app.get("/api/florists/resolve?slug=fern").await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["id"], florist);
    assert_eq!(body["name"], "Fern & Petal");
    let r = app.get("/api/florists/resolve?slug=nobody").await;
    assert_eq!(r.text().await.unwrap(), "null");
}

#[tokio::test]
async fn steps4_5_the_job_offers_at_14_days_once_and_the_florist_accepts_from_the_mail() {
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let date = today() + Days::new(20);
    let event = paid_delivery(&app, "cora@example.com", "newtown", date).await;

    // 15 days before: too early. 14 days before: offered, once, however often the job runs.
    let early = app.delivery_job(at(date - Days::new(15), 9)).await;
    assert_eq!(early.offered, 0);
    let now = at(date - Days::new(14), 9);
    assert_eq!(app.delivery_job(now).await.offered, 1);
    assert_eq!(
        app.delivery_job(now).await,
        Default::default(),
        "a second run the same day"
    );
    assert_eq!(app.delivery_job(now + Duration::hours(3)).await.offered, 0);
    let offer = &mails(&app, "fiona@example.com", "Delivery request:", 1).await[0];
    assert!(
        offer.data.contains("You are paid: $75.35"),
        "{}",
        offer.data
    );
    let page = page_of(offer);

    // Opening the page (a mail scanner does too) changes nothing.
    for _ in 0..2 {
        let (_, html) = app.page(&page).await;
        assert!(html.contains("Accept"), "{html}");
        assert!(html.contains("$75.35"));
        assert!(
            !html.contains("0400 000 111"),
            "the phone waits for acceptance"
        );
    }
    assert_eq!(requests(&app, event).await[0].1, "pending");
    let r = app.get(&page).await;
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");

    let target = answer(&app, &page, &[("action", "accept")]).await;
    assert!(target.ends_with("?done=accepted"), "{target}");
    let (_, html) = app.page(&target).await;
    assert!(html.contains("You accepted this delivery"));
    assert!(html.contains("0400 000 111"), "phone after accepting");
    assert!(
        html.contains("12 Rose Lane"),
        "full address after accepting"
    );
    assert_eq!(requests(&app, event).await[0].1, "accepted");

    // A second answer changes nothing and says so.
    let target = answer(
        &app,
        &page,
        &[("action", "decline"), ("reason", "fully_booked")],
    )
    .await;
    assert!(target.ends_with("?e=already"), "{target}");
    assert_eq!(requests(&app, event).await[0].1, "accepted");
}

#[tokio::test]
async fn step6_a_decline_by_the_source_florist_earns_a_commission_once_and_reassigns() {
    let app = TestApp::spawn().await;
    let fern = florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let bloom = florist(
        &app,
        "bea@example.com",
        "Bloom Room",
        "bloom",
        &[("Newtown", "Sydney")],
    )
    .await;
    app.get("/?delivery_partner=fern").await;
    let date = today() + Days::new(12);
    let event = paid_delivery(&app, "cora@example.com", "Newtown", date).await;
    app.delivery_job(Utc::now()).await;
    // The customer's own florist is asked first.
    assert_eq!(requests(&app, event).await, [(fern, "pending".to_owned())]);
    let page = page_of(&mails(&app, "fiona@example.com", "Delivery request:", 1).await[0]);

    // "Other" needs a few words; nothing changes until then.
    let target = answer(
        &app,
        &page,
        &[("action", "decline"), ("reason", "other"), ("note", "")],
    )
    .await;
    assert!(target.ends_with("?e=note"));
    let target = answer(
        &app,
        &page,
        &[("action", "decline"), ("reason", "fully_booked")],
    )
    .await;
    assert!(target.ends_with("?done=declined"));
    assert_eq!(
        requests(&app, event).await,
        [(fern, "declined".to_owned()), (bloom, "pending".to_owned())]
    );
    let commission: (i64, i64, String) = sqlx::query_as(
        "SELECT partner_id, amount_cents, commission_type FROM commissions WHERE event_id = $1",
    )
    .bind(event)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // 5% of the $75.35 budget, half-to-even: $3.77.
    assert_eq!(commission, (fern, 377, "fulfillment".to_owned()));
    mails(&app, "bea@example.com", "Delivery request:", 1).await;
    // Declining again is refused, and the commission stays single.
    answer(&app, &page, &[("action", "decline"), ("reason", "closed")]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM commissions").await, 1);
}

#[tokio::test]
async fn step7_an_unanswered_offer_expires_goes_to_each_florist_once_then_to_an_admin() {
    let app = TestApp::spawn().await;
    let a = florist(
        &app,
        "a@example.com",
        "Ash Flowers",
        "ash",
        &[("Newtown", "Sydney")],
    )
    .await;
    let b = florist(
        &app,
        "b@example.com",
        "Birch Flowers",
        "birch",
        &[("Newtown", "Sydney")],
    )
    .await;
    let date = today() + Days::new(10);
    let event = paid_delivery(&app, "cora@example.com", "Newtown", date).await;
    app.delivery_job(at(date - Days::new(10), 0)).await;
    let first = requests(&app, event).await[0].0;

    // Past the answer-by time (48 h before the day): expired, offered to the other florist.
    let expiry = at(date - Days::new(2), 0) + Duration::minutes(1);
    let run = app.delivery_job(expiry).await;
    assert_eq!((run.expired, run.reassigned), (1, 1));
    let asked = requests(&app, event).await;
    let second = if first == a { b } else { a };
    assert_eq!(
        asked,
        [
            (first, "expired".to_owned()),
            (second, "pending".to_owned())
        ]
    );
    mails(
        &app,
        if second == a {
            "a@example.com"
        } else {
            "b@example.com"
        },
        "Delivery request:",
        1,
    )
    .await;

    // That one lapses too: nobody is left, the event waits for an admin, nobody is asked twice.
    let run = app.delivery_job(expiry + Duration::hours(13)).await;
    assert_eq!((run.expired, run.reassigned, run.flagged), (1, 0, 1));
    assert_eq!(requests(&app, event).await.len(), 2);
    assert_eq!(attention(&app, event).await.as_deref(), Some("nobody_left"));
    assert_eq!(
        app.delivery_job(expiry + Duration::hours(14)).await,
        Default::default()
    );
}

#[tokio::test]
async fn a_missed_week_is_caught_up_and_too_late_goes_to_an_admin() {
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let soon = today() + Days::new(9);
    let sooner = today() + Days::new(3);
    let e1 = paid_delivery(&app, "cora@example.com", "Newtown", soon).await;
    let e2 = paid_delivery(&app, "dan@example.com", "Newtown", sooner).await;
    let e3 = paid_delivery(&app, "eve@example.com", "Erskineville", soon).await;
    // The job did not run for days: the first run offers everything still possible.
    let run = app.delivery_job(at(sooner - Days::new(1), 18)).await;
    assert_eq!(requests(&app, e1).await.len(), 1, "caught up");
    assert_eq!(requests(&app, e2).await.len(), 0);
    assert_eq!(attention(&app, e2).await.as_deref(), Some("no_time"));
    assert_eq!(attention(&app, e3).await.as_deref(), Some("nobody_covers"));
    assert_eq!((run.offered, run.flagged), (1, 2));
}

#[tokio::test]
async fn paused_and_suspended_florists_are_skipped() {
    let app = TestApp::spawn().await;
    let paused = florist(
        &app,
        "p@example.com",
        "Paused Petals",
        "paused",
        &[("Newtown", "Sydney")],
    )
    .await;
    let suspended = florist(
        &app,
        "s@example.com",
        "Gone Gardens",
        "gone",
        &[("Newtown", "Sydney")],
    )
    .await;
    let open = florist(
        &app,
        "o@example.com",
        "Open Orchids",
        "open",
        &[("Newtown", "Sydney")],
    )
    .await;
    let date = today() + Days::new(8);
    sqlx::query("UPDATE partners SET paused_until = $2 WHERE id = $1")
        .bind(paused)
        .bind(date + Days::new(1))
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE partners SET status = 'suspended' WHERE id = $1")
        .bind(suspended)
        .execute(&app.pool)
        .await
        .unwrap();
    let event = paid_delivery(&app, "cora@example.com", "Newtown", date).await;
    app.delivery_job(Utc::now()).await;
    assert_eq!(requests(&app, event).await, [(open, "pending".to_owned())]);
    // A pause ends on its date: deliveries from that day on are offered again.
    let later = paid_delivery(&app, "dan@example.com", "Newtown", date + Days::new(1)).await;
    sqlx::query("UPDATE partners SET last_offered_at = NULL WHERE id = $1")
        .bind(paused)
        .execute(&app.pool)
        .await
        .unwrap();
    app.delivery_job(Utc::now()).await;
    assert_eq!(requests(&app, later).await[0].0, paused);
}

#[tokio::test]
async fn accept_and_decline_racing_on_one_request_exactly_one_wins() {
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let event = paid_delivery(&app, "cora@example.com", "Newtown", today() + Days::new(10)).await;
    app.delivery_job(Utc::now()).await;
    let page = page_of(&mails(&app, "fiona@example.com", "Delivery request:", 1).await[0]);
    let mut answers = Vec::new();
    for i in 0..8 {
        let fields: &[(&str, &str)] = if i % 2 == 0 {
            &[("action", "accept")]
        } else {
            &[("action", "decline"), ("reason", "too_far")]
        };
        answers.push(answer(&app, &page, fields));
    }
    let targets = futures::future::join_all(answers).await;
    let won: Vec<_> = targets.iter().filter(|t| t.contains("?done=")).collect();
    assert_eq!(won.len(), 1, "{targets:?}");
    let status = &requests(&app, event).await[0].1;
    assert!(won[0].ends_with(status.as_str()), "{won:?} vs {status}");
    assert!(
        targets
            .iter()
            .filter(|t| !t.contains("?done="))
            .all(|t| t.ends_with("?e=already"))
    );
}

#[tokio::test]
async fn a_withdrawal_before_the_day_reassigns_at_once_and_on_the_day_is_refused() {
    let app = TestApp::spawn().await;
    let fern = florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let bloom = florist(
        &app,
        "bea@example.com",
        "Bloom Room",
        "bloom",
        &[("Newtown", "Sydney")],
    )
    .await;
    let event = paid_delivery(&app, "cora@example.com", "Newtown", today() + Days::new(10)).await;
    app.delivery_job(Utc::now()).await;
    let first = requests(&app, event).await[0].0;
    let (mail, other) = if first == fern {
        ("fiona@example.com", bloom)
    } else {
        ("bea@example.com", fern)
    };
    let page = page_of(&mails(&app, mail, "Delivery request:", 1).await[0]);
    answer(&app, &page, &[("action", "accept")]).await;

    // On the delivery day withdrawing is refused.
    sqlx::query("UPDATE events SET delivery_date = $2 WHERE id = $1")
        .bind(event)
        .bind(today())
        .execute(&app.pool)
        .await
        .unwrap();
    let target = answer(&app, &page, &[("action", "withdraw"), ("reason", "closed")]).await;
    assert!(target.ends_with("?e=on_the_day"), "{target}");
    // Before the day it is taken, and the next florist is asked at once (two days ahead here: the
    // day before, a reassignment with under 16 hours to go goes to an admin instead).
    sqlx::query("UPDATE events SET delivery_date = $2 WHERE id = $1")
        .bind(event)
        .bind(today() + Days::new(2))
        .execute(&app.pool)
        .await
        .unwrap();
    let target = answer(&app, &page, &[("action", "withdraw"), ("reason", "closed")]).await;
    assert!(target.ends_with("?done=withdrawn"), "{target}");
    assert_eq!(
        requests(&app, event).await,
        [
            (first, "withdrawn".to_owned()),
            (other, "pending".to_owned())
        ]
    );
}

#[tokio::test]
async fn unknown_expired_and_answered_links_get_their_own_pages() {
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let (_, html) = app.page("/partner/delivery-request/not-a-real-token").await;
    assert!(
        html.contains("We can't find this delivery request"),
        "{html}"
    );
    let r = app.get("/partner/delivery-request/not-a-real-token").await;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);

    let event = paid_delivery(&app, "cora@example.com", "Newtown", today() + Days::new(10)).await;
    app.delivery_job(Utc::now()).await;
    let page = page_of(&mails(&app, "fiona@example.com", "Delivery request:", 1).await[0]);
    // Its answer-by time passes (the job has not run yet): the page says so, and accepting fails.
    sqlx::query("UPDATE delivery_requests SET expires_at = $2 WHERE event_id = $1")
        .bind(event)
        .bind(Utc::now() - Duration::minutes(1))
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, html) = app.page(&page).await;
    assert!(
        html.contains("The time to answer this request passed"),
        "{html}"
    );
    let target = answer(&app, &page, &[("action", "accept")]).await;
    assert!(target.ends_with("?e=too_late"));
    assert_eq!(requests(&app, event).await[0].1, "pending");
}

#[tokio::test]
async fn reminder_and_delivery_day_mails_come_once_and_the_florist_marks_it_delivered_with_a_photo()
{
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let date = today() + Days::new(12);
    let event = paid_delivery(&app, "cora@example.com", "Newtown", date).await;
    app.delivery_job(at(date - Days::new(14), 8)).await;
    // A week before the day: one reminder, however often the job runs.
    let week = at(date - Days::new(7), 8);
    assert_eq!(app.delivery_job(week).await.reminded, 1);
    assert_eq!(
        app.delivery_job(week + Duration::hours(1)).await.reminded,
        0
    );
    let reminder = &mails(&app, "fiona@example.com", "Reminder:", 1).await[0];
    let page = page_of(reminder);
    answer(&app, &page, &[("action", "accept")]).await;

    // Before the day there is nothing to report yet.
    let (_, html) = app.page(&page).await;
    assert!(!html.contains("Mark delivered"));
    // The delivery day: one mail asking to confirm.
    sqlx::query("UPDATE events SET delivery_date = $2 WHERE id = $1")
        .bind(event)
        .bind(today())
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.delivery_job(Utc::now()).await.day_mails, 1);
    assert_eq!(app.delivery_job(Utc::now()).await.day_mails, 0);
    let day = &mails(&app, "fiona@example.com", "Today:", 1).await[0];
    let day_page = page_of(day);
    let (_, html) = app.page(&day_page).await;
    assert!(html.contains("Mark delivered"), "{html}");

    // A photo that is not a photo is refused; a PNG is kept and the delivery is done.
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("action", "delivered")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name("proof.png"),
            );
        app.client
            .post(app.url(&format!("{day_page}/respond")))
            .header("origin", &app.address)
            .multipart(form)
            .send()
    };
    let r = upload(b"<svg onload=alert(1)>".to_vec()).await.unwrap();
    assert!(location_path(&r).ends_with("?e=photo_type"));
    assert_eq!(requests(&app, event).await[0].1, "accepted");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let r = upload(png.clone()).await.unwrap();
    assert!(
        location_path(&r).ends_with("?done=delivered"),
        "{}",
        location_path(&r)
    );
    assert_eq!(requests(&app, event).await[0].1, "delivered");
    assert_eq!(
        app.scalar_text(&format!("SELECT status FROM events WHERE id = {event}"))
            .await,
        "delivered"
    );
    let path = app
        .scalar_text(&format!(
            "SELECT photo_path FROM delivery_requests WHERE event_id = {event}"
        ))
        .await;
    assert_eq!(std::fs::read(&path).unwrap(), png);
}

#[tokio::test]
async fn card_left_gives_24_hours_then_an_admin_takes_over_and_assigns_another_florist() {
    let mut app = TestApp::spawn().await;
    let fern = florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let bloom = florist(
        &app,
        "bea@example.com",
        "Bloom Room",
        "bloom",
        &[("Glebe", "Sydney")],
    )
    .await;
    let event = paid_delivery(&app, "cora@example.com", "Newtown", today() + Days::new(10)).await;
    app.delivery_job(Utc::now()).await;
    let page = page_of(&mails(&app, "fiona@example.com", "Delivery request:", 1).await[0]);
    answer(&app, &page, &[("action", "accept")]).await;
    sqlx::query("UPDATE events SET delivery_date = $2 WHERE id = $1")
        .bind(event)
        .bind(today())
        .execute(&app.pool)
        .await
        .unwrap();
    let target = answer(
        &app,
        &page,
        &[("action", "not_delivered"), ("reason", "not_home")],
    )
    .await;
    assert!(target.ends_with("?done=card_left"));
    assert_eq!(
        app.delivery_job(Utc::now()).await.flagged,
        0,
        "within 24 hours"
    );
    let run = app.delivery_job(Utc::now() + Duration::hours(25)).await;
    assert_eq!(run.flagged, 1);
    assert_eq!(requests(&app, event).await, [(fern, "failed".to_owned())]);
    assert_eq!(
        attention(&app, event).await.as_deref(),
        Some("card_left_lapsed")
    );

    // The admin queue lists it; assigning a florist by hand mails them a request.
    app.make_admin("boss@example.com").await;
    app.client = browser();
    app.log_in("boss@example.com", PASSWORD).await;
    let (_, html) = app.page("/admin/deliveries").await;
    assert!(html.contains("Card left, no news for 24 hours"), "{html}");
    assert_eq!(testid_text(&html, "needs-florist-count"), "1");
    let r = app
        .submit(
            "/admin/deliveries",
            "/api/admin/assign-florist",
            &[
                ("event_id", &event.to_string()),
                ("partner_id", &bloom.to_string()),
            ],
        )
        .await;
    assert_eq!(location_path(&r), "/admin/deliveries");
    assert_eq!(attention(&app, event).await, None);
    assert_eq!(
        requests(&app, event).await[1],
        (bloom, "pending".to_owned())
    );
    mails(&app, "bea@example.com", "Delivery request:", 1).await;
}

#[tokio::test]
async fn the_job_never_runs_twice_at_once() {
    let app = TestApp::spawn().await;
    let state = futureflower::http::state_with_pool(&app.config, app.pool.clone());
    let now = Utc::now();
    assert!(
        app::server::db::job_leases::take(
            &app.pool,
            "delivery-notifications",
            "other",
            now,
            now + Duration::minutes(5)
        )
        .await
        .unwrap()
    );
    let run = app::server::services::delivery_job::run(&state, now, |_, _| {})
        .await
        .unwrap();
    assert_eq!(run, app::server::services::delivery_job::Run::Busy);
}

#[tokio::test]
async fn the_cli_job_prints_progress_and_a_summary_and_refuses_a_bad_time() {
    let app = TestApp::spawn().await;
    florist(
        &app,
        "fiona@example.com",
        "Fern & Petal",
        "fern",
        &[("Newtown", "Sydney")],
    )
    .await;
    let date = today() + Days::new(20);
    paid_delivery(&app, "cora@example.com", "Newtown", date).await;
    paid_delivery(&app, "dan@example.com", "Glebe", date).await;
    let dir = tempfile::tempdir().unwrap();
    let now = at(date - Days::new(14), 6).to_rfc3339();
    let run = |args: &[&str]| crate::cli::futureflower_in(dir.path(), &app.db, args, "");
    let out = run(&["jobs", "delivery-notifications", "--now", &now]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("offers: 1 offered"),
        "a progress line: {stderr}"
    );
    assert!(
        stdout.contains("1 offered, 0 reminded, 0 expired, 0 reassigned, 1 flagged for an admin"),
        "{stdout}"
    );
    // Again: nothing twice.
    let again = run(&["jobs", "delivery-notifications", "--now", &now]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 offered, 0 reminded"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM delivery_requests").await,
        1
    );

    let bad = run(&["jobs", "delivery-notifications", "--now", "next tuesday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an RFC 3339 time"));
}
