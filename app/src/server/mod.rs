//! Everything that only exists on the server: state, sessions, database access and services.
//!
//! This is the one `ssr`-gated module of the app crate; nothing in here is compiled to wasm.

pub mod auth;
pub mod context;
pub mod csv;
pub mod db;
pub mod error;
pub mod mail;
pub mod password;
pub mod ports;
pub mod rate_limit;
pub mod services;
pub mod stripe;
pub mod token;
