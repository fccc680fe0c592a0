//! The `futureflower` package: the server binary (HTTP, CLI, config) and the wasm entry point.
//!
//! Server-only modules are gated as a whole on `ssr`; the `hydrate` build contains only [`hydrate`].
#![recursion_limit = "512"]

#[cfg(feature = "ssr")]
pub mod adapters;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod load;
#[cfg(feature = "ssr")]
pub mod seed;

/// Entry point of the wasm bundle, called by Leptos' island loader before it hydrates each
/// `<leptos-island>` on the page. Pages are server-rendered HTML; only islands run here.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Naming the app crate keeps it linked, and with it the exported island functions.
    app::ui::islands::hydrate();
}
