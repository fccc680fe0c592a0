//! The email outbox's storage (issue 11, first part): a mail is queued with the change that causes
//! it, at most once per cause, and each queued mail is claimed by exactly one sender at a time.

use crate::helpers::TestApp;
use app::server::db::emails::{self, NewEmail};
use chrono::{Duration, Utc};

fn mail(key: &str) -> NewEmail {
    NewEmail {
        dedupe_key: key.to_owned(),
        recipient: "rosie@example.com".to_owned(),
        kind: "partner-approved".to_owned(),
        subject: "You're approved".to_owned(),
        body_text: "Your code works now.".to_owned(),
        body_html: "<p>Your code works now.</p>".to_owned(),
    }
}

async fn count(app: &TestApp, status: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM emails WHERE status = '{status}'"
    ))
    .await
}

#[tokio::test]
async fn one_cause_queues_one_mail_and_a_rolled_back_change_queues_none() {
    let app = TestApp::spawn_without_mail_sender().await;
    let now = Utc::now();
    let mut tx = app.pool.begin().await.unwrap();
    assert!(
        emails::enqueue(&mut tx, &mail("partner-approved:1"), now)
            .await
            .unwrap()
    );
    assert!(
        !emails::enqueue(&mut tx, &mail("partner-approved:1"), now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let mut tx = app.pool.begin().await.unwrap();
    assert!(
        emails::enqueue(&mut tx, &mail("partner-approved:2"), now)
            .await
            .unwrap()
    );
    tx.rollback().await.unwrap();
    assert_eq!(count(&app, "queued").await, 1);
}

#[tokio::test]
async fn two_senders_claim_each_mail_once() {
    let app = TestApp::spawn_without_mail_sender().await;
    let now = Utc::now();
    let mut conn = app.pool.acquire().await.unwrap();
    for i in 0..300 {
        emails::enqueue(&mut conn, &mail(&format!("k:{i}")), now)
            .await
            .unwrap();
    }
    drop(conn);
    let lease = now + Duration::minutes(5);
    let claim = |pool: app::server::db::Pool| async move {
        let mut ids = Vec::new();
        loop {
            let rows = emails::claim_due(&pool, now, lease, 7).await.unwrap();
            if rows.is_empty() {
                return ids;
            }
            ids.extend(rows.iter().map(|r| r.id));
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(claim(app.pool.clone())),
        tokio::spawn(claim(app.pool.clone()))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    let claimed = all.len();
    all.dedup();
    assert_eq!(
        claimed,
        300,
        "every mail claimed once: {} + {}",
        a.len(),
        b.len()
    );
    assert_eq!(all.len(), 300, "no mail claimed twice");
    assert_eq!(count(&app, "sending").await, 300);
}

#[tokio::test]
async fn a_lapsed_lease_is_claimed_again_and_only_the_current_claim_records_the_outcome() {
    let app = TestApp::spawn_without_mail_sender().await;
    let now = Utc::now();
    let mut conn = app.pool.acquire().await.unwrap();
    emails::enqueue(&mut conn, &mail("k"), now).await.unwrap();
    drop(conn);
    let first = emails::claim_due(&app.pool, now, now + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    // While the lease holds, nobody else gets the mail.
    let later = now + Duration::seconds(10);
    assert!(
        emails::claim_due(&app.pool, later, later + Duration::seconds(30), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The first sender went quiet; after its lease the mail is claimed again (attempt 2).
    let lapsed = now + Duration::seconds(31);
    let second = emails::claim_due(&app.pool, lapsed, lapsed + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempts, 2);
    // The first sender wakes up: its claim is stale and records nothing.
    assert!(
        !emails::mark_sent(&app.pool, &first[0], lapsed)
            .await
            .unwrap()
    );
    assert!(
        emails::mark_sent(&app.pool, &second[0], lapsed)
            .await
            .unwrap()
    );
    assert_eq!(count(&app, "sent").await, 1);
    // A sent mail is never claimed again.
    let much_later = now + Duration::days(1);
    assert!(
        emails::claim_due(&app.pool, much_later, much_later, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_retry_waits_for_its_time_and_a_failure_keeps_the_reason() {
    let app = TestApp::spawn_without_mail_sender().await;
    let now = Utc::now();
    let mut conn = app.pool.acquire().await.unwrap();
    emails::enqueue(&mut conn, &mail("retry"), now)
        .await
        .unwrap();
    emails::enqueue(&mut conn, &mail("fail"), now)
        .await
        .unwrap();
    drop(conn);
    let lease = now + Duration::seconds(30);
    let mut rows = emails::claim_due(&app.pool, now, lease, 10).await.unwrap();
    // RETURNING has no order on PostgreSQL: "retry" was queued first.
    rows.sort_by_key(|r| r.id);
    let retry_at = now + Duration::minutes(2);
    assert!(
        emails::mark_retry(&app.pool, &rows[0], retry_at, "451 try later")
            .await
            .unwrap()
    );
    assert!(
        emails::mark_failed(&app.pool, &rows[1], "550 no such mailbox")
            .await
            .unwrap()
    );
    let early = now + Duration::minutes(1);
    assert!(
        emails::claim_due(&app.pool, early, early + Duration::seconds(30), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = emails::claim_due(&app.pool, retry_at, retry_at + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(
        due.len(),
        1,
        "only the retry comes back, not the failed mail"
    );
    assert_eq!(due[0].id, rows[0].id);
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT last_error FROM emails WHERE id = {}",
            rows[1].id
        ))
        .await,
        "550 no such mailbox"
    );
}
