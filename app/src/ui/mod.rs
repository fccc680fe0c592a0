//! The app shell, routes, pages and components.
//!
//! Leptos islands: pages and components render on the server only; just the [`islands`] run in
//! the browser, and only pages that hold one load the wasm bundle. Every route renders with
//! `SsrMode::Async`: the server waits for the page's data and sends complete HTML, so every page
//! and form works without JavaScript.

pub mod assets;
pub mod components;
pub mod islands;
pub mod pages;
pub mod status;

use crate::api::account::get_viewer;
use crate::dto::{AppError, Viewer};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app. No hydration scripts here: a page that holds an island gets
/// the island loader from the island itself ([`islands::IslandBundle`]).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // What `<HydrationScripts islands=true/>` does besides its scripts: render islands mode's HTML
    // (no hydration markers outside islands). It must happen before the app renders.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let stylesheet = use_context::<assets::SiteAssets>()
        .map_or_else(|| "/pkg/futureflower.css".to_owned(), |a| a.stylesheet);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The signed-in user (or `None`), loaded once per page.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "FutureFlower".to_owned() } else { format!("{page} · FutureFlower") }
        } />
        <Router>
            <Site />
        </Router>
    }
}

/// Everything inside the router. A failed form post comes back as `?__path=…&__err=…`; only inside
/// the router can that error be handed to the page's `ServerAction`, which then renders it.
#[component]
fn Site() -> impl IntoView {
    leptos_router::hooks::use_url()
        .read_untracked()
        .provide_server_action_error();
    let viewer: ViewerResource = Resource::new(|| (), |_| get_viewer());
    provide_context(viewer);

    view! {
        <components::layout::Header />
        <main id="main" class="mx-auto w-full max-w-5xl px-4 py-8 sm:py-12">
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async />
                <Route path=path!("/signup") view=pages::auth::SignupPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=pages::auth::ForgotPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/reset-password/:token") view=pages::auth::ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=pages::admin::AdminHomePage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders") view=pages::admin_orders::AdminOrdersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders/:id") view=pages::admin_orders::AdminOrderPage ssr=SsrMode::Async />
                <Route path=path!("/order") view=pages::orders::OrderPage ssr=SsrMode::Async />
                <Route path=path!("/checkout/:id") view=pages::orders::CheckoutPage ssr=SsrMode::Async />
                <Route path=path!("/orders") view=pages::orders::MyOrdersPage ssr=SsrMode::Async />
                <Route path=path!("/partner/register") view=pages::partner::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/partner/dashboard") view=pages::partner::DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/partner/delivery-request/:token") view=pages::delivery_request::DeliveryRequestByLink ssr=SsrMode::Async />
                <Route path=path!("/partner/deliveries/:id") view=pages::delivery_request::DeliveryRequestSignedIn ssr=SsrMode::Async />
                <Route path=path!("/admin/deliveries") view=pages::admin_deliveries::AdminDeliveriesPage ssr=SsrMode::Async />
                <Route path=path!("/partner/ledger") view=pages::ledger::PartnerLedgerPage ssr=SsrMode::Async />
                <Route path=path!("/partner/metrics") view=pages::metrics::PartnerMetricsPage ssr=SsrMode::Async />
                <Route path=path!("/partner/payouts") view=pages::payouts::PartnerPayoutsPage ssr=SsrMode::Async />
                <Route path=path!("/partner/payouts/:id") view=pages::payouts::PayoutDetailPage ssr=SsrMode::Async />
                <Route path=path!("/partner/payout-setup/simulated") view=pages::payouts::SimulatedOnboardingPage ssr=SsrMode::Async />
                <Route path=path!("/admin/payouts") view=pages::payouts::AdminPayoutsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/payouts/approval") view=pages::approval::AdminApprovalPage ssr=SsrMode::Async />
                <Route path=path!("/admin/payouts/:id") view=pages::payouts::PayoutDetailPage ssr=SsrMode::Async />
                <Route path=path!("/admin/partners") view=pages::admin_partners::AdminPartnersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/partners/:id") view=pages::admin_partners::AdminPartnerPage ssr=SsrMode::Async />
                <Route path=path!("/admin/partners/:id/ledger") view=pages::ledger::AdminLedgerPage ssr=SsrMode::Async />
                <Route path=path!("/admin/commissions") view=pages::admin_partners::AdminCommissionsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/settings") view=pages::admin_settings::AdminSettingsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/activity") view=pages::activity::AdminActivityPage ssr=SsrMode::Async />
                <Route path=path!("/admin/metrics") view=pages::metrics::AdminMetricsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/risk") view=pages::risk::AdminRiskPage ssr=SsrMode::Async />
                <Route path=path!("/admin/emails") view=pages::admin_emails::AdminEmailsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/emails/preview/:kind") view=pages::admin_emails::EmailPreviewPage ssr=SsrMode::Async />
            </Routes>
        </main>
        <components::layout::Footer />
    }
}
