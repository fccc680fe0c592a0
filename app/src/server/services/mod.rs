//! Services: one function per use case, each combining domain rules with the database (one
//! transaction where several writes must stand or fall together). Server functions, CLI commands,
//! jobs and webhooks all call these, never the queries directly.

pub mod accounts;
pub mod activity;
pub mod admin;
pub mod commissions;
pub mod connect;
pub mod deliveries;
pub mod delivery_job;
pub mod discounts;
pub mod florists;
pub mod ledger;
pub mod maintenance;
pub mod metrics;
pub mod notices;
pub mod orders;
pub mod outbox;
pub mod outbox_admin;
pub mod partners;
pub mod password_reset;
pub mod payout_views;
pub mod payouts;
pub mod reconcile;
pub mod reviews;
pub mod risk;
pub mod settings;
pub mod settlement;
pub mod subscriptions;
pub mod webhook_batch;
pub mod webhooks;
