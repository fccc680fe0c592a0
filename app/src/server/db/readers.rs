//! Connections for the hot read paths (checking a code, the partner dashboard): single statements
//! outside any transaction.
//!
//! On SQLite these are a few connections of our own, kept apart from sqlx's pool. sqlx 0.8's pool
//! pings every connection it takes back (`Floating::return_to_pool`), and on SQLite a ping is a
//! round trip to the connection's worker thread: two thread wake-ups, as many as the query itself.
//! Under load those wake-ups were the largest cost of a code check. A connection to a local file
//! cannot drop, and a statement outside a transaction leaves nothing to roll back, so the ping buys
//! nothing here. If a request is cancelled mid-statement, the worker finishes the statement on its
//! own and the connection is ready for the next one.
//!
//! On PostgreSQL a reader is an ordinary pooled connection: there the ping does find connections the
//! network dropped.
//!
//! Invariant: a reader never begins a transaction and never writes. Writes, and reads that must see
//! one snapshot with writes, go through the pool.

use super::{DbConn, Pool};
use std::ops::DerefMut;

/// How many reader connections SQLite gets (each is one worker thread; reads in WAL mode never
/// wait for the writer, so a few cover what two cores can do).
#[cfg(feature = "sqlite")]
const SQLITE_READERS: usize = 4;

#[cfg(feature = "sqlite")]
pub struct Readers {
    options: std::sync::Arc<sqlx::sqlite::SqliteConnectOptions>,
    idle: std::sync::Mutex<Vec<DbConn>>,
    permits: tokio::sync::Semaphore,
}

#[cfg(feature = "postgres")]
pub struct Readers {
    pool: Pool,
}

impl Readers {
    /// Readers onto the same database as `pool`, with its connection settings.
    pub fn new(pool: &Pool) -> Self {
        #[cfg(feature = "sqlite")]
        return Self {
            options: pool.connect_options(),
            idle: std::sync::Mutex::default(),
            permits: tokio::sync::Semaphore::new(SQLITE_READERS),
        };
        #[cfg(feature = "postgres")]
        Self { pool: pool.clone() }
    }

    /// A connection for single-statement reads; it returns when dropped.
    #[cfg(feature = "sqlite")]
    pub async fn get(&self) -> sqlx::Result<impl DerefMut<Target = DbConn> + Send + '_> {
        use sqlx::ConnectOptions as _;
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            // Opened on first use: at most one per permit ever exists.
            None => self.options.connect().await?,
        };
        Ok(Reader {
            conn: Some(conn),
            readers: self,
            _permit: permit,
        })
    }

    /// A connection for single-statement reads; it returns when dropped.
    #[cfg(feature = "postgres")]
    pub async fn get(&self) -> sqlx::Result<impl DerefMut<Target = DbConn> + Send + '_> {
        self.pool.acquire().await
    }
}

#[cfg(feature = "sqlite")]
struct Reader<'a> {
    conn: Option<DbConn>,
    readers: &'a Readers,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

#[cfg(feature = "sqlite")]
impl std::ops::Deref for Reader<'_> {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        self.conn.as_ref().expect("present until dropped")
    }
}

#[cfg(feature = "sqlite")]
impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn.as_mut().expect("present until dropped")
    }
}

#[cfg(feature = "sqlite")]
impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.readers
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(conn);
        }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_read_cancelled_mid_statement_leaves_its_connection_usable() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let readers = Readers::new(&pool);
        // A request dropped (client gone) while its statement runs on the connection's thread.
        let slow = async {
            let mut conn = readers.get().await.unwrap();
            sqlx::query_scalar::<_, i64>(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)
                 SELECT COUNT(*) FROM n",
            )
            .fetch_one(&mut *conn)
            .await
        };
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow)
                .await
                .is_err(),
            "the statement was still running when its request went away"
        );
        // The dropped connection is first in line again; it and the others answer correctly.
        for i in 0..(2 * SQLITE_READERS as i64) {
            let mut conn = readers.get().await.unwrap();
            let echoed: i64 = sqlx::query_scalar("SELECT $1")
                .bind(i)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(echoed, i);
        }
    }
}
