//! The periodic maintenance pass: deletes expired sessions and reset links, retries subscription cancellations the
//! gateway has not confirmed, and forgets idle rate-limit counters.
//!
//! Invariant: every step is idempotent and safe to run from several instances at once; a failing
//! step is logged and does not stop the others.

use crate::server::context::AppState;
use crate::server::db::{password_resets, sessions};
use crate::server::services::subscriptions;
use chrono::{DateTime, Utc};

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sessions_deleted: u64,
    pub cancellations_retried: usize,
}

pub async fn run_once(state: &AppState, now: DateTime<Utc>) -> Pass {
    let mut pass = Pass::default();
    match sessions::delete_expired(&state.db, now).await {
        Ok(n) => pass.sessions_deleted = n,
        Err(error) => tracing::error!(%error, "maintenance: deleting expired sessions"),
    }
    if let Err(error) = password_resets::delete_expired(&state.db, now).await {
        tracing::error!(%error, "maintenance: deleting expired password-reset links");
    }
    match subscriptions::retry_pending(state).await {
        Ok(n) => pass.cancellations_retried = n,
        Err(error) => tracing::error!(%error, "maintenance: retrying subscription cancellations"),
    }
    state.limits.forget_idle();
    if pass != Pass::default() {
        tracing::info!(?pass, "maintenance pass");
    }
    pass
}
