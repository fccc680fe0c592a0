//! Session cookies and the middleware that turns one into the request's [`CurrentUser`].
//!
//! The cookie holds a random secret; the `sessions` table holds only its digest. Cookies are
//! `HttpOnly; SameSite=Lax; Path=/`, and `Secure` with the `__Host-` name prefix on https sites.

use super::context::{AppState, Settings};
use super::{db, token};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        "__Host-ff_session"
    } else {
        "ff_session"
    }
}

/// A `Set-Cookie` value; `max_age == 0` deletes the cookie.
pub fn cookie(settings: &Settings, secret: &str, max_age: i64) -> String {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(settings)
    )
}

/// The value of cookie `name` in a `Cookie` header.
pub fn read_cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Middleware: looks the session cookie up and, when it names a live session, inserts the
/// [`CurrentUser`](super::context::CurrentUser) into the request extensions.
pub async fn load_user(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let secret = read_cookie(request.headers(), cookie_name(&state.settings)).map(str::to_owned);
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        match db::sessions::find_user(&state.db, &token::digest(&secret), chrono::Utc::now()).await
        {
            Ok(Some(user)) => {
                request.extensions_mut().insert(user);
            }
            Ok(None) => {}
            // A database hiccup makes the visitor anonymous for this request rather than failing it.
            Err(error) => tracing::error!(%error, "session lookup failed"),
        }
    }
    next.run(request).await
}
