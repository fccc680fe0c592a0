//! `futureflower`: the server and every operator command in one binary.

use anyhow::Context as _;
use app::server::services::accounts::{self, AdminCreated};
use clap::{Parser, Subcommand};
use futureflower::config::Config;
use futureflower::{http, load, seed};
use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "futureflower",
    version,
    about = "FutureFlower partner program server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill an empty database with believable demo data and print the demo logins.
    SeedDemo,
    /// One pass of a background job, for cron or an operator (the server runs them by itself too).
    Jobs {
        #[command(subcommand)]
        command: JobCommand,
    },
    /// Test-mode helpers (offline payment simulator only).
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
    /// For `scripts/load.sh` only, on a throwaway database (see src/load.rs).
    #[command(hide = true)]
    LoadTest {
        #[command(subcommand)]
        command: LoadCommand,
    },
}

#[derive(Subcommand)]
enum LoadCommand {
    /// Fill an empty database with the load-test data set.
    Data {
        #[arg(long, default_value_t = 10_000)]
        commissions: u64,
        #[arg(long, default_value_t = 45_000)]
        payments: u64,
    },
    /// Write signed `payment_intent.succeeded` events for wrk to replay (signed now).
    Sign {
        #[arg(long)]
        from: u64,
        #[arg(long)]
        count: u64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check that every acknowledged event took effect exactly once.
    Check {
        #[arg(long)]
        acknowledged: i64,
        #[arg(long)]
        in_flight: i64,
    },
}

#[derive(Subcommand)]
enum JobCommand {
    /// Send every mail that is due now (SMTP_URL, or .eml files under MAIL_DIR) and print a summary.
    SendEmails,
    /// Offer deliveries to florists 14 days ahead, remind at 7, expire and reassign unanswered
    /// offers, and mail florists on the delivery day (safe to run any number of times a day).
    DeliveryNotifications {
        /// Run as if it were this time (RFC 3339, e.g. 2026-12-06T08:00:00Z); default: now.
        #[arg(long)]
        now: Option<String>,
    },
    /// Pay partners through Stripe Connect: approved commissions (`commission`, the server runs it
    /// monthly) or delivered deliveries (`fulfillment`, weekly). Exactly once: safe to run again,
    /// and it first finishes whatever an earlier run left unsettled.
    Payouts {
        /// commission or fulfillment
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        /// Run as if it were this time (RFC 3339); default: now.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand)]
enum DevCommand {
    /// Produce the next paid invoice of a subscription order, as Stripe would each billing period.
    NextInvoice {
        #[arg(long)]
        order: i64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Check the books: per partner, earned = pending + approved + paid + rejected and paid =
    /// what completed payouts carried; every paid item in exactly one completed payout with a
    /// transfer id; no delivery paid twice. Exits non-zero when anything is off.
    Reconcile,
    /// Create an admin (or make an existing account an admin with a new password). The password is
    /// asked for on a terminal, or read from stdin when piped.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Site")]
        first_name: String,
        #[arg(long, default_value = "Admin")]
        last_name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,tower_http=info,leptos=warn,server_fn=warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            http::build_state(&config).await?;
            println!("Migrations applied ({}).", app::server::db::BACKEND);
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    first_name,
                    last_name,
                },
        } => {
            let password = read_new_password()?;
            let state = http::build_state(&config).await?;
            match accounts::create_admin(&state.db, &email, &password, &first_name, &last_name)
                .await
            {
                Ok(AdminCreated::New(_)) => {
                    println!("Created admin {}.", email.trim().to_lowercase())
                }
                Ok(AdminCreated::Promoted) => println!(
                    "{} already had an account: it is now an admin, with the password you just entered.",
                    email.trim().to_lowercase()
                ),
                Err(app::dto::AppError::Invalid(errors)) => {
                    let lines: Vec<_> = errors
                        .into_iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    anyhow::bail!("{}", lines.join("; "));
                }
                Err(other) => anyhow::bail!("{other}"),
            }
            Ok(())
        }
        Command::Dev {
            command: DevCommand::NextInvoice { order },
        } => {
            let state = http::build_state(&config).await?;
            match app::server::services::orders::simulate_next_invoice(&state, order).await {
                Ok(outcome) => println!("Order {order}: {outcome}"),
                Err(app::dto::AppError::NotFound) => anyhow::bail!("there is no order {order}"),
                Err(app::dto::AppError::Invalid(errors)) => {
                    anyhow::bail!(
                        "{}",
                        errors
                            .into_iter()
                            .map(|e| e.message)
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                }
                Err(other) => anyhow::bail!("{other}"),
            }
            Ok(())
        }
        Command::Jobs {
            command: JobCommand::SendEmails,
        } => send_emails(&config).await,
        Command::Jobs {
            command: JobCommand::DeliveryNotifications { now },
        } => delivery_notifications(&config, now.as_deref()).await,
        Command::Jobs {
            command: JobCommand::Payouts { kind, now },
        } => payouts(&config, &kind, now.as_deref()).await,
        Command::Admin {
            command: AdminCommand::Reconcile,
        } => reconcile(&config).await,
        Command::LoadTest { command } => load_test(command, &config).await,
        Command::SeedDemo => {
            let state = http::build_state(&config).await?;
            seed::seed_demo(&state).await
        }
    }
}

async fn load_test(command: LoadCommand, config: &Config) -> anyhow::Result<()> {
    match command {
        LoadCommand::Data {
            commissions,
            payments,
        } => {
            let state = http::build_state(config).await?;
            load::generate(&state.db, commissions, payments).await
        }
        LoadCommand::Sign { from, count, out } => {
            let secret = config
                .webhook_secret
                .as_ref()
                .context("set STRIPE_WEBHOOK_SECRET (the server must use the same one)")?;
            load::sign_events(secret.expose(), from, count, &out)
        }
        LoadCommand::Check {
            acknowledged,
            in_flight,
        } => {
            let pool = app::server::db::connect(config.database_url.expose()).await?;
            load::check(&pool, acknowledged, in_flight).await
        }
    }
}

/// `jobs send-emails`: one pass with a progress line, then a summary; fails if any mail failed.
async fn send_emails(config: &Config) -> anyhow::Result<()> {
    use app::server::services::outbox;
    let state = http::build_state(config).await?;
    let mailer = config.mailer()?;
    let now = chrono::Utc::now();
    let due = app::server::db::emails::count_due(&state.db, now).await?;
    println!("{due} mail(s) due; sending to {}", mailer.describe());
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let summary = outbox::send_due(&state.db, &mailer, now, |so_far| {
        let line = format!(
            "  {}/{due} handled: {} sent, {} to retry, {} failed",
            so_far.handled(),
            so_far.sent,
            so_far.retried,
            so_far.failed
        );
        progress_line(terminal, &line);
    })
    .await?;
    if terminal && summary.handled() > 0 {
        eprintln!();
    }
    println!(
        "Done in {:.1} s: {} sent, {} queued again for a retry, {} failed{}.",
        started.elapsed().as_secs_f64(),
        summary.sent,
        summary.retried,
        summary.failed,
        if summary.superseded > 0 {
            format!(", {} taken over by another sender", summary.superseded)
        } else {
            String::new()
        }
    );
    anyhow::ensure!(
        summary.failed == 0,
        "{} mail(s) failed for good; see /admin/emails for the reasons",
        summary.failed
    );
    Ok(())
}

/// `jobs delivery-notifications`: one run with a progress line per batch, then a summary.
async fn delivery_notifications(config: &Config, now: Option<&str>) -> anyhow::Result<()> {
    use app::server::services::delivery_job::{self, Run};
    let now = parse_now(now)?;
    let state = http::build_state(config).await?;
    println!(
        "Delivery notifications as of {} ({} business time)",
        now.to_rfc3339(),
        state.settings.business_tz
    );
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let run = delivery_job::run(&state, now, |step, so_far| {
        let line = format!(
            "  {step}: {} offered, {} reminded, {} expired, {} reassigned, {} flagged, {} delivery-day mails",
            so_far.offered, so_far.reminded, so_far.expired, so_far.reassigned, so_far.flagged, so_far.day_mails
        );
        progress_line(terminal, &line);
    })
    .await?;
    if terminal {
        eprintln!();
    }
    match run {
        Run::Busy => {
            anyhow::bail!("another instance is running this job right now; nothing was done")
        }
        Run::Done(s) => println!(
            "Done in {:.1} s: {} offered, {} reminded, {} expired, {} reassigned, {} flagged for an admin, {} delivery-day mails. Mail goes out with the mail sender (or `jobs send-emails`).",
            started.elapsed().as_secs_f64(),
            s.offered,
            s.reminded,
            s.expired,
            s.reassigned,
            s.flagged,
            s.day_mails
        ),
    }
    Ok(())
}

/// `--now`: an RFC 3339 time, or the real time when not given.
fn parse_now(now: Option<&str>) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    Ok(match now {
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .with_context(|| {
                format!("--now {raw:?} is not an RFC 3339 time like 2026-12-06T08:00:00Z")
            })?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    })
}

/// A progress line: rewritten in place on a terminal, one line each otherwise (logs, CI).
fn progress_line(terminal: bool, line: &str) {
    if terminal {
        eprint!("\r{line}");
    } else {
        eprintln!("{line}");
    }
}

/// `jobs payouts --type …`: one run with a progress line per batch, then a summary.
async fn payouts(config: &Config, kind: &str, now: Option<&str>) -> anyhow::Result<()> {
    use app::server::services::payouts::{self, Run};
    let kind = app::domain::payout::PayoutType::parse(kind).map_err(anyhow::Error::msg)?;
    let now = parse_now(now)?;
    let state = http::build_state(config).await?;
    let money = |cents: i64| state.money(cents);
    println!(
        "{} payouts as of {} ({})",
        kind.label(),
        now.to_rfc3339(),
        if state.payments.is_simulator() {
            "offline payment simulator: no real money moves"
        } else {
            "Stripe"
        }
    );
    let started = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let run = payouts::run(&state, kind, now, |step, s| {
        progress_line(
            terminal,
            &format!(
                "  {step}: {} prepared ({}), {} sent ({}), {} failed, {} held, {} awaiting Stripe's answer",
                s.prepared,
                money(s.prepared_cents),
                s.sent,
                money(s.sent_cents),
                s.failed,
                s.held,
                s.unknown
            ),
        );
    })
    .await?;
    if terminal {
        eprintln!();
    }
    match run {
        Run::Busy => anyhow::bail!(
            "another payout run of this type is in progress right now; nothing was done"
        ),
        Run::Done(s) => {
            println!(
                "Done in {:.1} s: {} payout(s) prepared ({}), {} sent ({}), {} failed, {} on hold, {} awaiting Stripe's answer (checked on the next run).",
                started.elapsed().as_secs_f64(),
                s.prepared,
                money(s.prepared_cents),
                s.sent,
                money(s.sent_cents),
                s.failed,
                s.held,
                s.unknown
            );
            if s.awaiting_approval > 0 {
                println!(
                    "{} payout(s) wait for an admin's approval: /admin/payouts/approval.",
                    s.awaiting_approval
                );
            }
            if s.carried_over > 0 {
                println!(
                    "{} partner(s) below their minimum payout: {} carried over to the next run.",
                    s.carried_over,
                    money(s.carried_over_cents)
                );
            }
            if s.waiting_partners > 0 {
                println!(
                    "{} partner(s) with {} waiting cannot be paid yet (payouts not set up, or not active).",
                    s.waiting_partners,
                    money(s.waiting_cents)
                );
            }
        }
    }
    Ok(())
}

/// `admin reconcile`: the books per partner, then every broken invariant (non-zero exit if any).
async fn reconcile(config: &Config) -> anyhow::Result<()> {
    let state = http::build_state(config).await?;
    let report = app::server::services::reconcile::check(&state).await?;
    let money = |cents: i64| state.money(cents);
    println!(
        "{:>6}  {:<28} {:>12} = {:>10} + {:>10} + {:>10} + {:>10}   {:>12}",
        "id", "partner", "earned", "pending", "approved", "paid", "rejected", "deliveries"
    );
    for line in &report.partners {
        println!(
            "{:>6}  {:<28} {:>12} = {:>10} + {:>10} + {:>10} + {:>10}   {:>12}",
            line.partner_id,
            line.business_name.chars().take(28).collect::<String>(),
            money(line.earned_cents),
            money(line.pending_cents),
            money(line.approved_cents),
            money(line.paid_cents),
            money(line.rejected_cents),
            money(line.deliveries_paid_cents)
        );
    }
    if report.balanced() {
        println!(
            "Balanced: {} partner(s); every paid item is in exactly one completed payout with a transfer id, and no delivery was paid twice.",
            report.partners.len()
        );
        Ok(())
    } else {
        for problem in &report.problems {
            println!("PROBLEM: {problem}");
        }
        anyhow::bail!("{} problem(s) found", report.problems.len())
    }
}

/// Asks twice on a terminal; reads one line from stdin otherwise (for scripts).
fn read_new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the new admin: ")?;
        let second = rpassword::prompt_password("Same password again: ")?;
        anyhow::ensure!(
            first == second,
            "the two passwords differ; nothing was changed"
        );
        Ok(first)
    } else {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("reading the password from stdin")?;
        Ok(input.lines().next().unwrap_or_default().to_owned())
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let state = http::build_state(&config).await?;
    let _maintenance = http::spawn_maintenance(state.clone(), config.maintenance_interval);
    let _mail = http::spawn_mail_sender(&state, &config)?;
    let _deliveries =
        app::server::services::delivery_job::spawn(state.clone(), config.delivery_job_interval);
    let _payouts = app::server::services::payouts::spawn(state.clone(), config.payout_job_interval);
    let router = http::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| {
            format!(
                "could not listen on {} (set LISTEN_ADDR to change it)",
                config.listen_addr
            )
        })?;
    let payments = if config.stripe.is_some() {
        "Stripe"
    } else {
        "offline payment simulator (test mode)"
    };
    tracing::info!(
        database = app::server::db::BACKEND,
        payments,
        "FutureFlower is running at {} (listening on {})",
        config.site_url,
        config.listen_addr
    );
    http::serve(listener, router, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}
