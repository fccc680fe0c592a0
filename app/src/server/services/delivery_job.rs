//! The delivery-notifications job (DESIGN §4): offer events 14 days ahead, remind at 7, expire
//! unanswered offers and reassign them, tell accepted florists on the delivery day, and hand
//! lapsed "card left" deliveries to an admin.
//!
//! Invariants:
//! - safe to run any number of times: each step acts only on rows still in the state it looks for
//!   (no request yet, not reminded, not told, still pending), and a mail's dedupe key names its
//!   request, so a second run the same day sends nothing;
//! - it catches up: every step looks at everything due up to `now`, not only at "today";
//! - one run at a time across instances: a lease in `job_leases` (real time, renewed per batch);
//! - memory stays flat: events are read in keyset batches of [`BATCH`], each batch one transaction.

use crate::domain::delivery::{self, Candidate};
use crate::server::context::AppState;
use crate::server::db::deliveries::{self as rows, Notice as Due};
use crate::server::db::{florists, job_leases};
use crate::server::services::deliveries::{self, Notice, Outcome};
use chrono::{DateTime, Days, Duration, Utc};
use std::collections::HashMap;

pub const NAME: &str = "delivery-notifications";
/// How long a run holds the job; renewed after every batch.
pub const LEASE: Duration = Duration::minutes(10);
/// Rows per transaction.
pub const BATCH: i64 = 500;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub offered: u64,
    pub reminded: u64,
    pub expired: u64,
    pub reassigned: u64,
    pub flagged: u64,
    pub day_mails: u64,
}

impl Summary {
    pub fn mails(&self) -> u64 {
        self.offered + self.reminded + self.reassigned + self.day_mails
    }
}

/// A run's result: done, or another instance holds the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Done(Summary),
    Busy,
}

/// One run at `now` (the business day follows from it), reporting `progress` after every batch
/// with the step's name.
pub async fn run(
    state: &AppState,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&str, &Summary),
) -> anyhow::Result<Run> {
    let holder = format!(
        "{}-{}",
        std::process::id(),
        &crate::server::token::new_secret()[..8]
    );
    let lease = || {
        let real = Utc::now();
        (real, real + LEASE)
    };
    let (real, until) = lease();
    if !job_leases::take(&state.db, NAME, &holder, real, until).await? {
        return Ok(Run::Busy);
    }
    let result = steps(state, now, &holder, &mut progress).await;
    let completed = result
        .is_ok()
        .then(|| delivery::business_day(now, &state.settings.business_tz));
    job_leases::release(&state.db, NAME, &holder, Utc::now(), completed).await?;
    let summary = result?;
    if summary.mails() > 0 {
        state.mail_wake.queued();
    }
    Ok(Run::Done(summary))
}

/// Opens one batch's transaction, renewing the lease as its first statement (see
/// [`job_leases::hold`]); fails if another instance took the job over.
async fn batch(
    state: &AppState,
    holder: &str,
) -> anyhow::Result<sqlx::Transaction<'static, crate::server::db::Db>> {
    let mut tx = state.db.begin().await?;
    anyhow::ensure!(
        job_leases::hold(&mut tx, NAME, holder, Utc::now() + LEASE).await?,
        "lost the job lease to another instance"
    );
    Ok(tx)
}

async fn steps(
    state: &AppState,
    now: DateTime<Utc>,
    holder: &str,
    progress: &mut impl FnMut(&str, &Summary),
) -> anyhow::Result<Summary> {
    let settings = &state.settings;
    let today = delivery::business_day(now, &settings.business_tz);
    let mut summary = Summary::default();

    // 1. Offer every event due within 14 days that has no request yet.
    let mut by_area: HashMap<String, Vec<Candidate>> = HashMap::new();
    for (key, c) in florists::candidates(&mut *state.db.acquire().await?, None).await? {
        by_area.entry(key).or_default().push(c);
    }
    let horizon = today + Days::new(delivery::OFFER_DAYS);
    let (mut after, mut stamp) = (0, 0i64);
    let mut seen = deliveries::Florists::default();
    loop {
        let _gate = state.write_gate.enter().await;
        let mut tx = batch(state, holder).await?;
        let events = rows::events_to_offer(&mut tx, horizon, after, BATCH).await?;
        let Some(last) = events.last() else { break };
        after = last.event_id;
        // Each florist's latest offer in this batch, recorded once at its end.
        let mut offered: HashMap<i64, DateTime<Utc>> = HashMap::new();
        for event in &events {
            let key = delivery::area_key(&event.suburb, &event.city, &event.country);
            let candidates = by_area.entry(key).or_default();
            // Increasing stamps: within one run the florists of an area take turns.
            stamp += 1;
            let at = now + Duration::microseconds(stamp);
            match deliveries::offer_event(
                &mut tx,
                settings,
                &mut seen,
                event,
                candidates,
                &[],
                false,
                now,
                at,
            )
            .await?
            {
                Outcome::Offered(_) => {
                    summary.offered += 1;
                    if let Some(c) = candidates.iter().find(|c| c.last_offered_at == Some(at)) {
                        offered.insert(c.partner_id, at);
                    }
                }
                Outcome::Flagged(_) => summary.flagged += 1,
                Outcome::Taken => {}
            }
        }
        for (partner_id, at) in offered {
            florists::mark_offered(&mut tx, partner_id, at).await?;
        }
        tx.commit().await?;
        progress("offers", &summary);
    }

    // 2. Remind pending offers a week before the day (not fresh ones).
    let remind_horizon = today + Days::new(delivery::REMIND_DAYS);
    let offered_before = now - delivery::REMIND_AFTER;
    let mut after = 0;
    loop {
        let _gate = state.write_gate.enter().await;
        let mut tx = batch(state, holder).await?;
        let due =
            rows::to_remind(&mut tx, remind_horizon, offered_before, now, after, BATCH).await?;
        let Some(last) = due.last() else { break };
        after = *last;
        for id in due {
            if rows::mark_notified(&mut tx, id, Due::Reminder, now).await?
                && deliveries::send(&mut tx, settings, id, Notice::Reminder, now).await?
            {
                summary.reminded += 1;
            }
        }
        tx.commit().await?;
        progress("reminders", &summary);
    }

    // 3. Expire unanswered offers and offer the event to the next florist.
    let mut after = 0;
    loop {
        let _gate = state.write_gate.enter().await;
        let mut tx = batch(state, holder).await?;
        let overdue = rows::overdue(&mut tx, now, after, BATCH).await?;
        let Some(last) = overdue.last() else { break };
        after = last.0;
        for (id, event_id) in overdue {
            if !rows::expire(&mut tx, id, now).await? {
                continue;
            }
            summary.expired += 1;
            match deliveries::reassign(&mut tx, settings, event_id, now).await? {
                Outcome::Offered(_) => summary.reassigned += 1,
                Outcome::Flagged(_) => summary.flagged += 1,
                Outcome::Taken => {}
            }
        }
        tx.commit().await?;
        progress("expiries", &summary);
    }

    // 4. On the delivery day, ask accepted florists to confirm by the evening.
    let mut after = 0;
    loop {
        let _gate = state.write_gate.enter().await;
        let mut tx = batch(state, holder).await?;
        let due = rows::to_tell_today(&mut tx, today, after, BATCH).await?;
        let Some(last) = due.last() else { break };
        after = *last;
        for id in due {
            if rows::mark_notified(&mut tx, id, Due::DeliveryDay, now).await?
                && deliveries::send(&mut tx, settings, id, Notice::DeliveryDay, now).await?
            {
                summary.day_mails += 1;
            }
        }
        tx.commit().await?;
        progress("delivery-day mails", &summary);
    }

    // 5. A card left more than 24 hours ago with no news: an admin takes over.
    {
        let _gate = state.write_gate.enter().await;
        let mut tx = batch(state, holder).await?;
        for (id, event_id) in
            rows::card_left_lapsed(&mut tx, now - delivery::CARD_LEFT_GRACE).await?
        {
            if rows::transition(
                &mut tx,
                id,
                "card_left",
                "failed",
                None,
                "No news within 24 hours of leaving a card.",
                now,
            )
            .await?
                && rows::flag(&mut tx, event_id, "card_left_lapsed", now).await?
            {
                summary.flagged += 1;
            }
        }
        tx.commit().await?;
    }
    progress("done", &summary);
    Ok(summary)
}

/// Runs the job every `every` for as long as the server runs. Each run is idempotent, so the
/// hourly default is the daily job plus timely expiries; a run another instance holds is skipped.
pub fn spawn(state: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match run(&state, Utc::now(), |_, _| {}).await {
                Ok(Run::Done(summary)) if summary != Summary::default() => {
                    tracing::info!(?summary, "delivery notifications");
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "delivery notifications failed")
                }
            }
        }
    })
}
