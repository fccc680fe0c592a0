//! Database access: the backend alias, connecting, migrating, and one module of queries per table.
//!
//! The backend is chosen at compile time (`sqlite` or `postgres` feature); the query text is the same
//! for both (`$1` placeholders, `RETURNING`, `ON CONFLICT`), so every query is tested on both engines.
//! Timestamps are bound from Rust (UTC), never taken from the database's clock, so tests can set time.

/// SQL: the refunded payments that paid for `r`'s delivery (`r`, a delivery request; the event's
/// own payment, or the order's for events without one), as `FROM … WHERE …` over `pay`. A delivery
/// refunded before a payout holds it is never paid: the run, the ledger and every total that says
/// what waits use this one definition, so they cannot disagree.
macro_rules! refunded_delivery_payments {
    () => {
        "FROM events e JOIN payments pay
           ON pay.id = e.payment_id OR (e.payment_id IS NULL AND pay.order_id = e.order_id)
         WHERE e.id = r.event_id AND pay.status = 'refunded'"
    };
}

/// SQL: `r`'s delivery was refunded (see [`refunded_delivery_payments`]).
macro_rules! delivery_refunded {
    () => {
        concat!("EXISTS (SELECT 1 ", refunded_delivery_payments!(), ")")
    };
}

pub mod adjustments;
pub mod audit;
pub mod commissions;
pub mod deliveries;
pub mod emails;
pub mod events;
pub mod florists;
pub mod job_leases;
pub mod ledger;
pub mod metrics;
pub mod orders;
pub mod partners;
pub mod password_resets;
pub mod payments;
pub mod payouts;
pub mod readers;
pub mod reversals;
pub mod risk;
pub mod session_cache;
pub mod sessions;
pub mod settings;
pub mod users;
pub mod webhook_events;

#[cfg(all(feature = "sqlite", feature = "postgres"))]
compile_error!("enable exactly one database backend: `sqlite` or `postgres`, not both");
#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("the `ssr` build needs a database backend: enable `sqlite` or `postgres`");

#[cfg(feature = "sqlite")]
pub type Db = sqlx::Sqlite;
#[cfg(feature = "postgres")]
pub type Db = sqlx::Postgres;

pub type Pool = sqlx::Pool<Db>;
/// One connection (or an open transaction, via `&mut *tx`): what multi-statement services pass around.
pub type DbConn = <Db as sqlx::Database>::Connection;

/// Queues write transactions that would otherwise collide.
///
/// SQLite allows one writer at a time, and colliding writers sleep in SQLite's busy handler with a
/// coarse backoff, which shows as a long latency tail under concurrent webhooks. Taking this async lock
/// first makes them wait in line instead. PostgreSQL locks rows itself, so there the gate is open.
#[derive(Default)]
pub struct WriteGate {
    #[cfg(feature = "sqlite")]
    lock: tokio::sync::Mutex<()>,
}

impl WriteGate {
    /// Hold the returned guard for the length of the write transaction.
    pub async fn enter(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        #[cfg(feature = "sqlite")]
        return Some(self.lock.lock().await);
        #[cfg(feature = "postgres")]
        None
    }
}

/// Which engine this binary was built for, for logs and `/healthz`.
pub const BACKEND: &str = if cfg!(feature = "sqlite") {
    "sqlite"
} else {
    "postgres"
};

/// Opens a pool. For SQLite the file (and its directory) is created when missing, in WAL mode with a
/// busy timeout so concurrent writers wait instead of failing.
///
/// SQLite settings, per connection: `synchronous=NORMAL` (in WAL mode a commit only appends to the
/// WAL; fsync happens at checkpoints, and a power cut can lose the last commits but never corrupts),
/// a 32 MiB page cache (SQLite's default is 2 MiB, less than the hot part of a dashboard's indexes),
/// reads through a 256 MiB memory map, temporary tables in memory, and the automatic checkpoint at
/// SQLite's default of 1,000 WAL pages. No ping before handing out a pooled connection: it is a
/// round trip to the connection's thread on every query, and a local file cannot drop a connection.
#[cfg(feature = "sqlite")]
pub async fn connect(url: &str) -> anyhow::Result<Pool> {
    use anyhow::Context as _;
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    use std::str::FromStr as _;

    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| "DATABASE_URL is not a valid SQLite URL".to_owned())?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(10))
        .pragma("cache_size", "-32768")
        .pragma("mmap_size", "268435456")
        .pragma("temp_store", "memory")
        .pragma("wal_autocheckpoint", "1000");
    if let Some(dir) = options
        .get_filename()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database directory {}", dir.display()))?;
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .context("opening the SQLite database")
}

#[cfg(feature = "postgres")]
pub async fn connect(url: &str) -> anyhow::Result<Pool> {
    use anyhow::Context as _;
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(url)
        .await
        .context("connecting to PostgreSQL (check DATABASE_URL)")
}

/// Applies every pending migration. Safe to run on every start and from several instances at once
/// (sqlx takes a lock on PostgreSQL).
pub async fn migrate(pool: &Pool) -> anyhow::Result<()> {
    #[cfg(feature = "sqlite")]
    let migrator = sqlx::migrate!("../migrations/sqlite");
    #[cfg(feature = "postgres")]
    let migrator = sqlx::migrate!("../migrations/postgres");
    migrator.run(pool).await?;
    Ok(())
}

/// True when `error` is a unique-constraint violation (on either engine).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
