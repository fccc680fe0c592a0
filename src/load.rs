//! `futureflower load-test …` (hidden): the data and the signed events `scripts/load.sh` drives wrk
//! with, and the check afterwards that every acknowledged webhook took effect exactly once.
//!
//! Only for a throwaway database: `data` refuses a database that already has accounts. Rows are
//! inserted in bulk (multi-row `INSERT`s, one transaction), not through the services, so 100,000
//! rows take seconds; they are the rows the services would have written.
//!
//! The data set (the one issue 9 measures): one active referral partner with the code `LOADTEST`
//! and `commissions` commissions over the last year, each from its own referred customer's paid
//! order; `payments` further referred customers, each with one unpaid single-delivery order that
//! carries the code and an open PaymentIntent `pi_load_{i}` — the event `evt_load_{i}` pays it, so
//! every event does the whole job (payment, order, delivery, code use, commission); and a
//! customer with nothing paid, who checks the code. Every account's password is [`PASSWORD`].

use anyhow::Context as _;
use app::server::db::{Db, Pool};
use chrono::{DateTime, Duration, Utc};
use sqlx::QueryBuilder;
use std::io::Write as _;

pub const PASSWORD: &str = "load-test-password";
pub const PARTNER_EMAIL: &str = "load-partner@example.com";
pub const CUSTOMER_EMAIL: &str = "load-customer@example.com";
pub const CODE: &str = "loadtest";
const BUDGET_CENTS: i64 = 7535;
const DISCOUNT_CENTS: i64 = 500;
const COMMISSION_CENTS: i64 = 377;
/// Rows per multi-row `INSERT` (well under both engines' limits on bound parameters).
const CHUNK: usize = 500;

pub fn intent_id(i: u64) -> String {
    format!("pi_load_{i}")
}

pub fn event_id(i: u64) -> String {
    format!("evt_load_{i}")
}

/// Fills an empty database with the load-test data set.
pub async fn generate(pool: &Pool, commissions: u64, payments: u64) -> anyhow::Result<()> {
    if app::server::db::users::exists_any(pool).await? {
        anyhow::bail!("load-test data: the database already has accounts; use a fresh one");
    }
    let now = Utc::now();
    let hash = app::server::password::hash(PASSWORD.to_owned()).await?;
    let mut tx = pool.begin().await?;

    let user_id = |email: &str| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1").bind(email.to_owned())
    };
    insert_users(
        &mut tx,
        &hash,
        [
            (PARTNER_EMAIL.to_owned(), "Rosie"),
            (CUSTOMER_EMAIL.to_owned(), "Casey"),
        ],
        None,
        now,
    )
    .await?;
    let partner_user: i64 = user_id(PARTNER_EMAIL).fetch_one(&mut *tx).await?;
    let partner_id: i64 = sqlx::query_scalar(
        "INSERT INTO partners (user_id, partner_type, status, business_name, phone, created_at, updated_at)
         VALUES ($1, 'non_delivery', 'active', 'Load Test Roses', '', $2, $2) RETURNING id",
    )
    .bind(partner_user)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let code_id: i64 = sqlx::query_scalar(
        "INSERT INTO discount_codes (partner_id, code, is_active, created_at)
         VALUES ($1, $2, TRUE, $3) RETURNING id",
    )
    .bind(partner_id)
    .bind(CODE)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;

    println!("load-test data: {commissions} paid referred orders with commissions…");
    let mut done = 0;
    while done < commissions {
        let n = (commissions - done).min(CHUNK as u64);
        let range = done..done + n;
        // Spread over the last year, so the dashboard's monthly chart has every bar.
        let at = |i: u64| now - Duration::minutes(((i * 52) % (365 * 24 * 60)) as i64);
        let first = insert_users(
            &mut tx,
            &hash,
            range
                .clone()
                .map(|i| (format!("load-paid-{i}@example.com"), "Paula")),
            Some(partner_id),
            now,
        )
        .await?;
        let orders =
            insert_orders(&mut tx, first, n, code_id, "active", range.clone().map(at)).await?;
        let payments = insert_payments(
            &mut tx,
            first,
            orders,
            n,
            range.clone().map(|i| format!("pi_hist_{i}")),
            "succeeded",
            range.clone().map(at),
        )
        .await?;
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO discount_usages (discount_code_id, user_id, payment_id, discount_cents, created_at) ",
        );
        q.push_values(range.clone(), |mut row, i| {
            let k = (i - done) as i64;
            row.push_bind(code_id)
                .push_bind(first + k)
                .push_bind(payments + k)
                .push_bind(DISCOUNT_CENTS)
                .push_bind(at(i));
        });
        q.build().execute(&mut *tx).await?;
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO commissions (partner_id, payment_id, commission_type, amount_cents, rate_bps, status, note, created_at, updated_at) ",
        );
        q.push_values(range.clone(), |mut row, i| {
            let k = (i - done) as i64;
            let status = ["pending", "approved", "paid", "rejected"][(i % 4) as usize];
            row.push_bind(partner_id)
                .push_bind(payments + k)
                .push_bind("referral")
                .push_bind(COMMISSION_CENTS)
                .push_bind(500_i64)
                .push_bind(status)
                .push_bind(if status == "rejected" {
                    "load test"
                } else {
                    ""
                })
                .push_bind(at(i))
                .push_bind(at(i));
        });
        q.build().execute(&mut *tx).await?;
        done += n;
        progress(done, commissions);
    }

    println!("load-test data: {payments} unpaid referred orders with open PaymentIntents…");
    let mut done = 0;
    while done < payments {
        let n = (payments - done).min(CHUNK as u64);
        let range = done..done + n;
        let first = insert_users(
            &mut tx,
            &hash,
            range
                .clone()
                .map(|i| (format!("load-pending-{i}@example.com"), "Penny")),
            Some(partner_id),
            now,
        )
        .await?;
        let orders = insert_orders(
            &mut tx,
            first,
            n,
            code_id,
            "pending_payment",
            range.clone().map(|_| now),
        )
        .await?;
        insert_payments(
            &mut tx,
            first,
            orders,
            n,
            range.clone().map(intent_id),
            "pending",
            range.clone().map(|_| now),
        )
        .await?;
        done += n;
        progress(done, payments);
    }
    app::server::db::partners::bump_stats(&mut tx, partner_id, 0).await?;
    tx.commit().await?;
    // PostgreSQL's autovacuum would analyze the new rows within a minute; do it now. SQLite is left
    // as the app leaves it: without statistics (see README, performance).
    #[cfg(feature = "postgres")]
    sqlx::query("ANALYZE").execute(pool).await?;
    println!(
        "load-test data: done. Partner {PARTNER_EMAIL}, customer {CUSTOMER_EMAIL}, password {PASSWORD}, code {}",
        CODE.to_uppercase()
    );
    Ok(())
}

fn progress(done: u64, total: u64) {
    if done.is_multiple_of(5_000) || done == total {
        println!("  {done}/{total}");
    }
}

/// Inserts users (ids consecutive, as each multi-row insert in one transaction gets them) and
/// returns the first id.
async fn insert_users(
    conn: &mut app::server::db::DbConn,
    hash: &str,
    users: impl IntoIterator<Item = (String, &'static str)>,
    referred_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let mut q = QueryBuilder::<Db>::new(
        "INSERT INTO users (email, password_hash, first_name, last_name, is_admin, referred_by_partner_id, created_at, updated_at) ",
    );
    q.push_values(users, |mut row, (email, first_name)| {
        row.push_bind(email)
            .push_bind(hash.to_owned())
            .push_bind(first_name)
            .push_bind("Loader")
            .push_bind(false)
            .push_bind(referred_by)
            .push_bind(now)
            .push_bind(now);
    });
    q.push(" RETURNING id");
    let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *conn).await?;
    consecutive(&ids)
}

/// One order per user `first..first+n`, carrying the code; returns the first order id.
async fn insert_orders(
    conn: &mut app::server::db::DbConn,
    first_user: i64,
    n: u64,
    code_id: i64,
    status: &str,
    created: impl Iterator<Item = DateTime<Utc>>,
) -> anyhow::Result<i64> {
    let delivery = Utc::now().date_naive() + Duration::days(30);
    let mut q = QueryBuilder::<Db>::new(
        "INSERT INTO orders (user_id, kind, budget_cents, years, recipient_name, street_address, suburb, city, state, postcode, country,
            message, first_delivery_date, subtotal_cents, discount_cents, total_cents, status, discount_code_id, created_at, updated_at) ",
    );
    q.push_values((0..n as i64).zip(created), |mut row, (k, at)| {
        row.push_bind(first_user + k)
            .push_bind("single_delivery")
            .push_bind(BUDGET_CENTS)
            .push_bind(1_i64)
            .push_bind("Grace Lee")
            .push_bind("12 Rose Lane")
            .push_bind("Newtown")
            .push_bind("Sydney")
            .push_bind("NSW")
            .push_bind("2042")
            .push_bind("AU")
            .push_bind("Happy birthday")
            .push_bind(delivery)
            .push_bind(BUDGET_CENTS)
            .push_bind(DISCOUNT_CENTS)
            .push_bind(BUDGET_CENTS - DISCOUNT_CENTS)
            .push_bind(status.to_owned())
            .push_bind(code_id)
            .push_bind(at)
            .push_bind(at);
    });
    q.push(" RETURNING id");
    let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *conn).await?;
    consecutive(&ids)
}

/// One payment per order `first..first+n` (user `first_user + k`); returns the first payment id.
async fn insert_payments(
    conn: &mut app::server::db::DbConn,
    first_user: i64,
    first_order: i64,
    n: u64,
    intents: impl Iterator<Item = String>,
    status: &str,
    created: impl Iterator<Item = DateTime<Utc>>,
) -> anyhow::Result<i64> {
    let mut q = QueryBuilder::<Db>::new(
        "INSERT INTO payments (user_id, order_id, stripe_payment_intent_id, amount_cents, currency, status, created_at, updated_at) ",
    );
    q.push_values(
        (0..n as i64).zip(intents).zip(created),
        |mut row, ((k, intent), at)| {
            row.push_bind(first_user + k)
                .push_bind(first_order + k)
                .push_bind(intent)
                .push_bind(BUDGET_CENTS - DISCOUNT_CENTS)
                .push_bind("USD")
                .push_bind(status.to_owned())
                .push_bind(at)
                .push_bind(at);
        },
    );
    q.push(" RETURNING id");
    let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *conn).await?;
    consecutive(&ids)
}

/// The first of `ids` when they are consecutive (the bulk inserts above pair rows by offset).
fn consecutive(ids: &[i64]) -> anyhow::Result<i64> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let first = *sorted.first().context("an insert returned no ids")?;
    anyhow::ensure!(
        sorted
            .iter()
            .enumerate()
            .all(|(k, id)| *id == first + k as i64),
        "bulk insert ids are not consecutive; is the database shared with something else?"
    );
    Ok(first)
}

/// Writes `count` signed `payment_intent.succeeded` events, `evt_load_{from}`…, one per line as
/// `<Stripe-Signature>\t<body>`, signed now (Stripe's tolerance is 5 minutes: sign just before use).
pub fn sign_events(
    secret: &str,
    from: u64,
    count: u64,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let now = Utc::now().timestamp();
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let amount = BUDGET_CENTS - DISCOUNT_CENTS;
    for i in from..from + count {
        let body = serde_json::json!({
            "id": event_id(i), "object": "event", "type": "payment_intent.succeeded", "created": now,
            "data": { "object": {
                "id": intent_id(i), "object": "payment_intent", "amount": amount,
                "amount_received": amount, "currency": "usd", "invoice": null
            } }
        })
        .to_string();
        let signature = app::server::stripe::signature::sign(body.as_bytes(), secret, now);
        writeln!(file, "{signature}\t{body}")?;
    }
    file.flush()?;
    Ok(())
}

/// After the webhook runs: every event wrk saw acknowledged as `processed` took effect exactly
/// once, and nothing took effect without being received. `acknowledged` is wrk's count of
/// `processed` answers; up to `in_flight` more may have committed after wrk stopped reading.
pub async fn check(pool: &Pool, acknowledged: i64, in_flight: i64) -> anyhow::Result<()> {
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .with_context(|| sql.to_owned())
    };
    let received = count("SELECT COUNT(*) FROM webhook_events WHERE id LIKE 'evt_load%'").await?;
    let paid = count(
        "SELECT COUNT(*) FROM payments WHERE stripe_payment_intent_id LIKE 'pi_load%' AND status = 'succeeded'",
    )
    .await?;
    let orders = count(
        "SELECT COUNT(*) FROM orders o JOIN payments p ON p.order_id = o.id
          WHERE p.stripe_payment_intent_id LIKE 'pi_load%' AND o.status = 'active'",
    )
    .await?;
    let deliveries = count(
        "SELECT COUNT(*) FROM events e JOIN payments p ON p.order_id = e.order_id
          WHERE p.stripe_payment_intent_id LIKE 'pi_load%'",
    )
    .await?;
    let usages = count(
        "SELECT COUNT(*) FROM discount_usages u JOIN payments p ON p.id = u.payment_id
          WHERE p.stripe_payment_intent_id LIKE 'pi_load%'",
    )
    .await?;
    let commissions = count(
        "SELECT COUNT(*) FROM commissions c JOIN payments p ON p.id = c.payment_id
          WHERE p.stripe_payment_intent_id LIKE 'pi_load%'",
    )
    .await?;
    let outcomes_processed = count(
        "SELECT COUNT(*) FROM webhook_events WHERE id LIKE 'evt_load%' AND outcome LIKE 'processed:%'",
    )
    .await?;
    println!(
        "check: {acknowledged} acknowledged as processed; in the database {received} events recorded \
         ({outcomes_processed} processed), {paid} payments paid, {orders} orders active, \
         {deliveries} deliveries, {usages} code uses, {commissions} commissions"
    );
    let same = [
        outcomes_processed,
        paid,
        orders,
        deliveries,
        usages,
        commissions,
    ];
    anyhow::ensure!(
        same.iter().all(|n| *n == received),
        "every recorded event must have paid exactly one payment, order, delivery, code use and commission"
    );
    anyhow::ensure!(
        received >= acknowledged,
        "{} acknowledged events did not take effect",
        acknowledged - received
    );
    anyhow::ensure!(
        received <= acknowledged + in_flight,
        "{} events took effect that were never acknowledged (more than the {in_flight} that may have been in flight when wrk stopped)",
        received - acknowledged
    );
    println!("check: every acknowledged event took effect exactly once");
    Ok(())
}
