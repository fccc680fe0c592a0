//! Conversions from internal failures into [`AppError`]: log the detail, hand the user a reference.

use crate::dto::AppError;

impl AppError {
    /// Logs an internal failure and returns the user-facing error that refers to the log line.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        let reference = crate::dto::error::reference();
        tracing::error!(%reference, %error, "internal error");
        Self::Internal { reference }
    }
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
