//! `GET /admin/emails/preview/<kind>/html`: a template's HTML part with sample data, shown inside
//! the preview page's sandboxed frame.
//!
//! Mail HTML needs inline styles, which the site's CSP forbids, so this response carries its own
//! policy: nothing may load or run, styles inline only, framed by this site alone. Admins only;
//! everyone else gets 404, as for every admin page.

use app::server::auth::AuthSession;
use app::server::context::AppState;
use app::server::services::outbox_admin;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

pub async fn html(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(kind): Path<String>,
) -> Response {
    let is_admin = auth.user.as_ref().is_some_and(|user| user.is_admin);
    match is_admin.then(|| outbox_admin::preview(&state, &kind)) {
        Some(Ok((_, html))) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, POLICY),
                (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}
