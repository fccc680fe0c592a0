//! The app shell, routes, pages and components. Compiled for SSR and for hydration alike.
//!
//! Every route renders with `SsrMode::Async`: the server waits for the page's data and sends complete
//! HTML, so every page and form works before (or without) the wasm bundle.

pub mod components;
pub mod pages;
pub mod status;

use crate::api::account::{LogIn, LogOut, SignUp, get_viewer};
use crate::api::partners::RegisterPartner;
use crate::dto::{AppError, Viewer};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app. The CSP nonce reaches the hydration scripts through context.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The account actions, shared so the header's "who am I" refreshes after any of them.
#[derive(Clone, Copy)]
pub struct AccountActions {
    pub sign_up: ServerAction<SignUp>,
    pub log_in: ServerAction<LogIn>,
    pub log_out: ServerAction<LogOut>,
    pub register_partner: ServerAction<RegisterPartner>,
}

/// The signed-in user (or `None`), loaded once per page and refreshed after account actions.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/futureflower.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "FutureFlower".to_owned() } else { format!("{page} · FutureFlower") }
        } />
        <Router>
            <Site />
        </Router>
    }
}

/// Everything inside the router. The account actions are created here, not in [`App`]: a failed
/// no-JS form post comes back as `?__path=…&__err=…`, and only inside the router can that error be
/// handed to the action, so the page renders it exactly as the hydrated app would.
#[component]
fn Site() -> impl IntoView {
    leptos_router::hooks::use_url()
        .read_untracked()
        .provide_server_action_error();
    let actions = AccountActions {
        sign_up: ServerAction::new(),
        log_in: ServerAction::new(),
        log_out: ServerAction::new(),
        register_partner: ServerAction::new(),
    };
    let viewer: ViewerResource = Resource::new(
        move || {
            (
                actions.sign_up.version().get(),
                actions.log_in.version().get(),
                actions.log_out.version().get(),
                actions.register_partner.version().get(),
            )
        },
        |_| get_viewer(),
    );
    provide_context(actions);
    provide_context(viewer);
    // Effects run only in the browser: mark the page once the wasm app has taken over, so browser
    // tests (and curious engineers) can tell a hydrated page from plain server HTML.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <components::layout::Header />
        <main id="main" class="mx-auto w-full max-w-5xl px-4 py-8 sm:py-12">
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async />
                <Route path=path!("/signup") view=pages::auth::SignupPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=pages::admin::AdminHomePage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders") view=pages::admin_orders::AdminOrdersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders/:id") view=pages::admin_orders::AdminOrderPage ssr=SsrMode::Async />
                <Route path=path!("/order") view=pages::orders::OrderPage ssr=SsrMode::Async />
                <Route path=path!("/checkout/:id") view=pages::orders::CheckoutPage ssr=SsrMode::Async />
                <Route path=path!("/orders") view=pages::orders::MyOrdersPage ssr=SsrMode::Async />
                <Route path=path!("/partner/register") view=pages::partner::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/partner/dashboard") view=pages::partner::DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/admin/partners") view=pages::admin_partners::AdminPartnersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/partners/:id") view=pages::admin_partners::AdminPartnerPage ssr=SsrMode::Async />
                <Route path=path!("/admin/commissions") view=pages::admin_partners::AdminCommissionsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/settings") view=pages::admin_settings::AdminSettingsPage ssr=SsrMode::Async />
            </Routes>
        </main>
        <components::layout::Footer />
    }
}
