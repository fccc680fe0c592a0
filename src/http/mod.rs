//! HTTP: building the app state, the router, and the middleware every request passes through.
//!
//! Layers, outermost first: request id → trace → panic catcher → body limit → compression →
//! security headers → same-origin check → client address → session and signed-in user (axum-login).

pub mod deliveries;
pub mod email_preview;
pub mod exports;
pub mod middleware;
pub mod payouts;
pub mod stripe_webhook;

use crate::config::Config;
use app::server::context::{AppState, Settings};
use app::server::db::{self, Pool};
use app::server::rate_limit::RateLimits;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Connects to the database, applies migrations and assembles the shared state.
pub async fn build_state(config: &Config) -> anyhow::Result<AppState> {
    let pool = db::connect(config.database_url.expose()).await?;
    db::migrate(&pool).await?;
    Ok(state_with_pool(config, pool))
}

pub fn state_with_pool(config: &Config, pool: Pool) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("futureflower")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr)
        .build();
    AppState {
        readers: Arc::new(db::readers::Readers::new(&pool)),
        db: pool,
        settings: Arc::new(Settings {
            site_url: config.site_url.clone(),
            secure_cookies: config.is_https(),
            business_tz: config.business_tz,
            currency: config.currency.clone(),
            session_ttl: chrono::Duration::days(14),
            webhook_secret: config.webhook_secret.as_ref().map_or_else(
                || format!("whsec_sim_{}", app::server::token::new_secret()),
                |s| s.expose().to_owned(),
            ),
            order_rules: config.order_rules,
            photo_dir: config.photo_dir.clone(),
            connect_webhook_secret: config.connect_webhook_secret.as_ref().map_or_else(
                || format!("whsec_sim_{}", app::server::token::new_secret()),
                |s| s.expose().to_owned(),
            ),
            livemode: config.stripe.as_ref().is_some_and(|keys| {
                let key = keys.secret_key.expose();
                key.starts_with("sk_live_") || key.starts_with("rk_live_")
            }),
            payout_retry_base: config.payout_retry_base,
        }),
        limits: Arc::new(if config.rate_limits {
            RateLimits::default()
        } else {
            tracing::warn!(
                "RATE_LIMITS=off: log-in, sign-up and discount-code limits are off (load testing only)"
            );
            RateLimits::off()
        }),
        write_gate: Arc::new(db::WriteGate::default()),
        payments: payment_gateway(config),
        dashboard_cache: Arc::default(),
        webhook_batch: Arc::default(),
        sessions: Arc::new(db::session_cache::SessionCache::new(
            config.session_cache_ttl,
        )),
        mail_wake: Arc::default(),
        leptos_options,
    }
}

/// Stripe when keys are configured, otherwise the offline simulator (test mode).
fn payment_gateway(config: &Config) -> Arc<dyn app::server::ports::PaymentGateway> {
    match &config.stripe {
        Some(keys) => Arc::new(crate::adapters::stripe::StripeGateway::new(
            keys.secret_key.expose(),
            &keys.publishable_key,
            config.stripe_api_base.as_deref(),
            config.stripe_timeout,
        )),
        None => Arc::new(app::server::stripe::simulator::Simulator),
    }
}

/// The whole application as one axum router.
pub fn router(state: AppState, config: &Config) -> Router {
    let assets = app::ui::assets::SiteAssets::beside_binary("futureflower", "pkg");
    let hashed = assets.hashed;
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(assets.clone());
            middleware::set_page_csp();
        }
    };
    let routes = route_list();
    let policy = Arc::new(middleware::OriginPolicy::new(&config.site_url));
    let headers = middleware::HeaderPolicy {
        https: config.is_https(),
    };

    Router::new()
        .route("/healthz", get(health))
        .route(
            "/stripe/webhook",
            axum::routing::post(stripe_webhook::receive),
        )
        .route(
            "/stripe/connect-webhook",
            axum::routing::post(stripe_webhook::receive_connect),
        )
        .route(
            "/partner/payouts/onboard",
            axum::routing::post(payouts::onboard),
        )
        .route("/partner/payouts/refresh", get(payouts::refresh))
        .route("/partner/payouts/return", get(payouts::returned))
        .route(
            "/partner/payouts/dashboard",
            axum::routing::post(payouts::dashboard),
        )
        .route(
            "/partner/payout-setup/simulated/answer",
            axum::routing::post(payouts::simulate),
        )
        .route(
            "/admin/emails/preview/{kind}/html",
            get(email_preview::html),
        )
        .route(
            "/partner/delivery-request/{token}/respond",
            axum::routing::post(deliveries::respond_by_link),
        )
        .route(
            "/partner/deliveries/{id}/respond",
            axum::routing::post(deliveries::respond_signed_in),
        )
        .route("/admin/delivery-photos/{id}", get(deliveries::photo))
        .route(
            "/admin/exports/commissions.csv",
            get(exports::admin_commissions),
        )
        .route("/admin/exports/payouts.csv", get(exports::admin_payouts))
        .route("/admin/exports/ledger.csv", get(exports::admin_ledger))
        .route("/admin/exports/activity.csv", get(exports::admin_activity))
        .route(
            "/partner/exports/commissions.csv",
            get(exports::my_commissions),
        )
        .route("/partner/exports/payouts.csv", get(exports::my_payouts))
        .route("/partner/exports/ledger.csv", get(exports::my_ledger))
        .nest_service(
            "/pkg",
            static_files(&format!("{}/pkg", config.site_root), hashed),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
                .layer(CatchPanicLayer::custom(middleware::panic_response))
                .layer(axum::middleware::from_fn(middleware::body_limit))
                .layer(CompressionLayer::new())
                .layer(axum::middleware::from_fn_with_state(
                    headers,
                    middleware::security_headers,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    policy,
                    middleware::same_origin,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    config.trust_proxy,
                    middleware::client_ip,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    deliveries::booking_link,
                ))
                .layer(axum::middleware::from_fn(app::server::auth::user_slot))
                .layer(app::server::auth::layer(
                    state.db.clone(),
                    &state.settings,
                    state.sessions.clone(),
                )),
        )
        .with_state(state)
}

/// `/pkg` (the css, js glue and wasm): the brotli or gzip file cargo-leptos wrote beside each one
/// (`--precompress`) when the browser accepts it. Hashed names (`hash-files`) never change content,
/// so browsers keep them for a year; unhashed ones (a plain `cargo build`) are revalidated.
fn static_files(dir: &str, hashed: bool) -> Router {
    use tower_http::services::ServeDir;
    use tower_http::set_header::SetResponseHeaderLayer;
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static(cache),
        ))
}

/// The app's routes, generated once per process.
///
/// Generating them renders the app with a *process-global* "suppress resource loading" flag set
/// (leptos_server 0.8), and a resource first polled by a request while that flag is up waits forever
/// (leptos-rs/leptos#4773). So it must never overlap serving: done once, before the first router.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&state.db).await {
        Ok(_) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": db::BACKEND })),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": db::BACKEND })),
            )
        }
    }
}

/// Runs the maintenance pass every `every` for as long as the server runs (the returned task stops
/// with the runtime). Each pass is idempotent, so several instances may run it at once.
pub fn spawn_maintenance(
    state: AppState,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            app::server::services::maintenance::run_once(&state, chrono::Utc::now()).await;
        }
    })
}

/// Starts the mail sender (see `services::outbox`) on the configured transport.
pub fn spawn_mail_sender(
    state: &AppState,
    config: &Config,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let mailer = config.mailer()?;
    tracing::info!(to = %mailer.describe(), "mail sender started");
    Ok(app::server::services::outbox::spawn_sender(
        state.db.clone(),
        mailer,
        state.mail_wake.clone(),
        config.mail_poll_interval,
    ))
}

/// Serves until `shutdown` resolves, finishing in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
