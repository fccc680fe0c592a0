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
    /// The request itself could not be read (a malformed form post, a dropped connection). The
    /// text is ours, never a parser's or the framework's (those are logged with a reference).
    #[error("{0}")]
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
            // Lost on the way: nothing the server could log.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Request(
                "The server could not be reached. Check your connection and try again.".into(),
            ),
            // A form field missing or of the wrong type, or anything else the framework reports:
            // the detail (a parser's words, a type name) is logged, never shown.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                let reference = report(&format!("unreadable arguments: {detail}"));
                Self::Request(format!(
                    "This form was sent incomplete or in an unexpected format. Reload the page and try again{reference}."
                ))
            }
            other => {
                let reference = report(&other.to_string());
                Self::Request(format!(
                    "Your request could not be processed. Reload the page and try again{reference}."
                ))
            }
        }
    }
}

/// Logs what the framework reported (on the server, with the request's reference) and returns
/// ", quoting reference …" for the user's message, or "" in the browser, which has no log.
#[cfg(feature = "ssr")]
fn report(detail: &str) -> String {
    let reference = reference();
    tracing::warn!(%reference, detail, "request could not be processed");
    format!("; if it keeps happening, quote reference {reference}")
}

#[cfg(not(feature = "ssr"))]
fn report(_detail: &str) -> String {
    String::new()
}

/// The reference a user quotes to support: the request id when serving a request (every log line of
/// the request carries it), otherwise a short random one for jobs and commands.
#[cfg(feature = "ssr")]
pub fn reference() -> String {
    use rand::RngCore as _;
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| Some(parts.headers.get("x-request-id")?.to_str().ok()?.to_owned()))
        .unwrap_or_else(|| {
            let mut bytes = [0u8; 4];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        })
}
