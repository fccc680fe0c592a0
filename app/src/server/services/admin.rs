//! What the admin home shows.

use crate::dto::AppError;
use crate::dto::admin::{AdminOrderDetail, AdminOrderPage, AdminOrderRow, AdminOverview, UserRow};
use crate::server::context::AppState;
use crate::server::db::commissions as commission_rows;
use crate::server::db::users;
use crate::server::db::{events, orders as order_rows, payments, reversals};
use crate::server::services::orders;
use crate::server::services::partners::commission_line;

pub async fn overview(state: &AppState) -> Result<AdminOverview, AppError> {
    let pool = &state.db;
    let week_ago = chrono::Utc::now() - chrono::Duration::days(7);
    let tz = state.settings.business_tz;
    let recent_users = users::recent(pool, 10)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            name: format!("{} {}", u.first_name, u.last_name),
            email: u.email,
            is_admin: u.is_admin,
            joined: u
                .created_at
                .with_timezone(&tz)
                .format("%-d %b %Y")
                .to_string(),
        })
        .collect();
    let pending_partners = crate::server::db::partners::PartnerFilter {
        status: Some("pending".to_owned()),
        ..Default::default()
    };
    let pending_commissions = commission_rows::CommissionFilter {
        status: Some("pending".to_owned()),
        ..Default::default()
    };
    Ok(AdminOverview {
        partners_to_review: crate::server::db::partners::count(pool, &pending_partners).await?,
        commissions_to_review: commission_rows::count(pool, &pending_commissions).await?,
        customers: users::count(pool, false).await?,
        admins: users::count(pool, true).await?,
        payments_to_review: payments::count_needing_review(pool).await?,
        emails_failed: crate::server::db::emails::count(
            pool,
            &crate::server::db::emails::EmailFilter {
                status: Some("failed".to_owned()),
                kind: None,
            },
        )
        .await?,
        deliveries_waiting: crate::server::db::deliveries::flagged_count(pool).await?,
        payouts_needing_attention: crate::server::db::payouts::count_needing_attention(pool)
            .await?,
        signups_last_7_days: users::count_created_since(pool, week_ago).await?,
        recent_users,
    })
}

pub const ORDERS_PER_PAGE: i64 = 20;
const STATUSES: [&str; 6] = [
    "needs_review",
    "pending_payment",
    "active",
    "completed",
    "cancelled",
    "refunded",
];

/// A page of orders. An unknown status filter (a hand-edited URL) shows every order; a page past the
/// end shows the last page.
pub async fn orders(
    state: &AppState,
    status: Option<&str>,
    page: i64,
) -> Result<AdminOrderPage, AppError> {
    let status = status.filter(|s| STATUSES.contains(s));
    let total = order_rows::count(&state.db, status).await?;
    let (page, pages) = crate::dto::Paged::<()>::window(total, ORDERS_PER_PAGE, page);
    let rows = order_rows::page(
        &state.db,
        status,
        ORDERS_PER_PAGE,
        (page - 1) * ORDERS_PER_PAGE,
    )
    .await?;
    let tz = state.settings.business_tz;
    Ok(AdminOrderPage {
        rows: rows
            .into_iter()
            .map(|r| AdminOrderRow {
                id: r.id,
                customer: format!("{} {} <{}>", r.first_name, r.last_name, r.email),
                kind: orders::kind_label(&r.kind).to_owned(),
                status: orders::order_status_label(&r.kind, &r.status).to_owned(),
                total: state.money(r.total_cents),
                placed: r
                    .created_at
                    .with_timezone(&tz)
                    .format("%-d %b %Y")
                    .to_string(),
            })
            .collect(),
        page,
        pages,
        total,
    })
}

pub async fn order(state: &AppState, order_id: i64) -> Result<AdminOrderDetail, AppError> {
    let row = {
        let mut conn = state.db.acquire().await?;
        order_rows::find(&mut conn, order_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let order_payments = payments::list_for_order(&state.db, order_id).await?;
    let order_events = events::list_for_order(&state.db, order_id).await?;
    let order_reversals = reversals::list_for_order(&state.db, order_id).await?;
    let to_recover = commission_rows::paid_on_reversed_payments(&state.db, Some(order_id))
        .await?
        .iter()
        .map(|r| commission_line(r, state, true))
        .collect();
    let customer = users::find(&state.db, row.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AdminOrderDetail {
        summary: orders::summarize(
            state,
            &row,
            &order_payments.iter().collect::<Vec<_>>(),
            &order_events.iter().collect::<Vec<_>>(),
            &order_reversals.iter().collect::<Vec<_>>(),
            true,
        ),
        to_recover,
        customer: format!(
            "{} {} <{}>",
            customer.first_name, customer.last_name, customer.email
        ),
        is_subscription: row.kind == "subscription",
        test_mode: state.payments.is_simulator(),
    })
}
