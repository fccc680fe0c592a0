//! Conversions from internal failures into [`AppError`]: log the detail, hand the user a reference.

use crate::api::AppError;

impl AppError {
    /// Logs an internal failure and returns the user-facing error that refers to the log line.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        let reference = super::context::request_id().unwrap_or_else(super::token::short_reference);
        tracing::error!(%reference, %error, "internal error");
        Self::Internal { reference }
    }
}

/// Logs a request the framework could not handle (unreadable server-function arguments and the
/// like) with the request id, and returns that reference for the user's message.
pub fn log_request_error(detail: &str) -> String {
    let reference = super::context::request_id().unwrap_or_else(super::token::short_reference);
    tracing::warn!(%reference, detail, "request could not be processed");
    reference
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        Self::internal(format!("{error:#}"))
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::internal(error)
    }
}
