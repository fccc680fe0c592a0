//! Sessions recently read from the `sessions` table, with their signed-in users, kept in memory for
//! a short time so a signed-in request does not read the same rows again and again.
//!
//! Reading a session is the one database round trip every signed-in request makes; on SQLite each
//! round trip hands the statement to the connection's thread and back, which costs more than the
//! statement. A user's page and the server calls it makes come in bursts, so most of those reads
//! are of a session read a moment before.
//!
//! Invariants:
//! - An entry is served for at most `ttl` after it was read from the database, and never past the
//!   session's own expiry. A `ttl` of zero turns the cache off.
//! - Every change this process makes to a session or to a user's sign-in columns evicts once the
//!   write is done: saving, cycling or deleting a session evicts it, and ending a user's sessions
//!   (a password change) evicts all of theirs. A read that began before an eviction is not kept
//!   (`generation`), so a read that saw the row before the write cannot outlive the write.
//! - A change made by *another* process sharing the database (a second server, or the `make-admin`
//!   command) is seen within `ttl`. That is the price of the cache; deployments with several
//!   servers choose it with `SESSION_CACHE_SECONDS`.
//! - Only sessions found in the database are kept (an unknown cookie costs a query every time, so
//!   made-up cookies cannot fill memory), and at most [`CAPACITY`] of them.

use super::users::SignedInRow;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower_sessions::session::Record;

/// Most sessions kept; beyond it, stale entries are dropped, then everything (it refills on use).
pub const CAPACITY: usize = 50_000;

/// A session as last read, with its user.
#[derive(Clone)]
pub struct Cached {
    pub record: Record,
    pub user: Option<SignedInRow>,
}

struct Entry {
    cached: Cached,
    read_at: Instant,
}

#[derive(Default)]
struct Entries {
    by_digest: HashMap<String, Entry>,
    /// Bumped by every eviction: a read that began before one may hold what it evicted.
    generation: u64,
}

pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<Entries>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are plain data: one left by a panicking holder is still consistent.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session stored under `digest`, if it was read less than `ttl` ago and has not expired.
    pub fn get(&self, digest: &str, now: time::OffsetDateTime) -> Option<Cached> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.lock();
        let entry = entries.by_digest.get(digest)?;
        (entry.read_at.elapsed() < self.ttl && entry.cached.record.expiry_date > now)
            .then(|| entry.cached.clone())
    }

    /// Where an eviction count stands before a database read; pass it to [`put`](Self::put).
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps what a database read that began at `generation` found, unless something was evicted
    /// since (the read may have returned the evicted state).
    pub fn put(&self, digest: String, cached: Cached, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.generation != generation {
            return;
        }
        if entries.by_digest.len() >= CAPACITY {
            let ttl = self.ttl;
            entries.by_digest.retain(|_, e| e.read_at.elapsed() < ttl);
            if entries.by_digest.len() >= CAPACITY {
                entries.by_digest.clear();
            }
        }
        entries.by_digest.insert(
            digest,
            Entry {
                cached,
                read_at: Instant::now(),
            },
        );
    }

    /// Forgets one session (it was just saved, cycled or deleted).
    pub fn evict(&self, digest: &str) {
        let mut entries = self.lock();
        entries.generation += 1;
        entries.by_digest.remove(digest);
    }

    /// Forgets every session of one user (their sessions are ending, or their sign-in columns changed).
    pub fn evict_user(&self, user_id: i64) {
        let mut entries = self.lock();
        entries.generation += 1;
        entries
            .by_digest
            .retain(|_, e| e.cached.user.as_ref().is_none_or(|u| u.id != user_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::session::Id;

    fn cached(user_id: Option<i64>, expires_in: time::Duration) -> Cached {
        Cached {
            record: Record {
                id: Id::default(),
                data: HashMap::default(),
                expiry_date: time::OffsetDateTime::now_utc() + expires_in,
            },
            user: user_id.map(|id| SignedInRow {
                id,
                email: format!("user{id}@example.com"),
                first_name: "A".into(),
                last_name: "B".into(),
                is_admin: false,
                password_hash: "hash".into(),
                partner_id: None,
            }),
        }
    }

    fn now() -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }

    #[test]
    fn serves_what_was_put_until_evicted() {
        let cache = SessionCache::new(Duration::from_secs(30));
        let g = cache.generation();
        cache.put("a".into(), cached(Some(1), time::Duration::hours(1)), g);
        assert_eq!(cache.get("a", now()).unwrap().user.unwrap().id, 1);
        assert!(cache.get("b", now()).is_none());
        cache.evict("a");
        assert!(cache.get("a", now()).is_none());
    }

    #[test]
    fn a_read_that_raced_an_eviction_is_not_kept() {
        let cache = SessionCache::new(Duration::from_secs(30));
        let before = cache.generation();
        cache.evict("a"); // a log-out lands while the read is in flight
        cache.put(
            "a".into(),
            cached(Some(1), time::Duration::hours(1)),
            before,
        );
        assert!(cache.get("a", now()).is_none());
    }

    #[test]
    fn evicting_a_user_forgets_all_their_sessions_and_only_theirs() {
        let cache = SessionCache::new(Duration::from_secs(30));
        for (digest, user) in [("a", Some(1)), ("b", Some(1)), ("c", Some(2)), ("d", None)] {
            let g = cache.generation();
            cache.put(digest.into(), cached(user, time::Duration::hours(1)), g);
        }
        cache.evict_user(1);
        assert!(cache.get("a", now()).is_none());
        assert!(cache.get("b", now()).is_none());
        assert!(cache.get("c", now()).is_some());
        assert!(cache.get("d", now()).is_some());
    }

    #[test]
    fn expired_sessions_and_old_reads_are_not_served() {
        let cache = SessionCache::new(Duration::from_secs(30));
        let g = cache.generation();
        cache.put(
            "gone".into(),
            cached(Some(1), time::Duration::seconds(-1)),
            g,
        );
        assert!(cache.get("gone", now()).is_none());

        let brief = SessionCache::new(Duration::from_millis(20));
        let g = brief.generation();
        brief.put("a".into(), cached(Some(1), time::Duration::hours(1)), g);
        std::thread::sleep(Duration::from_millis(30));
        assert!(brief.get("a", now()).is_none());

        let off = SessionCache::new(Duration::ZERO);
        off.put(
            "a".into(),
            cached(Some(1), time::Duration::hours(1)),
            off.generation(),
        );
        assert!(off.get("a", now()).is_none());
    }
}
