//! The FutureFlower partner program as one Leptos application.
//!
//! - [`domain`]: pure business rules (no IO, no `cfg`), unit- and property-tested.
//! - [`api`]: `#[server]` functions and the DTOs they return. Thin: who is asking → service → DTO.
//! - [`ui`]: the app shell, routes, pages and components. Compiled for both SSR and hydration.
//! - [`server`]: the one `ssr`-only module: state, sessions, database access and services.
#![recursion_limit = "512"]

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

pub use ui::{App, shell};
