//! `futureflower seed-demo`: believable demo data for a first run.
//!
//! Only fills an **empty** database (running it again changes nothing), so the run command can call
//! it on every start. The demo password is random per database, printed, and written to
//! `data/demo-logins.txt` for whoever missed the console.

use app::domain::account::NewAccount;
use app::server::context::AppState;
use app::server::db::users;
use app::server::services::accounts;
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
    accounts::create_account(&state.db, &admin, true, now - Duration::days(60))
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
        accounts::create_account(&state.db, &customer, false, now - Duration::days(*days_ago))
            .await
            .map_err(|e| anyhow::anyhow!("creating demo customer {email}: {e}"))?;
        println!("  [{}/{total}] {email} (customer)", i + 2);
    }

    let logins = format!(
        "FutureFlower demo logins (password for every account: {password})\n\
         admin     admin@example.com\n\
         customer  {}\n",
        CUSTOMERS[0].2
    );
    if let Err(e) = std::fs::create_dir_all("data")
        .and_then(|()| std::fs::write("data/demo-logins.txt", &logins))
    {
        tracing::warn!(error = %e, "could not write data/demo-logins.txt");
    }
    println!("\n{logins}(also saved to data/demo-logins.txt)");
    Ok(())
}
