//! `#[server]` functions grouped by area, and the DTOs they return.
//!
//! Every function here is thin: find out who is asking, call one service, map rows to DTOs.
//! DTOs are separate from database rows; nothing secret (password or token hashes) is ever in one.

pub mod account;
pub mod admin;
pub mod error;
pub mod orders;
pub mod partners;

pub use error::AppError;

use serde::{Deserialize, Serialize};

/// What a user may do. A user is exactly one of these for navigation purposes (admins outrank
/// partners, partners outrank customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Customer,
    Partner,
    Admin,
}

/// The signed-in user as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

impl Viewer {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}
