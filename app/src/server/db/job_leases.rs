//! Leases that keep a job from running on two instances at once (`job_leases`).
//!
//! A lease is taken with one conditional upsert: it succeeds when nobody holds the job or the
//! holder's lease has lapsed (a crashed instance's lease simply runs out).

use super::{DbConn, Pool};
use chrono::{DateTime, NaiveDate, Utc};

/// Takes (or renews, for the same `holder`) the lease on `name` until `until`; false when another
/// holder's lease is still current.
pub async fn take(
    pool: &Pool,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let taken: Option<String> = sqlx::query_scalar(
        "INSERT INTO job_leases (name, holder, lease_until) VALUES ($1, $2, $4)
         ON CONFLICT (name) DO UPDATE SET holder = $2, lease_until = $4
         WHERE job_leases.lease_until <= $3 OR job_leases.holder = $2
         RETURNING holder",
    )
    .bind(name)
    .bind(holder)
    .bind(now)
    .bind(until)
    .fetch_optional(pool)
    .await?;
    Ok(taken.is_some())
}

/// Renews `holder`'s lease inside the caller's transaction, as its first statement: false if the
/// lease was lost. Being a write, it also takes SQLite's write lock at once, so a transaction that
/// reads and then writes is never refused for a snapshot another writer made stale (SQLITE_BUSY_SNAPSHOT).
pub async fn hold(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    until: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE job_leases SET lease_until = $3 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .bind(until)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease up and records `day` as done (when the run completed).
pub async fn release(
    pool: &Pool,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    completed_day: Option<NaiveDate>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE job_leases SET lease_until = $3, last_day = COALESCE($4, last_day)
         WHERE name = $1 AND holder = $2",
    )
    .bind(name)
    .bind(holder)
    .bind(now)
    .bind(completed_day)
    .execute(pool)
    .await?;
    Ok(())
}

/// The business day of the job's last completed run.
pub async fn last_day(pool: &Pool, name: &str) -> sqlx::Result<Option<NaiveDate>> {
    Ok(
        sqlx::query_scalar("SELECT last_day FROM job_leases WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?
            .flatten(),
    )
}
