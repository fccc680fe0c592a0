//! One module per area of the site.

pub mod account;
pub mod activity;
pub mod admin;
pub mod admin_deliveries;
pub mod admin_emails;
pub mod admin_orders;
pub mod admin_partners;
pub mod admin_settings;
pub mod approval;
pub mod auth;
pub mod delivery_request;
pub mod home;
pub mod ledger;
pub mod metrics;
pub mod not_found;
pub mod orders;
pub mod partner;
pub mod payouts;
pub mod risk;
