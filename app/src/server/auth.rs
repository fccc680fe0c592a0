//! Sign-in: axum-login over tower-sessions, with sessions kept in our own table by
//! [`DigestStore`](super::db::sessions::DigestStore).
//!
//! Invariants:
//! - The session cookie is `HttpOnly; SameSite=Lax; Path=/`, and `Secure` with the `__Host-` name
//!   prefix on https sites. SameSite=Lax (not Strict) so links from emails arrive signed in.
//! - A session proves who its user is only while its auth hash matches the user's password hash:
//!   a password change signs every other session out even before their rows are deleted.
//! - Signing in always issues a new session id (see [`context::start_session`](super::context::start_session)).

use super::context::{CurrentUser, Settings};
use super::db::session_cache::SessionCache;
use super::db::sessions::{self, DigestStore};
use super::db::{Pool, users};
use super::password;
use crate::dto::AppError;
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder, AuthUser, AuthnBackend};
use sha2::{Digest as _, Sha256};
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub type AuthSession = axum_login::AuthSession<Users>;

impl AuthUser for CurrentUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

impl From<users::SignedInRow> for CurrentUser {
    fn from(row: users::SignedInRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            is_admin: row.is_admin,
            partner_id: row.partner_id,
            // A digest of the password hash, so the hash itself never lands in session data.
            auth_hash: Sha256::digest(row.password_hash.as_bytes()).to_vec(),
        }
    }
}

/// An email (already normalised) and a password, as typed.
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Our users, as axum-login's backend.
#[derive(Debug, Clone)]
pub struct Users {
    pool: Pool,
}

impl Users {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

impl AuthnBackend for Users {
    type User = CurrentUser;
    type Credentials = Credentials;
    type Error = AppError;

    /// The user whose password matches. An unknown email still costs one (dummy) verification, so
    /// the answer takes as long as for a wrong password. Argon2 runs on a blocking thread.
    async fn authenticate(&self, creds: Credentials) -> Result<Option<CurrentUser>, AppError> {
        let row = users::find_signed_in_by_email(&self.pool, &creds.email).await?;
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        Ok(if password::verify(creds.password, hash).await? {
            row.map(CurrentUser::from)
        } else {
            None
        })
    }

    /// Usually already read together with the session (see [`sessions::take_user`]).
    async fn get_user(&self, id: &i64) -> Result<Option<CurrentUser>, AppError> {
        if let Some(row) = sessions::take_user(*id) {
            return Ok(Some(row.into()));
        }
        Ok(users::find_signed_in(&self.pool, *id)
            .await?
            .map(CurrentUser::from))
    }
}

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        "__Host-ff_session"
    } else {
        "ff_session"
    }
}

/// Gives each request the slot in which loading its session leaves the signed-in user's row; goes
/// just outside [`layer`].
pub async fn user_slot(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    sessions::with_user_slot(next.run(request)).await
}

/// The layer that loads the session and its user for every request (outermost: the session).
pub fn layer(
    pool: Pool,
    settings: &Settings,
    cache: Arc<SessionCache>,
) -> AuthManagerLayer<Users, DigestStore> {
    let ttl = time::Duration::seconds(settings.session_ttl.num_seconds());
    let sessions = SessionManagerLayer::new(DigestStore::new(pool.clone(), cache))
        .with_name(cookie_name(settings))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_path("/")
        // Saved only when it changes (at sign-in), so this is a fixed lifetime from sign-in.
        .with_expiry(Expiry::OnInactivity(ttl));
    AuthManagerLayerBuilder::new(Users::new(pool), sessions).build()
}
