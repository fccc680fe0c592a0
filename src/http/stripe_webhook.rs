//! `POST /stripe/webhook` (the platform's events) and `POST /stripe/connect-webhook` (Connect
//! events, signed with their own endpoint secret): verified and handled by their services.
//!
//! Answers: 200 when handled (also for duplicates and events we do not use, so Stripe stops
//! retrying), 400 with the reason for a bad signature or payload (Stripe shows it in its dashboard),
//! 500 for our own failures (nothing was recorded, so Stripe's retry will act).

use app::server::context::AppState;
use app::server::services::connect;
use app::server::services::webhooks::{self, Outcome, WebhookError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    answer(webhooks::receive(&state, signature, &body, chrono::Utc::now()).await)
}

pub async fn receive_connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    answer(connect::receive(&state, signature, &body, chrono::Utc::now()).await)
}

fn answer(result: Result<Outcome, WebhookError>) -> Response {
    match result {
        Ok(Outcome::Duplicate) => (StatusCode::OK, "duplicate").into_response(),
        Ok(Outcome::Processed(_)) => (StatusCode::OK, "processed").into_response(),
        Ok(Outcome::Ignored(why)) => (StatusCode::OK, format!("ignored: {why}")).into_response(),
        Err(WebhookError::Signature(e)) => {
            tracing::warn!(error = %e, "stripe webhook refused");
            (StatusCode::BAD_REQUEST, e.to_string()).into_response()
        }
        Err(WebhookError::Payload(e)) => (StatusCode::BAD_REQUEST, e).into_response(),
        Err(WebhookError::Internal(_)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; please retry",
        )
            .into_response(),
    }
}
