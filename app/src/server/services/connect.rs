//! Stripe Connect onboarding (DESIGN §4, Payouts): a partner's Express account, onboarding links,
//! the Express dashboard, and what `account.updated` tells us.
//!
//! Invariants:
//! - one account per partner: it is created with an idempotency key naming the partner, and stored
//!   only where none is stored yet (a unique index guards the id);
//! - onboarding links are made fresh on every click and never stored or mailed (they are single
//!   use and expire within minutes);
//! - payability is only ever what Stripe said last: on the return page, before each payout, and in
//!   `account.updated` (Connect endpoint, its own signing secret, `livemode` checked, event ids
//!   recorded; an event older than the state we hold changes nothing).

use crate::domain::payout::AccountState;
use crate::dto::AppError;
use crate::dto::payouts::PayoutSetup;
use crate::server::context::AppState;
use crate::server::db::{partners, webhook_events};
use crate::server::ports::ConnectAccountRequest;
use crate::server::services::webhooks::{Outcome, WebhookError};
use crate::server::stripe::{event, signature};
use chrono::{DateTime, TimeZone as _, Utc};

/// Where Stripe sends the partner back to (and where an expired link leads).
pub const RETURN_PATH: &str = "/partner/payouts/return";
pub const REFRESH_PATH: &str = "/partner/payouts/refresh";

const STRIPE_DOWN: &str =
    "We could not reach Stripe just now. Nothing was changed; please try again in a minute.";

fn unavailable(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "stripe connect");
    AppError::field("payouts", STRIPE_DOWN)
}

/// A fresh onboarding link for the partner, creating their Express account the first time.
pub async fn onboarding_link(state: &AppState, partner_id: i64) -> Result<String, AppError> {
    let account = account_for(state, partner_id).await?;
    let site = &state.settings.site_url;
    state
        .payments
        .account_link(
            &account,
            &format!("{site}{REFRESH_PATH}"),
            &format!("{site}{RETURN_PATH}"),
        )
        .await
        .map_err(unavailable)
}

async fn account_for(state: &AppState, partner_id: i64) -> Result<String, AppError> {
    let mut conn = state.db.acquire().await?;
    let partner = partners::find(&mut *conn, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some((Some(account), _)) = partners::account_state(&mut conn, partner_id).await? {
        return Ok(account);
    }
    drop(conn);
    let created = state
        .payments
        .create_connect_account(ConnectAccountRequest {
            email: partner.email.clone(),
            business_name: partner.business_name.clone(),
            // The same key for every attempt: a double click or a retry gets the same account.
            idempotency_key: format!("ff-connect-account-{partner_id}"),
            partner_id,
        })
        .await
        .map_err(unavailable)?;
    let mut conn = state.db.acquire().await?;
    Ok(partners::set_stripe_account(&mut conn, partner_id, &created, Utc::now()).await?)
}

/// A one-time link into the partner's Express dashboard.
pub async fn dashboard_link(state: &AppState, partner_id: i64) -> Result<String, AppError> {
    let mut conn = state.db.acquire().await?;
    let Some((Some(account), _)) = partners::account_state(&mut conn, partner_id).await? else {
        return Err(AppError::field(
            "payouts",
            "Set up payouts first: your Stripe dashboard exists once you have started.",
        ));
    };
    drop(conn);
    state
        .payments
        .login_link(&account)
        .await
        .map_err(unavailable)
}

/// Re-reads the partner's account from Stripe (the return page) and stores what it says.
pub async fn sync(state: &AppState, partner_id: i64) -> Result<PayoutSetup, AppError> {
    let mut conn = state.db.acquire().await?;
    let current = partners::account_state(&mut conn, partner_id).await?;
    drop(conn);
    if let Some((Some(account), _)) = current
        && let Some(fresh) = state
            .payments
            .retrieve_account(&account)
            .await
            .map_err(unavailable)?
    {
        let mut conn = state.db.acquire().await?;
        partners::set_account_state(&mut conn, &account, &fresh, Utc::now()).await?;
    }
    setup(state, partner_id).await
}

/// Where the partner stands with payouts, for their pages.
pub async fn setup(state: &AppState, partner_id: i64) -> Result<PayoutSetup, AppError> {
    let mut conn = state.db.acquire().await?;
    let (account, account_state) = partners::account_state(&mut conn, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PayoutSetup {
        started: account.is_some(),
        ready: account_state.payable(),
        needs: if account.is_some() {
            account_state.blocker()
        } else {
            None
        },
        simulated: state.payments.is_simulator(),
    })
}

/// `POST /stripe/connect-webhook`: verified with the Connect signing secret, then `account.updated`
/// sets or clears the account's payability. Other event types are acknowledged and ignored.
pub async fn receive(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    signature::verify(
        body,
        signature,
        &state.settings.connect_webhook_secret,
        now.timestamp(),
    )?;
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| WebhookError::Payload(format!("the body is not JSON: {e}")))?;
    if value["livemode"].as_bool() != Some(state.settings.livemode) {
        return Err(WebhookError::Payload(format!(
            "livemode is {} but this deployment runs in {} mode",
            value["livemode"],
            if state.settings.livemode {
                "live"
            } else {
                "test"
            }
        )));
    }
    let event = event::parse(body).map_err(WebhookError::Payload)?;
    let created = value["created"]
        .as_i64()
        .and_then(|t| Utc.timestamp_opt(t, 0).single())
        .unwrap_or(now);
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    if !webhook_events::record(&mut tx, &event.id, &event.kind, now).await? {
        return Ok(Outcome::Duplicate);
    }
    let outcome = match event.kind.as_str() {
        "account.updated" => match event::connect_account(&event.object) {
            Some((account, fresh)) => {
                if partners::set_account_state(&mut tx, &account, &fresh, created).await? {
                    Outcome::Processed(format!(
                        "account {account} {}",
                        if fresh.payable() {
                            "can be paid"
                        } else {
                            "cannot be paid"
                        }
                    ))
                } else {
                    Outcome::Ignored(format!(
                        "no partner has account {account}, or a newer update was applied"
                    ))
                }
            }
            None => return Err(WebhookError::Payload("the account has no id".into())),
        },
        other => Outcome::Ignored(format!("{other} is not used")),
    };
    webhook_events::set_outcome(&mut tx, &event.id, &outcome.describe()).await?;
    tx.commit().await?;
    tracing::info!(event_id = %event.id, event_type = %event.kind, outcome = %outcome.describe(), "stripe connect event");
    Ok(outcome)
}

/// The simulator's onboarding page: completes (or leaves incomplete) a simulated account by
/// delivering a signed `account.updated` to our own Connect endpoint, as Stripe would.
pub async fn simulate_onboarding(
    state: &AppState,
    partner_id: i64,
    complete: bool,
) -> Result<(), AppError> {
    if !state.payments.is_simulator() {
        return Err(AppError::NotFound);
    }
    let mut conn = state.db.acquire().await?;
    let Some((Some(account), _)) = partners::account_state(&mut conn, partner_id).await? else {
        return Err(AppError::NotFound);
    };
    drop(conn);
    let fresh = if complete {
        AccountState {
            charges_enabled: true,
            payouts_enabled: true,
            transfers_active: true,
            currently_due: Vec::new(),
            disabled_reason: None,
        }
    } else {
        AccountState {
            currently_due: vec![
                "external_account".into(),
                "individual.verification.document".into(),
            ],
            ..AccountState::default()
        }
    };
    let body = crate::server::stripe::simulator::account_updated(&account, &fresh);
    crate::server::stripe::simulator::deliver_connect(state, &body)
        .await
        .map_err(|e| AppError::internal(format!("simulated account.updated: {e}")))?;
    Ok(())
}
