//! Integration tests: the real server on a random port, a fresh database per test, driven over HTTP
//! the way a browser without JavaScript drives it (form posts, redirects, cookies).
//!
//! Built once per backend: `cargo test` (SQLite) and `cargo test --no-default-features --features
//! postgres` (PostgreSQL at `TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).

mod accounts;
mod admin;
mod cli;
mod controls;
mod csv_read;
mod delivery;
mod fake_stripe;
mod helpers;
mod mail;
mod metrics;
mod money;
mod notices;
mod orders;
mod outbox;
mod pages;
mod partners;
mod password_reset;
mod payouts;
mod security;
mod settings;
mod smtp;
mod stripe;
mod webhooks;
