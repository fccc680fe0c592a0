//! Queries on `webhook_events`: the record of every Stripe event id we have acted on.

use super::DbConn;
use chrono::{DateTime, Utc};

/// Records the event id; false when it was already recorded (a redelivery).
pub async fn record(
    conn: &mut DbConn,
    id: &str,
    event_type: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO webhook_events (id, event_type, outcome, received_at) VALUES ($1, $2, 'received', $3)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(event_type)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_outcome(conn: &mut DbConn, id: &str, outcome: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE webhook_events SET outcome = $2 WHERE id = $1")
        .bind(id)
        .bind(outcome)
        .execute(conn)
        .await?;
    Ok(())
}
