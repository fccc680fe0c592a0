//! Adapters: implementations of the ports in `app::server::ports` that talk to outside services.

pub mod mail;
pub mod stripe;
