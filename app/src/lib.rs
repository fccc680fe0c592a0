//! The FutureFlower partner program as one Leptos application.
//!
//! Layers, each depending only on those below it (`ui → api → server → dto, domain`):
//!
//! - [`ui`]: the app shell, routes, pages and components. Compiled for both SSR and hydration.
//! - [`api`]: `#[server]` functions. Thin: who is asking → one service → its DTO.
//! - [`server`]: the one `ssr`-only module: state, sessions, services, then database access.
//! - [`dto`]: the wire types pages render and services build, and [`dto::AppError`].
//! - [`domain`]: pure business rules (no IO, no `cfg`), unit- and property-tested.
#![recursion_limit = "512"]

pub mod api;
pub mod domain;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

pub use ui::{App, shell};
