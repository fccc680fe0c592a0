//! Middleware: security headers, the same-origin rule for mutating requests, client addresses,
//! request spans and the panic page.

use app::server::context::ClientIp;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// The Content-Security-Policy. Pages get a per-response nonce for the hydration scripts; the wasm
/// bundle needs `'wasm-unsafe-eval'`; nothing may frame us. With real Stripe, pages may also load
/// Stripe.js and its card iframes (the hosts Stripe documents for the Payment Element).
pub fn content_security_policy(nonce: Option<&str>, stripe: bool) -> String {
    let (stripe_scripts, stripe_frames, stripe_connect) = if stripe {
        (
            " https://js.stripe.com",
            "frame-src https://js.stripe.com https://hooks.stripe.com; ",
            " https://api.stripe.com",
        )
    } else {
        ("", "", "")
    };
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'{stripe_scripts}"),
        None => format!("'self' 'wasm-unsafe-eval'{stripe_scripts}"),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         {stripe_frames}connect-src 'self'{stripe_connect}; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called inside every page render: puts the CSP with the render's nonce on the response.
pub fn set_page_csp() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = HeaderValue::from_str(&content_security_policy(
        Some(&nonce.to_string()),
        use_context::<app::server::context::AppState>()
            .is_some_and(|state| !state.payments.is_simulator()),
    )) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[derive(Clone, Copy)]
pub struct HeaderPolicy {
    pub https: bool,
}

/// Adds the security headers a response does not already set (pages set their own CSP and some
/// pages a stricter Referrer-Policy).
pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    request: Request,
    next: Next,
) -> Response {
    // Built once: every response carries them.
    static DEFAULTS: std::sync::LazyLock<[(header::HeaderName, HeaderValue); 6]> =
        std::sync::LazyLock::new(|| {
            [
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&content_security_policy(None, false))
                        .expect("the policy is ASCII"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
                // Same-origin referrers let no-JS form errors return to the form; nothing leaks off-site.
                (
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ),
                (
                    header::HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static(
                        "camera=(), microphone=(), geolocation=(), payment=(self)",
                    ),
                ),
                (
                    header::HeaderName::from_static("cross-origin-opener-policy"),
                    HeaderValue::from_static("same-origin"),
                ),
            ]
        });
    let token_page = is_token_page(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if token_page {
        // The URL holds a secret: it must not leave in a Referer, nor stay in a cache.
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    for (name, value) in DEFAULTS.iter() {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    if policy.https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=31536000; includeSubDomains",
            ));
    }
    response
}

/// Which origins may send mutating requests: the configured site URL, or the Host the request
/// was addressed to (so `localhost` and `127.0.0.1` both work in development).
pub struct OriginPolicy {
    site_origin: String,
}

impl OriginPolicy {
    pub fn new(site_url: &str) -> Self {
        let site_origin = url::Url::parse(site_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| site_url.to_owned());
        Self { site_origin }
    }

    /// CSRF defence (DESIGN §6): browsers label every request with `Sec-Fetch-Site` and/or `Origin`.
    /// A request carrying neither did not come from a browser page and cannot be a CSRF attack.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            return matches!(site, "same-origin" | "none");
        }
        let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        if origin == self.site_origin {
            return true;
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        match (origin.split_once("://"), host) {
            (Some((scheme, authority)), Some(host)) => {
                matches!(scheme, "http" | "https") && authority == host
            }
            _ => false,
        }
    }
}

fn is_mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses cross-origin mutating requests. Stripe webhooks are exempt: they are authenticated by
/// their signature instead.
pub async fn same_origin(
    State(policy): State<Arc<OriginPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    if is_mutating(request.method())
        && !request.uri().path().starts_with("/stripe/")
        && !policy.allows(request.headers())
    {
        tracing::warn!(path = %request.uri().path(), "refused a cross-origin request");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another website, so it was refused. Go back to FutureFlower, reload the page and try again.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Records the client address for rate limits. Behind a trusted proxy, the address the proxy saw
/// (the last `X-Forwarded-For` entry) is used.
pub async fn client_ip(
    State(trust_proxy): State<bool>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()?
                .trim()
                .parse()
                .ok()
        })
        .flatten();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = forwarded.or(peer) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// The tracing span of a request, carrying its id so every log line can be matched to a user report.
/// Paths that carry a secret (a password-reset link, a florist's delivery-request link), and how
/// logs show them.
const TOKEN_PREFIXES: [(&str, &str); 2] = [
    ("/reset-password/", "/reset-password/…"),
    ("/partner/delivery-request/", "/partner/delivery-request/…"),
];

fn is_token_page(path: &str) -> bool {
    TOKEN_PREFIXES.iter().any(|(p, _)| path.starts_with(p))
}

/// The path as logs show it: a token page's secret is cut off.
fn loggable_path(path: &str) -> &str {
    TOKEN_PREFIXES
        .iter()
        .find(|(p, _)| path.starts_with(p))
        .map_or(path, |(_, shown)| shown)
}

/// Where a delivery photo may be posted: the florist's answer forms.
pub fn is_upload(path: &str) -> bool {
    path.ends_with("/respond")
        && (path.starts_with("/partner/delivery-request/")
            || path.starts_with("/partner/deliveries/"))
}

/// Form posts are small; anything bigger than this is refused before it is read…
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// …except a florist's answer, which may carry a photo (8 MB, plus the form around it).
pub const UPLOAD_LIMIT_BYTES: usize = app::domain::delivery::MAX_PHOTO_BYTES + 512 * 1024;

/// Refuses bodies over the path's limit: at once when the declared length is over, and while
/// reading otherwise (the extractors then answer 413).
pub async fn body_limit(request: Request, next: Next) -> Response {
    let upload = is_upload(request.uri().path());
    let limit = if upload {
        UPLOAD_LIMIT_BYTES
    } else {
        BODY_LIMIT_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let message = if upload {
            "That photo is too big (over 8 MB). Go back, choose a smaller one and send it again."
        } else {
            "That request is too large."
        };
        return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

pub fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()), request_id = %id)
}

/// A panic in a handler becomes a plain apology, never a stack trace.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Something went wrong on our side. Please try again in a moment.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn origin_rules() {
        let p = OriginPolicy::new("https://partners.example.com/");
        assert!(p.allows(&headers(&[("origin", "https://partners.example.com")])));
        assert!(p.allows(&headers(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://x.io")
        ])));
        assert!(!p.allows(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!p.allows(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!p.allows(&headers(&[("origin", "https://evil.example")])));
        assert!(!p.allows(&headers(&[("origin", "null")])));
        assert!(p.allows(&headers(&[
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000")
        ])));
        assert!(
            p.allows(&headers(&[])),
            "non-browser clients send neither header"
        );
    }
}
