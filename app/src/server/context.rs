//! Request-scoped access for server functions and pages: the shared state, the signed-in user,
//! the client's address, and starting/ending sessions.
//!
//! Invariant: the signed-in user comes only from [`session::load_user`](super::session::load_user),
//! which puts a [`CurrentUser`] into the request extensions after checking the session in the database.

use super::db::Pool;
use super::ports::PaymentGateway;
use super::rate_limit::RateLimits;
use super::{db, session};
use crate::domain::order::OrderRules;
use crate::dto::{AppError, Role, Viewer};
use http::request::Parts;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::Arc;

/// Everything a request handler may need, cloned cheaply into each request.
#[derive(Clone)]
pub struct AppState {
    pub db: Pool,
    pub settings: Arc<Settings>,
    pub limits: Arc<RateLimits>,
    /// Serialises money-path write transactions on SQLite (see [`db::WriteGate`]).
    pub write_gate: Arc<db::WriteGate>,
    /// Stripe, or the offline simulator when no keys are configured.
    pub payments: Arc<dyn PaymentGateway>,
    /// Partner dashboard totals, per partner and `stats_version` (see services::partners).
    pub dashboard_cache: Arc<crate::server::services::partners::DashboardCache>,
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The parts of the configuration that request handling needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL without a trailing slash, e.g. `https://partners.futureflower.example`.
    pub site_url: String,
    /// Cookies get `Secure` (and the `__Host-` prefix) when the site is served over https.
    pub secure_cookies: bool,
    pub business_tz: chrono_tz::Tz,
    /// ISO 4217 code, upper case. One currency per deployment.
    pub currency: String,
    pub session_ttl: chrono::Duration,
    /// Verifies `Stripe-Signature` on `/stripe/webhook`; the simulator signs with it too.
    pub webhook_secret: String,
    pub order_rules: OrderRules,
}

/// The signed-in user of this request, with the session it came from.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    /// Set when the user is a partner (of any status).
    pub partner_id: Option<i64>,
    pub session_digest: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        if self.is_admin {
            Role::Admin
        } else if self.partner_id.is_some() {
            Role::Partner
        } else {
            Role::Customer
        }
    }

    pub fn to_viewer(&self) -> Viewer {
        Viewer {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            role: self.role(),
        }
    }
}

/// The address rate limits are keyed by (the peer, or the proxy's `X-Forwarded-For` when trusted).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn current_user() -> Option<CurrentUser> {
    parts()?.extensions.get::<CurrentUser>().cloned()
}

pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthenticated)
}

/// Admin pages answer "not found" to everyone else, so they do not advertise themselves.
pub fn require_admin() -> Result<CurrentUser, AppError> {
    let user = require_user()?;
    if user.is_admin {
        Ok(user)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn client_key() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().copied())
        .map_or_else(|| "unknown".to_owned(), |ip| ip.0.to_string())
}

/// Counts one discount-code check or application, per user and per client address.
pub fn limit_code_attempts(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    state.limits.code_per_ip.check(&client_key())?;
    state.limits.code_per_user.check(&user.id.to_string())
}

/// Where to send the user after a form: only a path on this site, never `//evil.example` or a URL.
pub fn safe_next(next: Option<&str>, default: &str) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => default.to_owned(),
    }
}

/// Finishes a server function. A failure answered to the hydrated app (a fetch) gets the error's
/// HTTP status; a plain form post (which asks for HTML) keeps the redirect that carries the error
/// back to the form, so its status is left alone.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let form_post = parts().is_some_and(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if let (false, Some(options), Ok(status)) = (
            form_post,
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(error.status_code()),
        ) {
            options.set_status(status);
        }
    }
    result
}

fn set_cookie(value: String) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Signs `user_id` in with a brand-new session. Any session the request came with is deleted first,
/// so a session id planted before log-in never becomes an authenticated one.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<(), AppError> {
    if let Some(user) = current_user() {
        db::sessions::delete(&state.db, &user.session_digest).await?;
    }
    let now = chrono::Utc::now();
    let secret =
        db::sessions::create(&state.db, user_id, now, now + state.settings.session_ttl).await?;
    set_cookie(session::cookie(
        &state.settings,
        &secret,
        state.settings.session_ttl.num_seconds(),
    ));
    Ok(())
}

/// Deletes the request's session (if any) and clears the cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    if let Some(user) = current_user() {
        db::sessions::delete(&state.db, &user.session_digest).await?;
    }
    set_cookie(session::cookie(&state.settings, "", 0));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/admin?x=1"), "/"), "/admin?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "admin",
            "",
        ] {
            assert_eq!(safe_next(Some(bad), "/home"), "/home", "{bad}");
        }
        assert_eq!(safe_next(None, "/home"), "/home");
    }
}
