//! Request-scoped access for server functions and pages: the shared state, the signed-in user,
//! the client's address, and starting/ending sessions.
//!
//! Invariant: the signed-in user comes only from axum-login's [`AuthSession`], which the auth layer
//! (see [`auth::layer`](super::auth::layer)) puts into the request extensions after loading the
//! session from the database and checking its auth hash against the user's.

use super::auth::AuthSession;
use super::db;
use super::db::Pool;
use super::ports::PaymentGateway;
use super::rate_limit::RateLimits;
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
    /// Connections for the hot single-statement reads (see [`db::readers`]).
    pub readers: Arc<db::readers::Readers>,
    pub settings: Arc<Settings>,
    pub limits: Arc<RateLimits>,
    /// Serialises money-path write transactions on SQLite (see [`db::WriteGate`]).
    pub write_gate: Arc<db::WriteGate>,
    /// Stripe, or the offline simulator when no keys are configured.
    pub payments: Arc<dyn PaymentGateway>,
    /// Partner dashboard totals, per partner and stats version (see services::partners).
    pub dashboard_cache: Arc<crate::server::services::partners::DashboardCache>,
    /// SQLite's webhook writer: commits queued webhook events together (see services::webhook_batch).
    pub webhook_batch: Arc<crate::server::services::webhook_batch::WebhookBatcher>,
    /// Sessions read recently, shared with the session store (see [`db::session_cache`]).
    pub sessions: Arc<db::session_cache::SessionCache>,
    /// Tells this instance's mail sender that mail was queued (see services::outbox).
    pub mail_wake: Arc<crate::server::services::outbox::Wake>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// An amount in the deployment's currency, as pages show it (e.g. `$12.50`).
    pub fn money(&self, cents: i64) -> String {
        self.settings.money(cents)
    }
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
    /// Where delivery photos are kept (`PHOTO_DIR`, default `data/photos`).
    pub photo_dir: String,
    /// Verifies `Stripe-Signature` on `/stripe/connect-webhook`; the simulator signs with it too.
    pub connect_webhook_secret: String,
    /// Stripe live keys: Connect events must say `livemode: true` (test keys and the simulator: false).
    pub livemode: bool,
    /// The first wait between attempts at one transfer (doubled per attempt).
    pub payout_retry_base: std::time::Duration,
}

impl Settings {
    /// An amount in the deployment's currency (e.g. `$12.50`), for code that has the settings but
    /// not the whole state (mails queued inside a webhook's transaction).
    pub fn money(&self, cents: i64) -> String {
        crate::domain::money::Cents(cents).display(&self.currency)
    }

    /// The business calendar's day at `at`.
    pub fn day_of(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.business_tz).date_naive()
    }

    /// The instant `day` begins in the business time zone (on a day whose midnight a clock change
    /// skips, the first instant there is).
    pub fn day_start(&self, day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone as _;
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        self.business_tz
            .from_local_datetime(&midnight)
            .earliest()
            .or_else(|| {
                // A gap at midnight (a few zones move clocks then): the hour after it exists.
                self.business_tz
                    .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&chrono::Utc))
    }
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
    /// SHA-256 of the password hash: axum-login keeps it in the session and signs the session out
    /// when it no longer matches (the password changed).
    pub auth_hash: Vec<u8>,
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
    parts()?.extensions.get::<AuthSession>()?.user.clone()
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

pub use crate::server::db::audit::Actor;

/// The signed-in admin as the audit log records them, with this request's id (the
/// `x-request-id` the server set, which its log lines carry too).
pub fn require_admin_actor() -> Result<Actor, AppError> {
    let admin = require_admin()?;
    Ok(actor(&admin))
}

pub fn actor(user: &CurrentUser) -> Actor {
    Actor {
        user_id: Some(user.id),
        name: format!("{} {}", user.first_name, user.last_name)
            .trim()
            .to_owned(),
        request_id: request_id(),
    }
}

/// This request's id (empty outside a request).
pub fn request_id() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get("x-request-id")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The client address of the request being served, if any.
pub fn client_ip() -> Option<String> {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().copied())
        .map(|ip| ip.0.to_string())
}

pub fn client_key() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().copied())
        .map_or_else(|| "unknown".to_owned(), |ip| ip.0.to_string())
}

/// The value of cookie `name` on the request.
pub fn cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The florist whose booking link this visitor followed (see `http::booking_link`), if any.
pub fn booking_partner() -> Option<i64> {
    cookie(crate::server::services::florists::BOOKING_COOKIE)?
        .parse()
        .ok()
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

/// The request is a plain form post (a browser asking for the next page as HTML), not a fetch from
/// an island.
fn is_form_post() -> bool {
    parts().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// After a plain form post, the browser goes to `path` (a 302). An island's fetch gets the server
/// function's answer instead, and updates its page without a reload.
pub fn redirect_form_post(path: &str) {
    if is_form_post() {
        leptos_axum::redirect(path);
    }
}

/// After a plain form post that failed, sends the browser to `path` with the error encoded as
/// Leptos encodes it (`__path`, `__err`), for forms whose page sends no Referer to return to.
pub fn redirect_form_error<S: server_fn::ServerFn>(path: &str, error: &AppError) {
    use leptos::server_fn::error::ServerFnUrlError;
    if !is_form_post() {
        return;
    }
    if let Ok(url) =
        ServerFnUrlError::new(S::PATH, error.clone()).to_url(&format!("http://site{path}"))
    {
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        leptos_axum::redirect(&target);
    }
}

/// Finishes a server function. A failure answered to an island (a fetch) gets the error's
/// HTTP status; a plain form post (which asks for HTML) keeps the redirect that carries the error
/// back to the form, so its status is left alone.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && let (false, Some(options), Ok(status)) = (
            is_form_post(),
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(error.status_code()),
        )
    {
        options.set_status(status);
    }
    result
}

/// The request's session (a handle: changes are saved by the session layer after the handler).
async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>()
        .await
        .map_err(|e| AppError::internal(format!("auth session missing: {e}")))
}

/// Signs `user_id` in. The session id is always a new one: axum-login cycles it for a session that
/// was not signed in, and we cycle it ourselves for one that was (signing in again, or after a
/// password change), so an id planted or seen before never becomes an authenticated one.
pub async fn start_session(user_id: i64) -> Result<(), AppError> {
    use axum_login::AuthnBackend as _;
    let mut auth = auth_session().await?;
    let user = auth
        .backend
        .get_user(&user_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("sign-in: no user {user_id}")))?;
    if auth.user.is_some() {
        let session = leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| AppError::internal(format!("session missing: {e}")))?;
        session.cycle_id().await.map_err(AppError::internal)?;
    }
    auth.login(&user).await.map_err(AppError::internal)
}

/// Signs the request's user out: deletes the session row; the layer clears the cookie.
pub async fn end_session() -> Result<(), AppError> {
    auth_session()
        .await?
        .logout()
        .await
        .map(drop)
        .map_err(AppError::internal)
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
