//! Argon2id password hashing, off the async runtime (a hash costs tens of milliseconds of CPU).

use crate::dto::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    Ok(tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?)
}

/// A real hash of a random password, verified when the email is unknown so that "no such user" and
/// "wrong password" take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash(super::token::new_secret()));

/// True when `password` matches `hash`; with no hash, burns the same time and answers false.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    Ok(tokio::task::spawn_blocking(move || match hash {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, &DUMMY_HASH);
            false
        }
    })
    .await?)
}
