//! The `sessions` table as tower-sessions' [`SessionStore`]: rows are keyed by the SHA-256 digest of
//! the session id, never the id itself, so a copy of the database yields no working cookie.
//!
//! Invariants: a row holds the session's data (JSON) and, when someone is signed in, their user id
//! (so a password change can end every session of that user). A row past `expires_at` is never
//! loaded; the maintenance pass deletes it. Rows read recently are served from a
//! [`SessionCache`], from which every write here evicts the row once written (see its invariants).

use super::session_cache::{Cached, SessionCache};
use super::{Pool, users};
use crate::server::token;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{FromRow as _, Row as _};
use std::cell::RefCell;
use std::sync::Arc;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

tokio::task_local! {
    /// The user row read with this request's session, until the auth backend takes it.
    static LOADED_USER: RefCell<Option<users::SignedInRow>>;
}

/// Runs one request with a slot for the user row its session load reads (see [`take_user`]).
/// Wraps the session layer, so the row never outlives the request or reaches another one.
pub async fn with_user_slot<F: Future>(request: F) -> F::Output {
    LOADED_USER.scope(RefCell::new(None), request).await
}

/// The row of user `id` if this request's session load just read it: the same statement read the
/// session and the user, so it is exactly what a separate query would have returned a moment ago.
pub fn take_user(id: i64) -> Option<users::SignedInRow> {
    LOADED_USER
        .try_with(|slot| slot.borrow_mut().take_if(|user| user.id == id))
        .ok()
        .flatten()
}

/// Where axum-login keeps the signed-in user in the session data.
const AUTH_DATA_KEY: &str = "axum-login.data";

#[derive(Clone)]
pub struct DigestStore {
    pool: Pool,
    cache: Arc<SessionCache>,
}

impl std::fmt::Debug for DigestStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestStore").finish_non_exhaustive()
    }
}

impl DigestStore {
    pub fn new(pool: Pool, cache: Arc<SessionCache>) -> Self {
        Self { pool, cache }
    }
}

/// Hands the user row read with the session to [`take_user`]. Outside `with_user_slot` (a store
/// used on its own) there is nowhere to put it.
fn leave_user(user: users::SignedInRow) {
    let _ = LOADED_USER.try_with(|slot| *slot.borrow_mut() = Some(user));
}

/// The stored key of a session id: hex SHA-256 of the id as the cookie carries it.
pub fn digest(id: &Id) -> String {
    token::digest(&id.to_string())
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn to_chrono(at: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_default()
}

/// The columns a record is stored as: data, signed-in user, expiry.
fn columns(record: &Record) -> session_store::Result<(String, Option<i64>, DateTime<Utc>)> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(AUTH_DATA_KEY)
        .and_then(|auth| auth.get("user_id"))
        .and_then(serde_json::Value::as_i64);
    Ok((data, user_id, to_chrono(record.expiry_date)))
}

impl DigestStore {
    /// Inserts the record; `on_conflict` says what happens when its digest is already stored.
    /// Returns how many rows were written.
    async fn insert(&self, record: &Record, on_conflict: &str) -> session_store::Result<u64> {
        let (data, user_id, expires_at) = columns(record)?;
        let key = digest(&record.id);
        let done = sqlx::query(&format!(
            "INSERT INTO sessions (digest, user_id, data, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (digest) {on_conflict}"
        ))
        .bind(&key)
        .bind(user_id)
        .bind(&data)
        .bind(Utc::now())
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        // After the write: a read that began before it may hold the old row (see SessionCache).
        self.cache.evict(&key);
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl SessionStore for DigestStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A collision of 128 random bits is as good as impossible, but the store's contract is to
        // pick a new id rather than overwrite someone else's session.
        while self.insert(record, "DO NOTHING").await? == 0 {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.insert(
            record,
            "DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at",
        )
        .await
        .map(drop)
    }

    /// Reads the session and, in the same statement, its signed-in user, which is handed to
    /// [`take_user`] for the auth backend: one query per request instead of two.
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = digest(id);
        if let Some(cached) = self.cache.get(&key, time::OffsetDateTime::now_utc()) {
            if let Some(user) = cached.user {
                leave_user(user);
            }
            return Ok(Some(cached.record));
        }
        let generation = self.cache.generation();
        const SQL: &str = concat!(
            "SELECT s.data, s.expires_at, ",
            users::signed_in_columns!(),
            " FROM sessions s LEFT JOIN users u ON u.id = s.user_id
              LEFT JOIN partners p ON p.user_id = u.id
             WHERE s.digest = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(SQL)
            .bind(&key)
            .bind(Utc::now())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_at: DateTime<Utc> = row.try_get("expires_at").map_err(backend)?;
        let user = if row
            .try_get::<Option<i64>, _>("id")
            .map_err(backend)?
            .is_some()
        {
            Some(users::SignedInRow::from_row(&row).map_err(backend)?)
        } else {
            None
        };
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let record = Record {
            id: *id,
            data: serde_json::from_str(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date,
        };
        self.cache.put(
            key,
            Cached {
                record: record.clone(),
                user: user.clone(),
            },
            generation,
        );
        if let Some(user) = user {
            leave_user(user);
        }
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let key = digest(id);
        sqlx::query("DELETE FROM sessions WHERE digest = $1")
            .bind(&key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.cache.evict(&key);
        Ok(())
    }
}

/// Ends every session of a user (after a password change); returns how many.
pub async fn delete_for_user(pool: &Pool, cache: &SessionCache, user_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(pool)
        .await?;
    cache.evict_user(user_id);
    Ok(done.rows_affected())
}

/// Removes expired sessions; returns how many.
pub async fn delete_expired(pool: &Pool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
