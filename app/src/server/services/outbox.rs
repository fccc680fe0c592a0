//! The outbox: queueing mail with the change that causes it, and the sender that delivers it.
//!
//! Invariants:
//! - [`queue`] writes on the caller's connection, so a mail exists exactly when its cause was
//!   committed; the dedupe key makes a repeated cause (a retried webhook, a double click) one mail.
//! - The sender only sends rows it claimed (see [`db::emails`]); a claim lasts [`LEASE`], far
//!   longer than one SMTP conversation may take (lettre's timeout is 20 s per step), so a live
//!   sender's row is never claimed twice; a row whose lease is nearly over before its turn in the
//!   batch comes is left unsent ([`SEND_BUDGET`]). A sender that dies mid-send leaves a lease that lapses,
//!   and the row is sent again: at least once, and exactly once unless a process dies between the
//!   server's "250 OK" and our update.
//! - Transient failures retry after [`retry_delay`] (exponential, with jitter so many failed
//!   rows do not come back at the same second) up to [`MAX_ATTEMPTS`]; permanent ones stop at once.
//! - Nothing here logs a mail's body: it may hold a password-reset link.

use crate::server::db::emails::{self, EmailRow, NewEmail};
use crate::server::db::{DbConn, Pool};
use crate::server::mail::Rendered;
use crate::server::ports::{MailError, Mailer, OutgoingMail};
use chrono::{DateTime, Duration, Utc};
use rand::Rng as _;
use std::sync::Arc;

/// After this many attempts a transient failure is final.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed row is reserved for its sender.
pub const LEASE: Duration = Duration::minutes(5);
/// The longest one send may take (lettre gives each SMTP step 20 s; a conversation has fewer than
/// nine). A claimed row whose lease has less than this left is not sent: it waited behind slow
/// sends in its batch, and another sender may take it once the lease lapses.
pub const SEND_BUDGET: Duration = Duration::minutes(3);
/// Rows claimed at once (at least; a transport with more connections claims four rounds' worth).
pub const BATCH: i64 = 64;

/// Queues `mail` for `recipient` on `conn` (the caller's transaction). False when the dedupe key
/// was already used: the mail for this cause exists.
pub async fn queue(
    conn: &mut DbConn,
    dedupe_key: String,
    recipient: &str,
    mail: Rendered,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    emails::enqueue(
        conn,
        &NewEmail {
            dedupe_key,
            recipient: recipient.to_owned(),
            kind: mail.kind.to_owned(),
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
        },
        now,
    )
    .await
}

/// The wait before attempt `attempt + 1`: 30 s, 1 min, 2 min … capped at 2 h, each ±25 %
/// (`jitter` in `0.0..1.0`). Eight attempts span about an hour.
pub fn retry_delay(attempt: i32, jitter: f64) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 16) - 1).unwrap_or(0);
    let base = (30_i64 << exponent).min(2 * 3600);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    Duration::milliseconds((base as f64 * 1000.0 * factor) as i64)
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub sent: u64,
    /// Failed for now; queued again for later.
    pub retried: u64,
    /// Failed for good (a permanent answer, or the last attempt).
    pub failed: u64,
    /// Sent or failed, but the lease had lapsed and another claim owned the row by then.
    pub superseded: u64,
}

impl Summary {
    pub fn handled(&self) -> u64 {
        self.sent + self.retried + self.failed + self.superseded
    }

    fn add(&mut self, other: Summary) {
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.superseded += other.superseded;
    }
}

/// Claims one batch of due mail at `now` and sends it, as many at a time as the mailer allows.
pub async fn send_batch(
    pool: &Pool,
    mailer: &Arc<dyn Mailer>,
    now: DateTime<Utc>,
) -> sqlx::Result<Summary> {
    let in_flight = mailer.parallelism().max(1);
    let batch = BATCH.max(i64::try_from(in_flight * 4).unwrap_or(BATCH));
    let rows = emails::claim_due(pool, now, now + LEASE, batch).await?;
    let mut summary = Summary::default();
    let limit = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    for row in rows {
        let (pool, mailer, limit) = (pool.clone(), mailer.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            if row
                .lease_until
                .is_none_or(|lease| Utc::now() + SEND_BUDGET > lease)
            {
                return Ok(Summary::default());
            }
            deliver(&pool, mailer.as_ref(), &row, now).await
        });
    }
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(one)) => summary.add(one),
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(panic) => tracing::error!(%panic, "mail task panicked"),
        }
    }
    match first_error {
        // The rows whose outcome was not recorded keep their lease and are retried after it.
        Some(e) if summary.handled() == 0 => Err(e),
        Some(e) => {
            tracing::error!(error = %e, "recording a mail's outcome failed");
            Ok(summary)
        }
        None => Ok(summary),
    }
}

/// Sends one claimed row and records the outcome.
async fn deliver(
    pool: &Pool,
    mailer: &dyn Mailer,
    row: &EmailRow,
    now: DateTime<Utc>,
) -> sqlx::Result<Summary> {
    let outcome = mailer
        .send(OutgoingMail {
            id: row.id,
            to: &row.recipient,
            kind: &row.kind,
            subject: &row.subject,
            text: &row.body_text,
            html: &row.body_html,
        })
        .await;
    let mut summary = Summary::default();
    let current = match outcome {
        Ok(()) => {
            summary.sent = 1;
            emails::mark_sent(pool, row, Utc::now()).await?
        }
        Err(MailError::Transient(reason)) if row.attempts < MAX_ATTEMPTS => {
            let wait = retry_delay(row.attempts, rand::thread_rng().r#gen::<f64>());
            tracing::warn!(id = row.id, kind = %row.kind, attempt = row.attempts, %reason, retry_in_secs = wait.num_seconds(), "mail not sent; will retry");
            summary.retried = 1;
            emails::mark_retry(pool, row, now + wait, &reason).await?
        }
        Err(MailError::Transient(reason) | MailError::Permanent(reason)) => {
            tracing::warn!(id = row.id, kind = %row.kind, attempt = row.attempts, %reason, "mail failed for good");
            summary.failed = 1;
            emails::mark_failed(pool, row, &reason).await?
        }
    };
    if !current {
        return Ok(Summary {
            superseded: 1,
            ..Summary::default()
        });
    }
    Ok(summary)
}

/// Sends batches until nothing is due at `now` (plus the time spent), calling `progress` after each batch with the
/// running total. The CLI's `jobs send-emails` and the server's loop both use this.
pub async fn send_due(
    pool: &Pool,
    mailer: &Arc<dyn Mailer>,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&Summary),
) -> sqlx::Result<Summary> {
    let mut total = Summary::default();
    let started = std::time::Instant::now();
    loop {
        // `now` moves on with the clock, so a long backlog gets fresh leases batch after batch.
        let at = now + Duration::from_std(started.elapsed()).unwrap_or_default();
        let batch = send_batch(pool, mailer, at).await?;
        if batch.handled() == 0 {
            return Ok(total);
        }
        total.add(batch);
        progress(&total);
    }
}

/// Wakes the sender when this instance queues mail, so it leaves at once rather than at the next
/// poll.
#[derive(Debug, Default)]
pub struct Wake(tokio::sync::Notify);

impl Wake {
    pub fn queued(&self) {
        self.0.notify_one();
    }
}

/// The server's sender: a pass whenever mail is queued here, and every `every` for retries and
/// for mail queued elsewhere (another instance, the CLI).
pub fn spawn_sender(
    pool: Pool,
    mailer: Arc<dyn Mailer>,
    wake: Arc<Wake>,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match send_due(&pool, &mailer, Utc::now(), |_| {}).await {
                Ok(summary) if summary.handled() > 0 => {
                    tracing::info!(
                        sent = summary.sent,
                        retried = summary.retried,
                        failed = summary.failed,
                        "mail pass"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "mail pass failed; trying again later"),
            }
            tokio::select! {
                () = wake.0.notified() => {}
                () = tokio::time::sleep(every) => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_with_bounded_jitter() {
        assert_eq!(retry_delay(1, 0.5), Duration::seconds(30));
        assert_eq!(retry_delay(2, 0.5), Duration::seconds(60));
        assert_eq!(retry_delay(4, 0.5), Duration::seconds(240));
        assert_eq!(retry_delay(1, 0.0), Duration::milliseconds(22_500));
        assert_eq!(retry_delay(1, 1.0), Duration::milliseconds(37_500));
        assert_eq!(retry_delay(30, 0.5), Duration::hours(2));
        let total: i64 = (1..MAX_ATTEMPTS)
            .map(|a| retry_delay(a, 0.5).num_seconds())
            .sum();
        assert!((3_000..9_000).contains(&total), "{total}");
    }
}
