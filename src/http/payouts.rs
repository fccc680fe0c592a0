//! Stripe Connect onboarding for partners, as plain links and form posts: each answers with a
//! `303 See Other` to Stripe (a fresh single-use link) or back to `/partner/payouts`.
//!
//! - `POST /partner/payouts/onboard`: creates the Express account the first time, then a link.
//! - `GET /partner/payouts/refresh`: Stripe's `refresh_url` (a link expired or was used): a new
//!   link for an account that exists; it never creates an account (a GET changes nothing).
//! - `GET /partner/payouts/return`: Stripe's `return_url`: re-reads the account.
//! - `POST /partner/payouts/dashboard`: a one-time link into the Express dashboard.
//! - `POST /partner/payout-setup/simulated/answer`: the offline simulator's stand-in for Stripe.

use app::server::auth::AuthSession;
use app::server::context::AppState;
use app::server::services::connect;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

const PAGE: &str = "/partner/payouts";

/// The signed-in partner, or where to send the browser instead.
fn partner(auth: &AuthSession, back: &str) -> Result<i64, Redirect> {
    match &auth.user {
        None => Err(Redirect::to(&format!("/login?next={back}"))),
        Some(user) => user
            .partner_id
            .ok_or_else(|| Redirect::to("/partner/register")),
    }
}

/// Back to the payouts page with a message code (`?e=…` for a problem, `?done=…` otherwise).
fn back(code: &str) -> Response {
    Redirect::to(&format!("{PAGE}?{code}")).into_response()
}

fn to_link(result: Result<String, app::dto::AppError>) -> Response {
    match result {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => {
            tracing::warn!(%error, "no Stripe link for the partner");
            back("e=stripe")
        }
    }
}

pub async fn onboard(State(state): State<AppState>, auth: AuthSession) -> Response {
    match partner(&auth, PAGE) {
        Ok(partner_id) => to_link(connect::onboarding_link(&state, partner_id).await),
        Err(redirect) => redirect.into_response(),
    }
}

pub async fn refresh(State(state): State<AppState>, auth: AuthSession) -> Response {
    let partner_id = match partner(&auth, PAGE) {
        Ok(id) => id,
        Err(redirect) => return redirect.into_response(),
    };
    match connect::setup(&state, partner_id).await {
        Ok(setup) if setup.started => to_link(connect::onboarding_link(&state, partner_id).await),
        _ => back("e=not-started"),
    }
}

pub async fn returned(State(state): State<AppState>, auth: AuthSession) -> Response {
    let partner_id = match partner(&auth, PAGE) {
        Ok(id) => id,
        Err(redirect) => return redirect.into_response(),
    };
    match connect::sync(&state, partner_id).await {
        Ok(setup) if setup.ready => back("done=ready"),
        Ok(_) => back("done=returned"),
        Err(_) => back("e=stripe"),
    }
}

pub async fn dashboard(State(state): State<AppState>, auth: AuthSession) -> Response {
    match partner(&auth, PAGE) {
        Ok(partner_id) => to_link(connect::dashboard_link(&state, partner_id).await),
        Err(redirect) => redirect.into_response(),
    }
}

pub async fn simulate(
    State(state): State<AppState>,
    auth: AuthSession,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let partner_id = match partner(&auth, PAGE) {
        Ok(id) => id,
        Err(redirect) => return redirect.into_response(),
    };
    let complete = form.get("outcome").map(String::as_str) == Some("complete");
    match connect::simulate_onboarding(&state, partner_id, complete).await {
        Ok(()) => Redirect::to(connect::RETURN_PATH).into_response(),
        Err(app::dto::AppError::NotFound) => back("e=not-started"),
        Err(_) => back("e=stripe"),
    }
}
