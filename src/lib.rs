//! The `futureflower` package: the server binary (HTTP, CLI, config) and the wasm entry point.
//!
//! Server-only modules are gated as a whole on `ssr`; the `hydrate` build contains only [`hydrate`].

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

/// Entry point of the wasm bundle: attaches the Leptos app to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
