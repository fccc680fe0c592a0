//! The wire types: what server functions return and pages render, and the one error users see.
//!
//! Compiled for both the server and the browser. This module sits at the bottom of the layers with
//! [`crate::domain`]: `ui → api → server (services → db) → dto, domain`. Nothing here names `api`,
//! `server` or `ui`; DTOs are built by services from rows and never carry secrets (password or
//! token hashes).

pub mod admin;
pub mod controls;
pub mod delivery;
pub mod error;
pub mod metrics;
pub mod orders;
pub mod partners;
pub mod payouts;

pub use error::AppError;

use serde::{Deserialize, Serialize};

/// A page of rows with where it sits in the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl<T> Paged<T> {
    /// The page to show and how many there are, for `total` rows at `per_page`: a page past the
    /// end shows the last one, and an empty list has one (empty) page.
    pub fn window(total: i64, per_page: i64, requested: i64) -> (i64, i64) {
        let pages = ((total + per_page - 1) / per_page).max(1);
        (requested.clamp(1, pages), pages)
    }
}

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

/// What a password-reset link is good for, as its page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLink {
    Valid,
    Used,
    Expired,
    Unknown,
}

impl ResetLink {
    /// Why the link cannot be used (empty for a valid one).
    pub fn problem(self) -> &'static str {
        match self {
            Self::Valid => "",
            Self::Used => {
                "This link was already used. Ask for a new one if you still need to reset your password."
            }
            Self::Expired => "This link has expired: links work for one hour. Ask for a new one.",
            Self::Unknown => {
                "This link is not valid. Check that you opened the whole link from the email, or ask for a new one."
            }
        }
    }
}
