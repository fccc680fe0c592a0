//! Field-level validation results shared by every form.
//!
//! A form is either fully valid or answered with one message per offending field, phrased as what to
//! fix ("Enter an email address like name@example.com"), never as what went wrong internally.

use serde::{Deserialize, Serialize};

/// One message for one form field. `field` is the form input's `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collects field errors while a form is checked, so the user sees every problem at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Records the error of a single-field check, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// An optional phone number: empty, or 6 to 15 digits with spaces, `+`, `-` and brackets.
pub fn optional_phone(raw: &str) -> Result<String, String> {
    let phone = raw.trim().to_owned();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if phone.is_empty()
        || ((6..=15).contains(&digits)
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c)))
    {
        Ok(phone)
    } else {
        Err("Enter a phone number of 6 to 15 digits (spaces, +, - and brackets are fine), or leave it empty.".into())
    }
}
