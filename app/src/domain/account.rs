//! Account rules: what a valid email, password and name look like.
//!
//! Invariant: emails are stored trimmed and lower-cased, so "Ann@Example.com" and "ann@example.com"
//! are the same account (the database's unique index on `users.email` relies on this normalisation).

use super::validation::{FieldError, FieldErrors};

pub const PASSWORD_MIN_CHARS: usize = 10;
/// Argon2 hashes whatever it is given; an upper bound keeps one request from costing seconds of CPU.
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 80;
pub const EMAIL_MAX_CHARS: usize = 254;

/// Trims and lower-cases an email, then checks it has the shape `local@domain.tld`.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.".into());
    }
    let shape_ok = email.len() <= EMAIL_MAX_CHARS
        && !email.chars().any(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if shape_ok {
        Ok(email)
    } else {
        Err("Enter an email address like name@example.com.".into())
    }
}

pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(format!(
            "Use at least {PASSWORD_MIN_CHARS} characters for your password."
        ))
    } else if chars > PASSWORD_MAX_CHARS {
        Err(format!(
            "Use at most {PASSWORD_MAX_CHARS} characters for your password."
        ))
    } else {
        Ok(())
    }
}

/// Trims a person's name and checks it is present and of a sensible length.
pub fn normalize_name(raw: &str, what: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        Err(format!("Enter your {what}."))
    } else if name.chars().count() > NAME_MAX_CHARS {
        Err(format!(
            "Your {what} can be at most {NAME_MAX_CHARS} characters."
        ))
    } else if name.chars().any(char::is_control) {
        Err(format!("Your {what} contains characters we cannot store."))
    } else {
        Ok(name.to_owned())
    }
}

/// A sign-up that passed every field check; the only way to build one is [`validate_signup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
}

pub fn validate_signup(
    email: &str,
    password: &str,
    first_name: &str,
    last_name: &str,
) -> Result<NewAccount, Vec<FieldError>> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", normalize_email(email));
    let password_ok = errors.check("password", check_password(password));
    let first_name = errors.check("first_name", normalize_name(first_name, "first name"));
    let last_name = errors.check("last_name", normalize_name(last_name, "last name"));
    match (email, password_ok, first_name, last_name) {
        (Some(email), Some(()), Some(first_name), Some(last_name)) => Ok(NewAccount {
            email,
            password: password.to_owned(),
            first_name,
            last_name,
        }),
        _ => Err(errors.into_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Ann.Lee@Example.COM ").unwrap(),
            "ann.lee@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_rejected_with_a_hint() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@x.io",
            "a@@x.io",
            "a@x..io",
            "a@.x.io",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn password_length_bounds() {
        assert!(check_password("short").is_err());
        assert!(check_password("exactly10!").is_ok());
        assert!(check_password(&"x".repeat(PASSWORD_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn signup_reports_every_bad_field_at_once() {
        let errors = validate_signup("nope", "short", " ", "Lee").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "first_name"]);
    }

    #[test]
    fn valid_signup_is_normalised() {
        let ok = validate_signup("Ann@Example.com", "correct horse", " Ann ", "Lee").unwrap();
        assert_eq!(ok.email, "ann@example.com");
        assert_eq!(ok.first_name, "Ann");
    }

    proptest! {
        #[test]
        fn normalised_emails_are_stable(local in "[A-Za-z0-9._%+-]{1,20}", domain in "[A-Za-z0-9-]{1,20}", tld in "[A-Za-z]{2,6}") {
            let raw = format!("{local}@{domain}.{tld}");
            let once = normalize_email(&raw).unwrap();
            prop_assert_eq!(normalize_email(&once).unwrap(), once.clone());
            prop_assert_eq!(once, raw.to_lowercase());
        }
    }
}
