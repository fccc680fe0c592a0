//! `futureflower seed-demo`: believable demo data for a first run.
//!
//! Only fills an **empty** database (running it again changes nothing), so the run command can call
//! it on every start. The demo password is random per database, printed, and written to
//! `data/demo-logins.txt` for whoever missed the console.

use app::domain::account::NewAccount;
use app::domain::order::OrderForm;
use app::domain::payout::PayoutType;
use app::server::context::AppState;
use app::server::db::users;
use app::server::services::{accounts, commissions, discounts, orders, partners};
use chrono::{Duration, Utc};

const CUSTOMERS: &[(&str, &str, &str, i64)] = &[
    ("Olivia", "Nguyen", "olivia.nguyen@example.com", 41),
    ("Liam", "Okafor", "liam.okafor@example.com", 23),
    ("Mia", "Rossi", "mia.rossi@example.com", 9),
    ("Noah", "Fitzgerald", "noah.fitzgerald@example.com", 4),
    ("Ava", "Haddad", "ava.haddad@example.com", 1),
];

pub async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    if users::exists_any(&state.db).await? {
        println!("seed-demo: the database already has accounts; leaving it as it is.");
        return Ok(());
    }
    let password = format!("demo-{}", &app::server::token::new_secret()[..12]);
    let now = Utc::now();
    let total = CUSTOMERS.len() + 1;
    println!("seed-demo: creating {total} demo accounts…");

    let admin = NewAccount {
        email: "admin@example.com".into(),
        password: password.clone(),
        first_name: "Ada".into(),
        last_name: "Admin".into(),
    };
    let mut conn = state.db.acquire().await?;
    accounts::create_account(&mut conn, &admin, true, now - Duration::days(60))
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo admin: {e}"))?;
    println!("  [1/{total}] admin@example.com (admin)");

    for (i, (first, last, email, days_ago)) in CUSTOMERS.iter().enumerate() {
        let customer = NewAccount {
            email: (*email).into(),
            password: password.clone(),
            first_name: (*first).into(),
            last_name: (*last).into(),
        };
        accounts::create_account(&mut conn, &customer, false, now - Duration::days(*days_ago))
            .await
            .map_err(|e| anyhow::anyhow!("creating demo customer {email}: {e}"))?;
        println!("  [{}/{total}] {email} (customer)", i + 2);
    }

    drop(conn);

    let seeded = seed_partners(state, &password).await?;
    let code = seeded.code.clone();
    seed_florists(state, &password).await?;
    seed_payouts(state, &seeded).await?;
    seed_controls(state).await?;

    let logins = format!(
        "FutureFlower demo logins (password for every account: {password})\n\
         admin     admin@example.com\n\
         partner   rosie@example.com   (Rosie's Roses, approved; code {code})\n\
         florist   fiona@example.com   (Fern & Petal: Newtown and Enmore, Sydney)\n\
         florist   hugo@example.com    (Harbour Blooms: Newtown and Surry Hills, Sydney)\n\
         florist   bea@example.com     (Bloom Room: Newtown, paused for a month)\n\
         customer  {}\n\
         new customer (no orders yet, can use the code)  {}\n",
        CUSTOMERS[0].2, CUSTOMERS[4].2
    );
    if let Err(e) = std::fs::create_dir_all("data")
        .and_then(|()| std::fs::write("data/demo-logins.txt", &logins))
    {
        tracing::warn!(error = %e, "could not write data/demo-logins.txt");
    }
    println!("\n{logins}(also saved to data/demo-logins.txt)");
    Ok(())
}

/// Batch approval is turned on by the admin (an audited settings change), so the server's first
/// weekly run prepares Fern & Petal's delivery payout as a batch waiting for the admin.
async fn seed_controls(state: &AppState) -> anyhow::Result<()> {
    use app::server::services::settings::{self, ProgramForm};
    let admin: app::server::context::CurrentUser =
        users::find_signed_in_by_email(&state.db, "admin@example.com")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo admin is missing"))?
            .into();
    let form = ProgramForm {
        rate: "5".into(),
        discount: "5.00".into(),
        holding_days: "7".into(),
        minimum: "20.00".into(),
        approve_payouts: true,
    };
    settings::update_program(state, &app::server::context::actor(&admin), &form)
        .await
        .map_err(|e| anyhow::anyhow!("turning batch approval on: {e}"))?;
    println!("  payout batches now wait for the admin's approval (/admin/payouts/approval)");
    Ok(())
}

/// An approved referral partner whose code three customers used (commissions pending, approved,
/// rejected and paid), and a second partner awaiting approval. Payments go through the real path:
/// the simulator delivers signed webhooks, which record the code use and the commission.
async fn seed_partners(state: &AppState, password: &str) -> anyhow::Result<Seeded> {
    let err = |what: &'static str| move |e: app::dto::AppError| anyhow::anyhow!("{what}: {e}");
    println!("seed-demo: creating partners, referred orders and commissions…");
    let register = |email: &str, first: &str, last: &str, business: &str| partners::Registration {
        email: email.into(),
        password: password.into(),
        first_name: first.into(),
        last_name: last.into(),
        business_name: business.into(),
        phone: "+61 2 9999 0000".into(),
        partner_type: "non_delivery".into(),
        florist: partners::FloristForm::default(),
    };
    let rosie_user = partners::register(
        state,
        &register("rosie@example.com", "Rosie", "Reed", "Rosie's Roses"),
    )
    .await
    .map_err(err("registering Rosie's Roses"))?;
    partners::register(
        state,
        &register("ben@example.com", "Ben", "Bloom", "Bloom & Co"),
    )
    .await
    .map_err(err("registering Bloom & Co"))?;
    let rosie = app::server::db::partners::find_by_user(&state.db, rosie_user)
        .await?
        .ok_or_else(|| anyhow::anyhow!("Rosie's partner row is missing"))?;
    partners::change_status(state, &seed_admin(), rosie.id, "approve")
        .await
        .map_err(err("approving Rosie's Roses"))?;
    let code = rosie.code.clone().unwrap_or_default().to_uppercase();
    println!("  partner rosie@example.com (Rosie's Roses, approved, code {code})");
    println!("  partner ben@example.com (Bloom & Co, awaiting approval)");

    let date = (Utc::now().date_naive() + chrono::Days::new(21)).to_string();
    let referred = [
        (CUSTOMERS[0].2, "subscription", "85"),
        (CUSTOMERS[1].2, "single_delivery", "400"),
        (CUSTOMERS[2].2, "upfront", "65"),
    ];
    for (email, kind, budget) in referred {
        let user: app::server::context::CurrentUser =
            users::find_signed_in_by_email(&state.db, email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo customer {email} is missing"))?
                .into();
        let form = OrderForm {
            kind: kind.into(),
            budget: budget.into(),
            frequency: "monthly".into(),
            years: "1".into(),
            first_delivery_date: date.clone(),
            recipient_name: "Grace Lee".into(),
            street_address: "12 Rose Lane".into(),
            suburb: "Newtown".into(),
            city: "Sydney".into(),
            state: "NSW".into(),
            postcode: "2042".into(),
            country: "AU".into(),
            delivery_notes: String::new(),
            message: "With love".into(),
            ..OrderForm::default()
        };
        let order = orders::create(state, &user, &form)
            .await
            .map_err(err("demo order"))?;
        discounts::apply(state, &user, order, &code)
            .await
            .map_err(err("applying the demo code"))?;
        orders::pay(state, &user, order)
            .await
            .map_err(err("paying the demo order"))?;
        println!("  {email} ordered with {code} and paid (test mode)");
        if kind == "subscription" {
            // Two more months of the subscription: three commissioned payments in all.
            for _ in 0..2 {
                orders::simulate_next_invoice(state, order)
                    .await
                    .map_err(err("demo invoice"))?;
            }
        }
    }
    // One of each review outcome, so the dashboard and the admin pages show every state.
    let pending: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM commissions WHERE partner_id = $1 AND status = 'pending' ORDER BY id",
    )
    .bind(rosie.id)
    .fetch_all(&state.db)
    .await?;
    let mut later = Vec::new();
    // The demo's payments were made ten days ago: their commissions are past the holding period.
    sqlx::query("UPDATE commissions SET created_at = $1 WHERE partner_id = $2")
        .bind(Utc::now() - Duration::days(10))
        .bind(rosie.id)
        .execute(&state.db)
        .await?;
    if let [paid, approved, rejected, single, upfront] = pending[..] {
        // Paid for real by the demo's first payout run (see seed_payouts): the first invoice's
        // $4.25 and the single delivery's $20.00. `approved` and `upfront` are approved after
        // it, so they wait for the next run.
        for id in [paid, single] {
            commissions::approve(state, &seed_admin(), Some(id), None)
                .await
                .map_err(err("approving"))?;
        }
        later = vec![approved, upfront];
        commissions::reject(
            state,
            &seed_admin(),
            rejected,
            "Test order placed by the partner's own family",
        )
        .await
        .map_err(err("rejecting"))?;
    }
    println!(
        "  {} commissions for Rosie's Roses (to be paid, approved later, and rejected)",
        pending.len()
    );
    Ok(Seeded {
        code,
        rosie: rosie.id,
        approve_later: later,
        password: password.to_owned(),
    })
}

/// What the partner seed hands to the payout seed.
struct Seeded {
    code: String,
    password: String,
    rosie: i64,
    approve_later: Vec<i64>,
}

/// Payouts: Rosie's Roses and Fern & Petal finish (simulated) Stripe onboarding; Rosie's first
/// approved commission is paid by a real payout run (the simulator makes the transfer), another
/// is approved after it and waits; Fern & Petal delivers a Newtown order (assigned, accepted and
/// marked delivered on its day), which the server's first weekly fulfillment run pays.
async fn seed_payouts(state: &AppState, seeded: &Seeded) -> anyhow::Result<()> {
    use app::server::services::{connect, deliveries, florists, payouts};
    let err = |what: &'static str| move |e: app::dto::AppError| anyhow::anyhow!("{what}: {e}");
    println!("seed-demo: setting up payouts (simulated Stripe)…");
    let fiona = app::server::db::partners::find_by_user(
        &state.db,
        users::find_signed_in_by_email(&state.db, "fiona@example.com")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo florist is missing"))?
            .id,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("the demo florist's partner row is missing"))?;
    for partner in [seeded.rosie, fiona.id] {
        connect::onboarding_link(state, partner)
            .await
            .map_err(err("starting onboarding"))?;
        connect::simulate_onboarding(state, partner, true)
            .await
            .map_err(err("completing onboarding"))?;
    }
    println!("  rosie@example.com and fiona@example.com can be paid (simulated Stripe accounts)");
    let run = payouts::run(state, PayoutType::Commission, Utc::now(), |_, _| {}).await?;
    if let payouts::Run::Done(summary) = run {
        println!(
            "  commission payout run: {} payout(s), {}",
            summary.sent,
            state.money(summary.sent_cents)
        );
    }
    // The first invoice is refunded after it was paid: $4.25 is taken back from the next payout.
    let refunded: (String, i64) = sqlx::query_as(
        "SELECT pay.stripe_payment_intent_id, pay.amount_cents FROM commissions c
         JOIN payments pay ON pay.id = c.payment_id WHERE c.partner_id = $1 ORDER BY c.id LIMIT 1",
    )
    .bind(seeded.rosie)
    .fetch_one(&state.db)
    .await?;
    app::server::stripe::simulator::deliver(
        state,
        &app::server::stripe::simulator::charge_refunded(
            &refunded.0,
            refunded.1,
            &state.settings.currency,
        ),
    )
    .await
    .map_err(|e| anyhow::anyhow!("refunding the demo invoice: {e}"))?;
    println!("  the first invoice was refunded after its commission was paid: a negative line");
    for id in &seeded.approve_later {
        commissions::approve(state, &seed_admin(), Some(*id), None)
            .await
            .map_err(err("approving"))?;
    }
    println!("  two more commissions approved: $3.25 net carries over (below the $20.00 minimum)");
    // A new referral today, approved: payable once its holding period ends.
    let zoe = accounts::sign_up(
        state,
        "zoe.park@example.com",
        &seeded.password,
        "Zoe",
        "Park",
        None,
    )
    .await
    .map_err(err("creating the demo customer Zoe"))?;
    let zoe: app::server::context::CurrentUser =
        users::find_signed_in_by_email(&state.db, "zoe.park@example.com")
            .await?
            .filter(|u| u.id == zoe)
            .ok_or_else(|| anyhow::anyhow!("demo customer Zoe is missing"))?
            .into();
    let form = OrderForm {
        kind: "single_delivery".into(),
        budget: "90".into(),
        first_delivery_date: (Utc::now().date_naive() + chrono::Days::new(21)).to_string(),
        recipient_name: "Sam Park".into(),
        street_address: "3 Bay St".into(),
        suburb: "Glebe".into(),
        city: "Sydney".into(),
        state: "NSW".into(),
        postcode: "2037".into(),
        country: "AU".into(),
        message: "Happy birthday".into(),
        ..OrderForm::default()
    };
    let order = orders::create(state, &zoe, &form)
        .await
        .map_err(err("Zoe's order"))?;
    discounts::apply(state, &zoe, order, &seeded.code)
        .await
        .map_err(err("applying the demo code for Zoe"))?;
    orders::pay(state, &zoe, order)
        .await
        .map_err(err("paying Zoe's order"))?;
    commissions::approve(state, &seed_admin(), None, Some(seeded.rosie))
        .await
        .map_err(err("approving Zoe's commission"))?;
    println!(
        "  zoe.park@example.com ordered with {} today: approved, payable in a week",
        seeded.code
    );

    // A delivery Fern & Petal made: ordered, assigned by the admin, accepted, delivered on its day.
    let email = CUSTOMERS[1].2;
    let customer: app::server::context::CurrentUser =
        users::find_signed_in_by_email(&state.db, email)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo customer {email} is missing"))?
            .into();
    let day = Utc::now().date_naive()
        + chrono::Days::new(u64::from(state.settings.order_rules.lead_days));
    let form = OrderForm {
        kind: "single_delivery".into(),
        budget: "75".into(),
        first_delivery_date: day.to_string(),
        recipient_name: "Ivy Chen".into(),
        street_address: "40 King St".into(),
        suburb: "Newtown".into(),
        city: "Sydney".into(),
        state: "NSW".into(),
        postcode: "2042".into(),
        country: "AU".into(),
        message: "Congratulations!".into(),
        occasion: "congratulations".into(),
        ..OrderForm::default()
    };
    let order = orders::create(state, &customer, &form)
        .await
        .map_err(err("demo delivered order"))?;
    orders::pay(state, &customer, order)
        .await
        .map_err(err("paying the delivered order"))?;
    let event: i64 = sqlx::query_scalar("SELECT id FROM events WHERE order_id = $1")
        .bind(order)
        .fetch_one(&state.db)
        .await?;
    let admin: app::server::context::CurrentUser =
        users::find_signed_in_by_email(&state.db, "admin@example.com")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo admin is missing"))?
            .into();
    florists::assign(state, &app::server::context::actor(&admin), event, fiona.id)
        .await
        .map_err(err("assigning the demo delivery"))?;
    let request: i64 = sqlx::query_scalar("SELECT id FROM delivery_requests WHERE event_id = $1")
        .bind(event)
        .fetch_one(&state.db)
        .await?;
    let key = deliveries::Key::Owner {
        id: request,
        user_id: fiona.user_id,
    };
    let on_the_day =
        app::domain::delivery::day_start(day, &state.settings.business_tz) + Duration::hours(14);
    for (action, at) in [("accept", Utc::now()), ("delivered", on_the_day)] {
        deliveries::respond(state, &key, action, "", "", None, at)
            .await?
            .map_err(|problem| anyhow::anyhow!("demo delivery {action}: {problem:?}"))?;
    }
    println!(
        "  fiona@example.com delivered order #{order} (paid by the first weekly fulfillment run)"
    );
    Ok(())
}

/// Delivery florists: two covering Newtown (where the demo orders go), one of them paused, one
/// more for Surry Hills; and a paid order in Marrickville, which nobody covers (the job sets it
/// aside for an admin). The server's delivery job offers the Newtown deliveries as it starts.
async fn seed_florists(state: &AppState, password: &str) -> anyhow::Result<()> {
    use app::domain::delivery::{AreaInput, ShopAddress};
    let err = |what: &'static str| move |e: app::dto::AppError| anyhow::anyhow!("{what}: {e}");
    println!("seed-demo: creating delivery florists…");
    let area = |suburb: &str| AreaInput {
        on: true,
        suburb: suburb.into(),
        city: "Sydney".into(),
        state: "NSW".into(),
        postcode: String::new(),
        country: "AU".into(),
    };
    let florists = [
        (
            "fiona@example.com",
            "Fiona",
            "Fern & Petal",
            "fern-and-petal",
            "Enmore",
            vec![area("Newtown"), area("Enmore")],
        ),
        (
            "hugo@example.com",
            "Hugo",
            "Harbour Blooms",
            "harbour-blooms",
            "Surry Hills",
            vec![area("Newtown"), area("Surry Hills")],
        ),
        (
            "bea@example.com",
            "Bea",
            "Bloom Room",
            "bloom-room",
            "Newtown",
            vec![area("Newtown")],
        ),
    ];
    for (email, first, business, slug, suburb, areas) in florists {
        let form = partners::Registration {
            email: email.into(),
            password: password.into(),
            first_name: first.into(),
            last_name: "Florist".into(),
            business_name: business.into(),
            phone: "+61 2 9555 0100".into(),
            partner_type: "delivery".into(),
            florist: partners::FloristForm {
                booking_slug: slug.into(),
                address: ShopAddress {
                    street_address: "10 King St".into(),
                    suburb: suburb.into(),
                    city: "Sydney".into(),
                    state: "NSW".into(),
                    postcode: "2042".into(),
                    country: "AU".into(),
                },
                areas,
            },
        };
        let user = partners::register(state, &form)
            .await
            .map_err(err("registering a demo florist"))?;
        let partner = app::server::db::partners::find_by_user(&state.db, user)
            .await?
            .ok_or_else(|| anyhow::anyhow!("{email}'s partner row is missing"))?;
        partners::change_status(state, &seed_admin(), partner.id, "approve")
            .await
            .map_err(err("approving a demo florist"))?;
        if slug == "bloom-room" {
            let back = Utc::now().date_naive() + chrono::Days::new(30);
            app::server::db::florists::set_pause(&state.db, partner.id, Some(back), Utc::now())
                .await?;
            println!("  florist {email} ({business}, paused until {back})");
        } else {
            println!("  florist {email} ({business})");
        }
    }
    // A delivery in a suburb no florist covers.
    let email = CUSTOMERS[3].2;
    let user: app::server::context::CurrentUser = users::find_signed_in_by_email(&state.db, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo customer {email} is missing"))?
        .into();
    let form = OrderForm {
        kind: "single_delivery".into(),
        budget: "90".into(),
        first_delivery_date: (Utc::now().date_naive() + chrono::Days::new(10)).to_string(),
        recipient_name: "Sam Lee".into(),
        street_address: "3 Illawarra Rd".into(),
        suburb: "Marrickville".into(),
        city: "Sydney".into(),
        state: "NSW".into(),
        postcode: "2204".into(),
        country: "AU".into(),
        message: "Thinking of you".into(),
        occasion: "get_well".into(),
        ..OrderForm::default()
    };
    let order = orders::create(state, &user, &form)
        .await
        .map_err(err("demo order in Marrickville"))?;
    orders::pay(state, &user, order)
        .await
        .map_err(err("paying the Marrickville order"))?;
    println!("  {email} ordered a delivery in Marrickville, which no florist covers");
    // And one in Newtown, nine days out: the server's delivery job offers it as it starts.
    let form = OrderForm {
        suburb: "Newtown".into(),
        street_address: "8 Australia St".into(),
        postcode: "2042".into(),
        first_delivery_date: (Utc::now().date_naive() + chrono::Days::new(9)).to_string(),
        occasion: "birthday".into(),
        message: "Happy birthday, Sam!".into(),
        ..form
    };
    let order = orders::create(state, &user, &form)
        .await
        .map_err(err("demo order in Newtown"))?;
    orders::pay(state, &user, order)
        .await
        .map_err(err("paying the Newtown order"))?;
    println!(
        "  {email} ordered a delivery in Newtown in nine days (offered to a florist when the server starts)"
    );
    Ok(())
}

/// Who the demo data's admin actions are recorded as in the activity log.
fn seed_admin() -> app::server::db::audit::Actor {
    app::server::db::audit::Actor::system("Demo data (seed-demo)", "seed-demo")
}
