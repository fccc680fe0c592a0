//! The one error type of the application, as users see it.
//!
//! Invariant: an `AppError` never carries internal detail (SQL, stack, secrets). Internal failures are
//! logged on the server with a reference (the request id) and reach the user only as
//! [`AppError::Internal`] with that reference, so support can find the log line.

use crate::domain::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more form fields need fixing; each message says how.
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<FieldError>),
    #[error("That email and password do not match an account.")]
    BadCredentials,
    #[error("Please log in to continue.")]
    Unauthenticated,
    /// Also used for "exists but not yours": we do not reveal what a user may not see.
    #[error("We could not find that page.")]
    NotFound,
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    RateLimited { retry_after_secs: u64 },
    #[error(
        "Something went wrong on our side. Please try again; if it keeps happening, quote reference {reference}."
    )]
    Internal { reference: String },
    /// The request itself could not be read (a malformed form post, a dropped connection).
    #[error("Your request could not be processed: {0}")]
    Request(String),
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The message for one form field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error should be answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Invalid(_) | Self::Request(_) => 422,
            Self::BadCredentials | Self::Unauthenticated => 401,
            Self::NotFound => 404,
            Self::RateLimited { .. } => 429,
            Self::Internal { .. } => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A form field missing or of the wrong type: say so instead of "internal error".
            ServerFnErrorErr::Args(detail) => Self::Request(detail),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Request(
                "the server could not be reached. Check your connection and try again.".into(),
            ),
            other => Self::Request(other.to_string()),
        }
    }
}
