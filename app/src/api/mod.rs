//! `#[server]` functions grouped by area.
//!
//! Every function here is thin: find out who is asking, call one service, return its DTO (the
//! types live in [`crate::dto`], shared with the pages and the services).

pub mod account;
pub mod admin;
pub mod controls;
pub mod delivery;
pub mod metrics;
pub mod orders;
pub mod partners;
pub mod payouts;
pub mod settings;
