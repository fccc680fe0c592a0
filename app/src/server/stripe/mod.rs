//! Stripe, as far as our server is concerned: webhook signatures, event parsing, and the
//! offline simulator that plays Stripe's part when no keys are configured.

pub mod event;
pub mod signature;
pub mod simulator;
