//! Payout runs (DESIGN §4, Payouts): pay partners their approved commissions (monthly) and florists
//! their delivered deliveries (weekly) through Stripe Connect transfers, exactly once.
//!
//! Invariants:
//! - a payout and its items are committed (`pending`, with a key derived from the row) before
//!   Stripe is called, and the partial unique indexes on `payout_items` keep each commission and
//!   delivery in at most one live payout;
//! - every attempt at one payout sends the same idempotency key with the same amount; we retry
//!   ourselves (5xx, 429, network, timeouts), never with async-stripe's strategies;
//! - a payout that was sent and whose outcome is unknown stays `processing`, and the next look at
//!   it lists transfers by its `transfer_group` before anything is sent again (Stripe forgets keys
//!   after 24 hours);
//! - a definite refusal fails the payout and releases its items for a later payout (with a new key);
//! - an account that cannot be paid parks a payout that was never sent (`on_hold`), keeping its
//!   items, and the next run sends it once the account can be paid;
//! - one run per kind at a time across instances (a lease in `job_leases`), and a run killed at any
//!   point is finished by the next one, which starts by settling what is unsettled.

use crate::domain::payout::{self, AccountState, PayoutStatus, PayoutType, Resume};
use crate::dto::AppError;
use crate::server::context::AppState;
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::payouts::{self as rows, PayoutRow, Prepared};
use crate::server::db::{adjustments, job_leases, partners, settings};
use crate::server::ports::{TransferOutcome, TransferRequest};
use crate::server::services::notices;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt as _;

/// How long a run holds its kind's lease; renewed after every batch.
pub const LEASE: Duration = Duration::minutes(10);
/// Partners prepared per transaction.
pub const BATCH: i64 = 500;
/// Payouts looked at per batch; their transfers are recorded in one transaction.
pub const SETTLE_BATCH: i64 = 200;
/// Payouts sent at once (each waits on Stripe's answer).
pub const PARALLEL_SENDS: usize = 8;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub prepared: u64,
    pub prepared_cents: i64,
    /// Prepared as `awaiting_approval` (batch approval is on): an admin sends them.
    pub awaiting_approval: u64,
    /// Partners whose balance did not reach their minimum: it waits for a later run.
    pub carried_over: u64,
    pub carried_over_cents: i64,
    pub sent: u64,
    pub sent_cents: i64,
    pub failed: u64,
    pub held: u64,
    /// Sent, but Stripe's answer is not known yet (checked by the next run).
    pub unknown: u64,
    /// Partners with money waiting who cannot be paid yet (no payout setup, or not active).
    pub waiting_partners: i64,
    pub waiting_cents: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Done(Summary),
    /// Another run of this kind holds the lease.
    Busy,
}

/// How one look at a payout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Completed(i64),
    Failed,
    Held,
    Unknown,
    /// Someone else was settling it, or it was already final.
    Untouched,
}

fn holder() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &crate::server::token::new_secret()[..8]
    )
}

/// A whole run of `kind` at `now`: settle what earlier runs left unsettled, prepare a payout for
/// every partner with payable items, and send them. `progress` is told after every batch.
pub async fn run(
    state: &AppState,
    kind: PayoutType,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&str, &Summary),
) -> anyhow::Result<Run> {
    let holder = holder();
    if !take_lease(state, kind, &holder).await? {
        return Ok(Run::Busy);
    }
    let result = async {
        let mut summary = Summary::default();
        settle_all(state, kind, now, &holder, &mut summary, &mut progress).await?;
        prepare_all(state, kind, now, &holder, &mut summary, &mut progress).await?;
        settle_all(state, kind, now, &holder, &mut summary, &mut progress).await?;
        let (partners, cents) = rows::waiting_elsewhere(&state.db, kind).await?;
        summary.waiting_partners = partners;
        summary.waiting_cents = cents;
        anyhow::Ok(summary)
    }
    .await;
    let day = result
        .is_ok()
        .then(|| crate::domain::delivery::business_day(now, &state.settings.business_tz));
    job_leases::release(&state.db, kind.job_name(), &holder, Utc::now(), day).await?;
    let summary = result?;
    state.mail_wake.queued();
    Ok(Run::Done(summary))
}

/// Settles what is unsettled without preparing anything new (the hourly catch-up between the
/// weekly and monthly runs: held payouts whose account was fixed, answers that were lost).
pub async fn resume(state: &AppState, kind: PayoutType, now: DateTime<Utc>) -> anyhow::Result<Run> {
    let holder = holder();
    if !take_lease(state, kind, &holder).await? {
        return Ok(Run::Busy);
    }
    let mut summary = Summary::default();
    let result = settle_all(state, kind, now, &holder, &mut summary, &mut |_, _| {}).await;
    job_leases::release(&state.db, kind.job_name(), &holder, Utc::now(), None).await?;
    result?;
    state.mail_wake.queued();
    Ok(Run::Done(summary))
}

async fn take_lease(state: &AppState, kind: PayoutType, holder: &str) -> sqlx::Result<bool> {
    let real = Utc::now();
    job_leases::take(&state.db, kind.job_name(), holder, real, real + LEASE).await
}

async fn prepare_all(
    state: &AppState,
    kind: PayoutType,
    now: DateTime<Utc>,
    holder: &str,
    summary: &mut Summary,
    progress: &mut impl FnMut(&str, &Summary),
) -> anyhow::Result<()> {
    // Read once per run: a run prepares every payout under the same rule.
    let approval = settings::get(&state.db).await?.approve_payouts;
    let mut after = 0;
    loop {
        let batch = rows::payable_partners(&state.db, after, BATCH).await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.id;
        let _queued = state.write_gate.enter().await;
        let mut tx = state.db.begin().await?;
        // First statement: a write, so SQLite takes its write lock before anything is read.
        if !job_leases::hold(&mut tx, kind.job_name(), holder, Utc::now() + LEASE).await? {
            anyhow::bail!("the payout run lost its lease (another instance took over)");
        }
        for payee in &batch {
            match rows::prepare(
                &mut tx,
                kind,
                payee,
                &state.settings.currency,
                approval,
                now,
            )
            .await?
            {
                Prepared::Made(_, cents) => {
                    summary.prepared += 1;
                    summary.prepared_cents += cents;
                    summary.awaiting_approval += u64::from(approval);
                }
                Prepared::CarriedOver(cents) => {
                    summary.carried_over += 1;
                    summary.carried_over_cents += cents;
                }
                Prepared::Nothing => {}
            }
        }
        tx.commit().await?;
        progress("prepared", summary);
    }
}

async fn settle_all(
    state: &AppState,
    kind: PayoutType,
    now: DateTime<Utc>,
    holder: &str,
    summary: &mut Summary,
    progress: &mut impl FnMut(&str, &Summary),
) -> anyhow::Result<()> {
    let mut after = 0;
    loop {
        let batch = rows::unsettled(&state.db, kind, after, SETTLE_BATCH).await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.id;
        let looks = batch.into_iter().map(|payout| async move {
            look(state, &payout, now).await.map(|step| (payout, step))
        });
        let results: Vec<Result<(PayoutRow, Step), AppError>> = futures::stream::iter(looks)
            .buffer_unordered(PARALLEL_SENDS)
            .collect()
            .await;
        let mut made = Vec::new();
        for result in results {
            match result? {
                (payout, Step::Made(transfer_id)) => made.push((payout, transfer_id)),
                (_, Step::Settled(settled)) => summary.count(settled),
            }
        }
        // The batch's transfers are recorded in one transaction: commissions of many partners
        // share table pages, which are then written once instead of once per payout. A crash
        // before it commits leaves them `processing`, and the next run finds the transfers by
        // their group.
        for settled in complete_all(state, &made, now).await? {
            summary.count(settled);
        }
        // Renewed after every batch: a long run keeps the job; a lost lease stops it.
        if !take_lease(state, kind, holder).await? {
            anyhow::bail!("the payout run lost its lease (another instance took over)");
        }
        progress("sent", summary);
    }
}

/// A look's result: settled one way or another, or a transfer made that is still to be recorded.
enum Step {
    Settled(Settled),
    Made(String),
}

impl From<Settled> for Step {
    fn from(settled: Settled) -> Self {
        Self::Settled(settled)
    }
}

impl Summary {
    fn count(&mut self, settled: Settled) {
        match settled {
            Settled::Completed(cents) => {
                self.sent += 1;
                self.sent_cents += cents;
            }
            Settled::Failed => self.failed += 1,
            Settled::Held => self.held += 1,
            Settled::Unknown => self.unknown += 1,
            Settled::Untouched => {}
        }
    }
}

/// One look at one unsettled payout, recorded at once (an admin's "retry now").
pub async fn settle(
    state: &AppState,
    payout: &PayoutRow,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    match look(state, payout, now).await? {
        Step::Settled(settled) => Ok(settled),
        Step::Made(transfer_id) => Ok(complete_all(state, &[(payout.clone(), transfer_id)], now)
            .await?
            .pop()
            .unwrap_or(Settled::Untouched)),
    }
}

/// Finds out whether an earlier attempt made the transfer, checks the account can be paid, and
/// sends (again, with the same key).
async fn look(state: &AppState, payout: &PayoutRow, now: DateTime<Utc>) -> Result<Step, AppError> {
    let status = PayoutStatus::parse(&payout.status);
    let group = payout::transfer_group(payout.id);
    match status {
        Some(PayoutStatus::Processing) => {
            // Sent before: Stripe may have made the transfer. Past 23 hours the key may be
            // forgotten, so the look-up must answer before anything is sent again; before that
            // a look-up first saves a replay and finds transfers made under a lost answer.
            let resume = payout::resume(payout.first_sent_at, now);
            match state
                .payments
                .find_transfer(&group, &payout.destination)
                .await
            {
                Ok(Some(transfer_id)) => return Ok(Step::Made(transfer_id)),
                Ok(None) => {}
                Err(error) if resume == Resume::LookUpFirst => {
                    let _queued = state.write_gate.enter().await;
                    let mut conn = state.db.acquire().await?;
                    rows::note(
                        &mut conn,
                        payout.id,
                        &format!("Could not look the transfer up at Stripe ({error}); checked again on the next run."),
                        now,
                    )
                    .await?;
                    return Ok(Settled::Unknown.into());
                }
                Err(error) => {
                    tracing::warn!(payout = payout.id, %error, "transfer look-up failed; the stored key makes a resend safe");
                }
            }
        }
        Some(PayoutStatus::Pending | PayoutStatus::OnHold) if payout.held_by.is_none() => {
            match account_state(state, payout.partner_id, &payout.destination).await? {
                Ok(account) => {
                    if let Some(reason) = account.blocker() {
                        return Ok(set_aside(state, payout, &reason, Aside::Held, now)
                            .await?
                            .into());
                    }
                }
                Err(error) => {
                    tracing::warn!(payout = payout.id, %error, "could not check the account; payout left for the next run");
                    return Ok(Settled::Unknown.into());
                }
            }
        }
        _ => return Ok(Settled::Untouched.into()),
    }
    send(state, payout, &group, now).await
}

/// What Stripe says about the account now (stored on the partner), or, for the simulator, what
/// its webhooks recorded. `Err` carries why Stripe could not be asked.
async fn account_state(
    state: &AppState,
    partner_id: i64,
    account_id: &str,
) -> Result<Result<AccountState, String>, AppError> {
    match state.payments.retrieve_account(account_id).await {
        Ok(Some(fresh)) => {
            let _queued = state.write_gate.enter().await;
            let mut conn = state.db.acquire().await?;
            partners::set_account_state(&mut conn, account_id, &fresh, Utc::now()).await?;
            Ok(Ok(fresh))
        }
        Ok(None) => {
            let mut conn = state.db.acquire().await?;
            Ok(Ok(partners::account_state(&mut conn, partner_id)
                .await?
                .map(|(_, state)| state)
                .unwrap_or_default()))
        }
        Err(error) => Ok(Err(error.to_string())),
    }
}

async fn send(
    state: &AppState,
    payout: &PayoutRow,
    group: &str,
    now: DateTime<Utc>,
) -> Result<Step, AppError> {
    {
        // Every write here queues at the gate: on SQLite, writers that collide would otherwise
        // sleep in its busy handler (see `db::WriteGate`).
        let _queued = state.write_gate.enter().await;
        let mut conn = state.db.acquire().await?;
        if !rows::claim(&mut conn, payout.id, payout.attempts, now).await? {
            return Ok(Settled::Untouched.into());
        }
    }
    let request = TransferRequest {
        amount: crate::domain::money::Cents(payout.amount_cents),
        currency: payout.currency.to_ascii_lowercase(),
        destination: payout.destination.clone(),
        transfer_group: group.to_owned(),
        idempotency_key: payout.idempotency_key.clone(),
        metadata: vec![
            ("payout_id".to_owned(), payout.id.to_string()),
            ("partner_id".to_owned(), payout.partner_id.to_string()),
            ("payout_type".to_owned(), payout.payout_type.clone()),
        ],
    };
    let mut last = String::new();
    for attempt in 1..=payout::SEND_ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(payout::backoff(
                attempt - 1,
                state.settings.payout_retry_base,
            ))
            .await;
        }
        match state.payments.create_transfer(request.clone()).await {
            TransferOutcome::Made { transfer_id } => return Ok(Step::Made(transfer_id)),
            TransferOutcome::Refused {
                reason,
                partner_can_fix,
            } => {
                let aside = Aside::Failed { partner_can_fix };
                return Ok(set_aside(state, payout, &reason, aside, now).await?.into());
            }
            TransferOutcome::Retry { reason } | TransferOutcome::Unknown { reason } => {
                tracing::warn!(payout = payout.id, attempt, %reason, "transfer attempt without a definite answer");
                last = reason;
            }
        }
    }
    let _queued = state.write_gate.enter().await;
    let mut conn = state.db.acquire().await?;
    rows::note(
        &mut conn,
        payout.id,
        &format!("No definite answer from Stripe ({last}); the next run checks whether the transfer was made before sending again."),
        now,
    )
    .await?;
    Ok(Settled::Unknown.into())
}

/// Records transfers Stripe made: each payout `completed` with its transfer id, its commissions
/// `paid`, and its mail queued, all in one transaction.
async fn complete_all(
    state: &AppState,
    made: &[(PayoutRow, String)],
    now: DateTime<Utc>,
) -> Result<Vec<Settled>, AppError> {
    if made.is_empty() {
        return Ok(Vec::new());
    }
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    let mut settled = Vec::with_capacity(made.len());
    for (payout, transfer_id) in made {
        if rows::complete(&mut tx, payout.id, transfer_id, now).await? {
            claw_back_late_reversals(&mut tx, payout.id, now).await?;
            notices::payout_sent(&mut tx, &state.settings, payout, now).await?;
            settled.push(Settled::Completed(payout.amount_cents));
        } else {
            settled.push(Settled::Untouched);
        }
    }
    tx.commit().await?;
    Ok(settled)
}

/// The reason a partner reads on money taken back after it was paid.
pub const CLAWBACK_REASON: &str =
    "The customer's payment was refunded or reversed after this commission was paid";

/// Commissions in a just-completed payout whose payment was reversed while the payout was on its
/// way: they were paid after all, so each is taken back as an adjustment (with its audit row).
async fn claw_back_late_reversals(
    conn: &mut crate::server::db::DbConn,
    payout_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let made = adjustments::claw_back_in_payout(conn, payout_id, CLAWBACK_REASON, now).await?;
    record_adjustments(
        conn,
        &Actor::system("Payout run", &format!("payout {payout_id}")),
        &made,
        now,
    )
    .await
}

/// One audit row per adjustment made.
pub async fn record_adjustments(
    conn: &mut crate::server::db::DbConn,
    actor: &Actor,
    made: &[adjustments::Made],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    for adjustment in made {
        let change = Change {
            action: "adjustment.create",
            subject_type: "adjustment",
            subject_id: adjustment.id,
            partner_id: Some(adjustment.partner_id),
            before: format!("commission #{} paid", adjustment.commission_id),
            after: format!(
                "taken back {}",
                crate::domain::money::Cents(adjustment.amount_cents).to_decimal_string()
            ),
        };
        audit::record(conn, actor, &change, now).await?;
    }
    Ok(())
}

/// How a payout that was not sent is set aside.
#[derive(Clone, Copy)]
enum Aside {
    /// Stripe refused it: `failed`, lines released. The partner is told only when it is theirs to fix.
    Failed { partner_can_fix: bool },
    /// The account cannot be paid now: `on_hold`, lines kept. The partner is told (once).
    Held,
}

async fn set_aside(
    state: &AppState,
    payout: &PayoutRow,
    reason: &str,
    aside: Aside,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    let (changed, tell, settled) = match aside {
        Aside::Failed { partner_can_fix } => {
            let failed = rows::fail(&mut tx, payout.id, reason, now).await?;
            if failed {
                // Released commissions whose payment was reversed meanwhile were never paid.
                let reason = crate::server::services::settlement::reversal_reason(
                    crate::server::db::reversals::Kind::Refund,
                );
                adjustments::reject_released(&mut tx, payout.id, reason, now).await?;
            }
            (failed, partner_can_fix, Settled::Failed)
        }
        Aside::Held => (
            rows::hold(&mut tx, payout.id, reason, now).await?,
            true,
            Settled::Held,
        ),
    };
    if !changed {
        return Ok(Settled::Untouched);
    }
    if tell {
        let held = matches!(aside, Aside::Held);
        notices::payout_problem(&mut tx, &state.settings, payout, reason, held, now).await?;
    }
    tx.commit().await?;
    if settled == Settled::Failed {
        tracing::warn!(payout = payout.id, %reason, "payout refused by Stripe; its items wait for the next run");
    }
    Ok(settled)
}

/// An admin's "retry now": a held or uncertain payout is settled at once; for a failed one, the
/// partner's payable items (released when it failed) go into a new payout that is sent at once.
/// Payouts waiting for approval or held by an admin are approved instead, never retried.
pub async fn retry(
    state: &AppState,
    actor: &Actor,
    payout_id: i64,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    let payout = {
        let mut conn = state.db.acquire().await?;
        rows::find(&mut conn, payout_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let status = PayoutStatus::parse(&payout.status);
    if payout.held_by.is_some() || status == Some(PayoutStatus::AwaitingApproval) {
        return Err(AppError::field(
            "payout",
            "This payout waits for an admin's approval: approve it to send it.",
        ));
    }
    if status == Some(PayoutStatus::Completed) {
        return Err(AppError::field(
            "payout",
            "This payout was sent; there is nothing to retry.",
        ));
    }
    let kind = PayoutType::parse(&payout.payout_type).map_err(AppError::internal)?;
    let holder = holder();
    if !take_lease(state, kind, &holder).await? {
        return Err(AppError::field(
            "payout",
            "A payout run is in progress right now; try again in a minute.",
        ));
    }
    let result = async {
        let change = Change {
            action: "payout.retry",
            subject_type: "payout",
            subject_id: payout.id,
            partner_id: Some(payout.partner_id),
            before: payout.status.clone(),
            after: String::new(),
        };
        if status != Some(PayoutStatus::Failed) {
            {
                let _queued = state.write_gate.enter().await;
                let mut tx = state.db.begin().await?;
                let change = Change {
                    after: "sent again".into(),
                    ..change
                };
                audit::record(&mut tx, actor, &change, now).await?;
                tx.commit().await?;
            }
            return settle(state, &payout, now).await;
        }
        let payee = {
            let mut conn = state.db.acquire().await?;
            rows::payee(&mut conn, payout.partner_id).await?
        };
        let Some(payee) = payee else {
            return Err(AppError::field(
                "payout",
                "This partner cannot be paid: payouts are not set up, or the partner is not active.",
            ));
        };
        let prepared = {
            let _queued = state.write_gate.enter().await;
            let mut tx = state.db.begin().await?;
            // First statement: a write, so SQLite takes its write lock before anything is read.
            job_leases::hold(&mut tx, kind.job_name(), &holder, Utc::now() + LEASE).await?;
            let prepared =
                rows::prepare(&mut tx, kind, &payee, &state.settings.currency, false, now).await?;
            if let Prepared::Made(id, _) = prepared {
                let change = Change {
                    after: format!("new payout #{id}"),
                    ..change
                };
                audit::record(&mut tx, actor, &change, now).await?;
            }
            tx.commit().await?;
            prepared
        };
        let id = match prepared {
            Prepared::Made(id, _) => id,
            Prepared::CarriedOver(cents) => {
                return Err(AppError::field(
                    "payout",
                    format!(
                        "This partner's balance ({}) is below their minimum payout ({}); it waits for a later run.",
                        state.money(cents),
                        state.money(payee.minimum_cents)
                    ),
                ));
            }
            Prepared::Nothing => {
                return Err(AppError::field(
                    "payout",
                    "Nothing to pay: this partner's items are already in another payout or were paid.",
                ));
            }
        };
        let fresh = {
            let mut conn = state.db.acquire().await?;
            rows::find(&mut conn, id).await?.ok_or(AppError::NotFound)?
        };
        settle(state, &fresh, now).await
    }
    .await;
    job_leases::release(&state.db, kind.job_name(), &holder, Utc::now(), None).await?;
    state.mail_wake.queued();
    result
}

/// What an admin's approval did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Approved {
    pub approved: u64,
    /// Sent at once (the rest go with the next run: one was in progress).
    pub sent: u64,
}

/// Which payouts an admin's approval covers.
#[derive(Debug, Clone, Copy)]
pub enum Approval<'a> {
    /// These payouts (a row's own button).
    These(&'a [i64]),
    /// The batch awaiting approval as the admin's page showed it: every one up to this id, so a
    /// payout a run prepared after the page was drawn is never approved unseen.
    BatchUpTo(i64),
}

/// Approves payouts awaiting approval (or held by an admin), each with its audit row, and sends
/// them at once. Payouts no longer awaiting approval are skipped.
pub async fn approve(
    state: &AppState,
    actor: &Actor,
    which: Approval<'_>,
    now: DateTime<Utc>,
) -> Result<Approved, AppError> {
    let admin = actor
        .user_id
        .ok_or_else(|| AppError::internal("an approval needs an admin"))?;
    let batch;
    let ids = match which {
        Approval::These(ids) => ids,
        Approval::BatchUpTo(last) => {
            batch = rows::awaiting_approval(&state.db, last).await?;
            &batch[..]
        }
    };
    if ids.is_empty() {
        return Err(AppError::field(
            "payout",
            "Choose at least one payout to approve.",
        ));
    }
    let mut kinds = Vec::new();
    let mut done = Approved::default();
    {
        let _queued = state.write_gate.enter().await;
        let mut tx = state.db.begin().await?;
        for &id in ids {
            let Some(row) = rows::find(&mut *state.db.acquire().await?, id).await? else {
                continue;
            };
            // The write comes first: on SQLite a transaction that reads first may not upgrade.
            if !rows::approve(&mut tx, id, admin, now).await? {
                continue;
            }
            let change = Change {
                action: "payout.approve",
                subject_type: "payout",
                subject_id: id,
                partner_id: Some(row.partner_id),
                before: if row.held_by.is_some() {
                    format!("held: {}", row.reason)
                } else {
                    row.status.clone()
                },
                after: format!("approved: {} to send", state.money(row.amount_cents)),
            };
            audit::record(&mut tx, actor, &change, now).await?;
            done.approved += 1;
            if let Ok(kind) = PayoutType::parse(&row.payout_type)
                && !kinds.contains(&kind)
            {
                kinds.push(kind);
            }
        }
        tx.commit().await?;
    }
    if done.approved == 0 {
        return Err(AppError::field(
            "payout",
            "Nothing to approve: these payouts were approved or sent already.",
        ));
    }
    for kind in kinds {
        if let Run::Done(summary) = resume(state, kind, now).await.map_err(AppError::internal)? {
            done.sent += summary.sent;
        }
    }
    Ok(done)
}

/// An admin holds a payout that was not sent: runs skip it until an admin approves it.
pub async fn hold(
    state: &AppState,
    actor: &Actor,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let admin = actor
        .user_id
        .ok_or_else(|| AppError::internal("a hold needs an admin"))?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "Say why the payout is held (up to 500 characters): other admins read it.",
        ));
    }
    let _queued = state.write_gate.enter().await;
    let before = {
        let mut conn = state.db.acquire().await?;
        rows::find(&mut conn, id).await?.ok_or(AppError::NotFound)?
    };
    let mut tx = state.db.begin().await?;
    if !rows::hold_by_admin(&mut tx, id, admin, reason, now).await? {
        return Err(AppError::field(
            "payout",
            "Only a payout that was not sent yet can be held.",
        ));
    }
    let row = before;
    let change = Change {
        action: "payout.hold",
        subject_type: "payout",
        subject_id: id,
        partner_id: Some(row.partner_id),
        before: row.status,
        after: format!("on hold: {reason}"),
    };
    audit::record(&mut tx, actor, &change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The in-process schedule: every `every`, each kind runs in full when it is due (fulfillment
/// once per ISO week, commissions once per calendar month, by the business day of the last
/// completed run, so a missed week or month is caught up on start), and otherwise settles only what
/// is unsettled (held payouts whose account was fixed, answers that were lost).
pub fn spawn(state: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            for kind in PayoutType::ALL {
                if let Err(error) = tick(&state, kind, Utc::now()).await {
                    tracing::error!(error = %format!("{error:#}"), kind = kind.as_str(), "payout run failed");
                }
            }
        }
    })
}

async fn tick(state: &AppState, kind: PayoutType, now: DateTime<Utc>) -> anyhow::Result<()> {
    let today = crate::domain::delivery::business_day(now, &state.settings.business_tz);
    let last = job_leases::last_day(&state.db, kind.job_name()).await?;
    let run = if kind.due(today, last) {
        run(state, kind, now, |_, _| {}).await?
    } else {
        resume(state, kind, now).await?
    };
    if let Run::Done(summary) = run
        && summary != Summary::default()
    {
        tracing::info!(kind = kind.as_str(), ?summary, "payouts");
    }
    Ok(())
}
