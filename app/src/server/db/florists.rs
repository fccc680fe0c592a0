//! Queries on what makes a partner a delivery florist: the booking slug, shop address, pause,
//! service areas, and who may be offered an event in an area.

use super::{Db, DbConn, Pool};
use crate::domain::delivery::{Candidate, FloristDetails, ServiceArea};
use chrono::{DateTime, NaiveDate, Utc};

/// Saves the florist's slug and shop address. Callers check [`slug_taken`] first for a clear
/// message; the unique index still stops a racing twin (a unique violation).
pub async fn set_details(
    conn: &mut DbConn,
    partner_id: i64,
    details: &FloristDetails,
) -> sqlx::Result<()> {
    let a = &details.address;
    sqlx::query(
        "UPDATE partners SET booking_slug = $2, street_address = $3, suburb = $4, city = $5, state = $6,
            postcode = $7, country = $8 WHERE id = $1",
    )
    .bind(partner_id)
    .bind(&details.booking_slug)
    .bind(&a.street_address)
    .bind(&a.suburb)
    .bind(&a.city)
    .bind(&a.state)
    .bind(&a.postcode)
    .bind(&a.country)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn slug_taken(
    db: impl sqlx::Executor<'_, Database = Db>,
    slug: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM partners WHERE booking_slug = $1)")
        .bind(slug)
        .fetch_one(db)
        .await
}

/// An active delivery florist by booking slug: `(partner id, business name)`.
pub async fn resolve_slug(pool: &Pool, slug: &str) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, business_name FROM partners
         WHERE booking_slug = $1 AND partner_type = 'delivery' AND status = 'active'",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await
}

/// The business name of an active delivery florist, by id (a remembered booking link).
pub async fn active_florist_name(
    db: impl sqlx::Executor<'_, Database = Db>,
    partner_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT business_name FROM partners WHERE id = $1 AND partner_type = 'delivery' AND status = 'active'",
    )
    .bind(partner_id)
    .fetch_optional(db)
    .await
}

/// Replaces the florist's service areas with `areas` (in the caller's transaction).
pub async fn replace_areas(
    conn: &mut DbConn,
    partner_id: i64,
    areas: &[ServiceArea],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM service_areas WHERE partner_id = $1")
        .bind(partner_id)
        .execute(&mut *conn)
        .await?;
    for a in areas {
        sqlx::query(
            "INSERT INTO service_areas (partner_id, suburb, city, state, postcode, country, area_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(partner_id)
        .bind(&a.suburb)
        .bind(&a.city)
        .bind(&a.state)
        .bind(&a.postcode)
        .bind(&a.country)
        .bind(&a.key)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AreaRow {
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

pub async fn areas(
    db: impl sqlx::Executor<'_, Database = Db>,
    partner_id: i64,
) -> sqlx::Result<Vec<AreaRow>> {
    sqlx::query_as(
        "SELECT suburb, city, state, postcode, country FROM service_areas
         WHERE partner_id = $1 ORDER BY country, city, suburb",
    )
    .bind(partner_id)
    .fetch_all(db)
    .await
}

/// The florist's own details as their dashboard and the admin pages show them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FloristRow {
    pub booking_slug: Option<String>,
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub paused_until: Option<NaiveDate>,
}

pub async fn details(
    db: impl sqlx::Executor<'_, Database = Db>,
    partner_id: i64,
) -> sqlx::Result<Option<FloristRow>> {
    sqlx::query_as(
        "SELECT booking_slug, street_address, suburb, city, state, postcode, country, paused_until
         FROM partners WHERE id = $1",
    )
    .bind(partner_id)
    .fetch_optional(db)
    .await
}

pub async fn set_pause(
    pool: &Pool,
    partner_id: i64,
    until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE partners SET paused_until = $2, updated_at = $3 WHERE id = $1")
        .bind(partner_id)
        .bind(until)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    area_key: String,
    partner_id: i64,
    paused_until: Option<NaiveDate>,
    last_offered_at: Option<DateTime<Utc>>,
    kept: i64,
    answered: i64,
}

/// Every active florist covering an area, with what the fairness order needs: all areas (for a
/// job run) or only `area_key` (one reassignment). Returned as `(area key, candidate)` pairs.
pub async fn candidates(
    conn: &mut DbConn,
    area_key: Option<&str>,
) -> sqlx::Result<Vec<(String, Candidate)>> {
    let rows: Vec<CandidateRow> = sqlx::query_as(
        "SELECT sa.area_key, p.id AS partner_id, p.paused_until, p.last_offered_at,
            (SELECT COUNT(*) FROM delivery_requests r WHERE r.partner_id = p.id
               AND r.status IN ('accepted', 'card_left', 'delivered')) AS kept,
            (SELECT COUNT(*) FROM delivery_requests r WHERE r.partner_id = p.id
               AND r.status <> 'pending') AS answered
         FROM service_areas sa JOIN partners p ON p.id = sa.partner_id
         WHERE p.partner_type = 'delivery' AND p.status = 'active' AND ($1 IS NULL OR sa.area_key = $1)",
    )
    .bind(area_key)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let reliability = if r.answered == 0 {
                500
            } else {
                r.kept * 1000 / r.answered
            };
            (
                r.area_key,
                Candidate {
                    partner_id: r.partner_id,
                    paused_until: r.paused_until,
                    last_offered_at: r.last_offered_at,
                    reliability,
                },
            )
        })
        .collect())
}

/// Records when the florist was last offered an event (the fairness order reads it).
pub async fn mark_offered(
    conn: &mut DbConn,
    partner_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE partners SET last_offered_at = $2
         WHERE id = $1 AND (last_offered_at IS NULL OR last_offered_at < $2)",
    )
    .bind(partner_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Active florists an admin can assign by hand, covering florists of `area_key` first.
pub async fn assignable(pool: &Pool, area_key: &str) -> sqlx::Result<Vec<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT p.id, p.business_name,
            EXISTS (SELECT 1 FROM service_areas sa WHERE sa.partner_id = p.id AND sa.area_key = $1) AS covers
         FROM partners p WHERE p.partner_type = 'delivery' AND p.status = 'active'
         ORDER BY covers DESC, p.business_name",
    )
    .bind(area_key)
    .fetch_all(pool)
    .await
}
