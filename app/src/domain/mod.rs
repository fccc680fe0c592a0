//! Pure business rules: no IO, no async, no feature gates. Everything here is deterministic and tested
//! without a database; services call these and persist the results.

pub mod account;
pub mod controls;
pub mod delivery;
pub mod money;
pub mod order;
pub mod partner;
pub mod payout;
pub mod period;
pub mod rate;
pub mod risk;
pub mod validation;
