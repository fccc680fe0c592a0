//! The only parts of the app that run in the browser: Leptos islands.
//!
//! Every page is server-rendered HTML whose forms work without JavaScript. An `#[island]` is a
//! component that the wasm bundle also hydrates; its props travel as JSON in the page, so they are
//! plain serialisable values, never callbacks or server context.
//!
//! Invariants:
//! - Pages load the wasm bundle only when they hold an island: each island here is used through a
//!   server component that renders [`IslandBundle`] beside it, which puts Leptos' island loader
//!   into the page (guarded, so it runs once per page). A page without islands loads no js and no
//!   wasm.
//! - An island renders the same HTML as its no-JS form, so it works before (or without) the wasm.

pub mod copy;
pub mod discount_code;

use leptos::prelude::*;

/// Called by the wasm entry point before the loader hydrates each island.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    hydrate_islands();
}

/// Marks the page once an island has hydrated (`<body data-hydrated="true">`), so browser tests
/// (and curious engineers) can tell the interactive page from its server HTML.
fn mark_hydrated() {
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The island loader ([`SiteAssets::island_loader`](crate::ui::assets::SiteAssets)) and preload
/// hints for the js glue and the wasm. Rendered on the server only, before each island; the loader
/// is guarded, so the first one on a page runs. A flag on the server cannot do this: `<Suspense>`
/// may build and render its content more than once and keep only the last.
///
/// In the body rather than `<head>`: islands sit inside `<Suspense>`, which resolves after the
/// head has gone out, so leptos_meta could no longer add to it. A module script runs after the
/// document is parsed wherever it stands, and the loader waits for an idle moment anyway.
#[component]
pub fn IslandBundle() -> impl IntoView {
    bundle_tags()
}

#[cfg(feature = "ssr")]
fn bundle_tags() -> impl IntoView {
    use_context::<crate::ui::assets::SiteAssets>().map(|assets| {
        let nonce = use_nonce().map_or_else(String::new, |n| n.to_string());
        view! {
            <link rel="modulepreload" href=assets.script />
            <link rel="preload" href=assets.wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
            <script type="module" nonce=nonce>{assets.island_loader}</script>
        }
    })
}

#[cfg(not(feature = "ssr"))]
fn bundle_tags() -> impl IntoView {}
