//! Group commit for Stripe webhooks on SQLite: one writer task commits queued events together.
//!
//! SQLite has one writer at a time, so concurrent webhook transactions queue anyway; committing
//! each alone pays the commit (WAL append, lock hand-over, a checkpoint now and then) per event.
//! Here requests hand their verified, parsed event to one writer task, which takes everything
//! queued (up to [`MAX_BATCH`]) and applies it in one transaction, then answers every request.
//! Nothing waits on purpose: a batch is whatever queued while the previous one committed, so one
//! sender sees batches of one and no added latency.
//!
//! Invariants:
//! - each event is still atomic: it runs inside its own SAVEPOINT in the batch's transaction, and
//!   an event that fails is rolled back to its savepoint alone (its request gets the error; the
//!   others in the batch are unaffected);
//! - each event is still idempotent: its id is recorded in `webhook_events` inside its savepoint
//!   before acting, exactly as on the unbatched path, so a redelivery — in a later batch or later
//!   in the same one — finds it and changes nothing;
//! - a request is answered only after the COMMIT that holds its event succeeded; if the COMMIT (or
//!   anything that leaves the transaction unusable) fails, every request in the batch gets an
//!   internal error and nothing of the batch is kept, so Stripe's retry acts again;
//! - the batch holds the [`WriteGate`](crate::server::db::WriteGate) like every other gated write
//!   transaction, so it never collides with them in SQLite's busy handler;
//! - the gateway is never called by the writer: what an event needs from it is asked before it is
//!   queued, and what must follow the commit (cancellations) runs in the request afterwards.
//!
//! PostgreSQL keeps one transaction per request: it has row locks and many writers, so batching
//! would only serialise what runs in parallel there. See [`BATCHED`].

use super::webhooks::{Context, Outcome, WebhookError, apply};
use crate::dto::AppError;
use crate::server::db::{Pool, WriteGate};
use crate::server::stripe::event::Event;
use chrono::{DateTime, Utc};
use sqlx::Acquire as _;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Whether webhooks go through the writer task (SQLite) or run one transaction per request.
pub const BATCHED: bool = cfg!(feature = "sqlite");

/// The most events committed in one transaction (bounds how long the write lock is held).
pub const MAX_BATCH: usize = 64;
/// Events waiting for the writer before senders wait to queue.
const QUEUE: usize = 1024;

type Reply = Result<(Outcome, Context), WebhookError>;

struct Job {
    event: Event,
    context: Context,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Reply>,
}

/// The queue in front of the writer task. The task starts with the first event and is started
/// again if it ever stopped (a panic while applying an event answers that batch with errors).
#[derive(Default)]
pub struct WebhookBatcher {
    queue: std::sync::Mutex<Option<mpsc::Sender<Job>>>,
}

impl WebhookBatcher {
    /// Applies `event` in the next batch; returns once that batch has committed (or failed).
    pub(super) async fn apply(
        &self,
        pool: &Pool,
        gate: &Arc<WriteGate>,
        event: Event,
        context: Context,
        now: DateTime<Utc>,
    ) -> Reply {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            event,
            context,
            now,
            reply,
        };
        self.sender(pool, gate)
            .send(job)
            .await
            .map_err(|_| AppError::internal("the webhook writer stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the webhook writer dropped an event"))?
    }

    fn sender(&self, pool: &Pool, gate: &Arc<WriteGate>) -> mpsc::Sender<Job> {
        let mut queue = self
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match queue.as_ref() {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(QUEUE);
                tokio::spawn(run(pool.clone(), gate.clone(), receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// The writer task: a batch of whatever is queued, committed, answered; until the queue closes.
async fn run(pool: Pool, gate: Arc<WriteGate>, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit_batch(&pool, &gate, &mut batch).await;
    }
}

async fn commit_batch(pool: &Pool, gate: &WriteGate, batch: &mut Vec<Job>) {
    let size = batch.len();
    let _queued = gate.enter().await;
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(error) => return fail(batch.drain(..), &error),
    };
    let mut done = Vec::with_capacity(size);
    for mut job in batch.drain(..) {
        match apply_in_savepoint(&mut tx, &job.event, &mut job.context, job.now).await {
            Ok(result) => done.push((job, result)),
            Err(error) => {
                // The transaction can no longer be trusted: nothing of this batch is kept.
                tracing::error!(%error, size, "webhook batch abandoned");
                return fail(done.into_iter().map(|(job, _)| job).chain([job]), &error);
            }
        }
    }
    if let Err(error) = tx.commit().await {
        tracing::error!(%error, size, "webhook batch commit failed");
        return fail(done.into_iter().map(|(job, _)| job), &error);
    }
    for (job, result) in done {
        // A sender that went away (client disconnected) finds its event committed on retry.
        let _ = job.reply.send(result.map(|outcome| (outcome, job.context)));
    }
}

/// One event inside its own savepoint. The outer error means the transaction is unusable.
async fn apply_in_savepoint(
    tx: &mut sqlx::Transaction<'_, crate::server::db::Db>,
    event: &Event,
    context: &mut Context,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, WebhookError>, sqlx::Error> {
    let mut savepoint = tx.begin().await?;
    match apply(&mut savepoint, event, context, now).await {
        Ok(outcome) => {
            savepoint.commit().await?;
            Ok(Ok(outcome))
        }
        Err(error) => {
            savepoint.rollback().await?;
            Ok(Err(error))
        }
    }
}

fn fail(jobs: impl IntoIterator<Item = Job>, error: &sqlx::Error) {
    for job in jobs {
        let _ = job
            .reply
            .send(Err(WebhookError::Internal(AppError::internal(format!(
                "webhook batch not committed: {error}"
            )))));
    }
}
