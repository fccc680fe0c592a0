//! The append-only `audit_log`: who did what to which record, before → after, and when.
//!
//! Invariant: a row is written on the caller's transaction, next to the change it describes, so a
//! change that rolls back leaves no row and a change that commits leaves exactly one. The table's
//! triggers refuse updates and deletes on both engines.

use super::{Db, DbConn, Pool};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

/// Who acted: an admin (by user id and name) or the system (a webhook or a job, `user_id` None).
/// `request_id` ties the row to the request's log lines (or to the Stripe event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub request_id: String,
}

impl Actor {
    pub fn system(name: &str, reference: &str) -> Self {
        Self {
            user_id: None,
            name: name.to_owned(),
            request_id: reference.to_owned(),
        }
    }
}

/// One change, described for the log.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// A dotted verb such as `commission.approve`.
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: i64,
    /// The partner the change concerns, for the partner's own slice of the log.
    pub partner_id: Option<i64>,
    pub before: String,
    pub after: String,
}

pub async fn record(
    conn: &mut DbConn,
    actor: &Actor,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor, action, subject_type, subject_id, partner_id,
             before_value, after_value, request_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(change.action)
    .bind(change.subject_type)
    .bind(change.subject_id)
    .bind(change.partner_id)
    .bind(&change.before)
    .bind(&change.after)
    .bind(&actor.request_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub partner_id: Option<i64>,
    pub business_name: Option<String>,
    pub before_value: String,
    pub after_value: String,
    pub request_id: String,
    pub created_at: DateTime<Utc>,
}

/// The activity page's filters. `action` matches a whole action or its prefix (`payout` →
/// `payout.approve`, `payout.hold`…).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub partner_id: Option<i64>,
    /// `true`: people only; `false`: the system only.
    pub by_people: Option<bool>,
}

const AUDIT_SELECT: &str =
    "SELECT a.id, a.actor_id, a.actor, a.action, a.subject_type, a.subject_id,
        a.partner_id, p.business_name, a.before_value, a.after_value, a.request_id, a.created_at
     FROM audit_log a LEFT JOIN partners p ON p.id = a.partner_id";

fn push_filter<'a>(query: &mut QueryBuilder<'a, Db>, filter: &'a AuditFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(action) = &filter.action {
        query
            .push(" AND (a.action = ")
            .push_bind(action.as_str())
            .push(" OR a.action LIKE ")
            .push_bind(format!("{action}.%"))
            .push(")");
    }
    if let Some(partner) = filter.partner_id {
        query.push(" AND a.partner_id = ").push_bind(partner);
    }
    match filter.by_people {
        Some(true) => {
            query.push(" AND a.actor_id IS NOT NULL");
        }
        Some(false) => {
            query.push(" AND a.actor_id IS NULL");
        }
        None => {}
    }
}

pub async fn count(pool: &Pool, filter: &AuditFilter) -> sqlx::Result<i64> {
    let mut query = QueryBuilder::new("SELECT COUNT(*) FROM audit_log a");
    push_filter(&mut query, filter);
    query.build_query_scalar().fetch_one(pool).await
}

/// Newest first.
pub async fn page(
    pool: &Pool,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    let mut query = QueryBuilder::new(AUDIT_SELECT);
    push_filter(&mut query, filter);
    query
        .push(" ORDER BY a.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    query.build_query_as().fetch_all(pool).await
}

/// Every row matching `filter`, oldest first, to stream with `fetch` (the CSV export).
pub fn export_query(filter: &AuditFilter) -> QueryBuilder<'_, Db> {
    let mut query = QueryBuilder::new(AUDIT_SELECT);
    push_filter(&mut query, filter);
    query.push(" ORDER BY a.id");
    query
}

/// The distinct actions written so far, for the filter.
pub async fn actions(pool: &Pool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(pool)
        .await
}
