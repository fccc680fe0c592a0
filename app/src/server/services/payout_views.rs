//! Payouts as pages show them: the partner's list and detail (with what to do about a failed or
//! held payout), and the admin list with its status filter.
//!
//! A partner only ever sees their own payouts: another partner's id answers "not found".

use crate::domain::payout::{PayoutStatus, PayoutType};
use crate::dto::payouts::{AdminPayouts, PartnerPayouts, PayoutDetail, PayoutLine, PayoutListed};
use crate::dto::{AppError, Paged};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::payouts::{self as rows, ItemRow, PayoutFilter, PayoutRow};
use crate::server::services::connect;
use chrono::{DateTime, Utc};

pub const PER_PAGE: i64 = 20;

fn day(state: &AppState, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.settings.business_tz)
        .format("%-d %b %Y")
        .to_string()
}

fn listed(state: &AppState, row: PayoutRow, admin: bool) -> PayoutListed {
    let status = PayoutStatus::parse(&row.status);
    PayoutListed {
        id: row.id,
        kind: PayoutType::parse(&row.payout_type)
            .map_or("Payout", |k| k.label())
            .to_owned(),
        amount: state.money(row.amount_cents),
        status_label: status.map_or(row.status.as_str(), |s| s.label()).to_owned(),
        status: row.status,
        created: day(state, row.created_at),
        sent: row.completed_at.map(|at| day(state, at)),
        items: row.items,
        reason: row.reason,
        partner: admin.then_some((row.partner_id, row.business_name)),
        transfer_id: if admin { row.transfer_id } else { None },
    }
}

fn partner_of(user: &CurrentUser) -> Result<i64, AppError> {
    user.partner_id.ok_or(AppError::NotFound)
}

pub async fn partner_payouts(
    state: &AppState,
    user: &CurrentUser,
    page: i64,
) -> Result<PartnerPayouts, AppError> {
    let partner_id = partner_of(user)?;
    let filter = PayoutFilter {
        partner_id: Some(partner_id),
        status: None,
    };
    let total = rows::count(&state.db, &filter).await?;
    let (page, pages) = Paged::<PayoutListed>::window(total, PER_PAGE, page);
    let listed_rows = rows::page(&state.db, &filter, (page - 1) * PER_PAGE, PER_PAGE)
        .await?
        .into_iter()
        .map(|row| listed(state, row, false))
        .collect();
    let (commissions, deliveries) = rows::waiting_for_partner(&state.db, partner_id).await?;
    let waiting = [
        (PayoutType::Commission, commissions),
        (PayoutType::Fulfillment, deliveries),
    ]
    .into_iter()
    .filter(|(_, cents)| *cents > 0)
    .map(|(kind, cents)| (kind.label().to_owned(), state.money(cents)))
    .collect();
    Ok(PartnerPayouts {
        setup: connect::setup(state, partner_id).await?,
        payouts: Paged {
            rows: listed_rows,
            page,
            pages,
            total,
        },
        waiting,
    })
}

fn line(state: &AppState, item: ItemRow) -> PayoutLine {
    let description = match (item.commission_type.as_deref(), item.delivery_date) {
        (Some("fulfillment"), _) => format!(
            "Delivery you passed on (order #{})",
            item.order_id.unwrap_or_default()
        ),
        (Some(_), _) => match (item.order_id, item.earned_at) {
            (Some(order), Some(at)) => {
                format!("Referral commission, order #{order} ({})", day(state, at))
            }
            _ => "Referral commission".to_owned(),
        },
        (None, Some(date)) => format!(
            "Delivery on {}{}",
            date.format("%a %-d %b %Y"),
            item.suburb
                .as_deref()
                .map(|s| format!(" in {s}"))
                .unwrap_or_default()
        ),
        (None, None) => "Delivery".to_owned(),
    };
    PayoutLine {
        description,
        amount: state.money(item.amount_cents),
        released: !item.live,
    }
}

/// What a partner can do about a payout that did not go out.
fn advice(status: Option<PayoutStatus>) -> Option<String> {
    match status? {
        PayoutStatus::OnHold => Some(
            "Finish setting up payouts with Stripe (below the list on your payouts page). We send this payout as soon as Stripe can pay you; nothing is lost.".into(),
        ),
        PayoutStatus::Failed => Some(
            "Nothing was lost: these lines go into your next payout. If the reason names your account, check your payout settings with Stripe.".into(),
        ),
        PayoutStatus::Processing => Some(
            "We are waiting for Stripe to confirm this transfer. It is never sent twice; there is nothing to do.".into(),
        ),
        _ => None,
    }
}

/// One payout with its lines: the partner's own, or any for an admin.
pub async fn detail(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<PayoutDetail, AppError> {
    let row = {
        let mut conn = state.db.acquire().await?;
        rows::find(&mut conn, id).await?.ok_or(AppError::NotFound)?
    };
    if !user.is_admin && user.partner_id != Some(row.partner_id) {
        return Err(AppError::NotFound);
    }
    let lines = rows::items(&state.db, id)
        .await?
        .into_iter()
        .map(|item| line(state, item))
        .collect();
    let status = PayoutStatus::parse(&row.status);
    Ok(PayoutDetail {
        payout: listed(state, row, user.is_admin),
        lines,
        advice: advice(status),
    })
}

pub async fn admin_payouts(
    state: &AppState,
    status: Option<&str>,
    page: i64,
) -> Result<AdminPayouts, AppError> {
    let status = status.and_then(PayoutStatus::parse);
    let filter = PayoutFilter {
        partner_id: None,
        status: status.map(|s| s.as_str().to_owned()),
    };
    let total = rows::count(&state.db, &filter).await?;
    let (page, pages) = Paged::<PayoutListed>::window(total, PER_PAGE, page);
    let listed_rows = rows::page(&state.db, &filter, (page - 1) * PER_PAGE, PER_PAGE)
        .await?
        .into_iter()
        .map(|row| listed(state, row, true))
        .collect();
    let counts = rows::count_by_status(&state.db).await?;
    Ok(AdminPayouts {
        payouts: Paged {
            rows: listed_rows,
            page,
            pages,
            total,
        },
        status: status.map(|s| s.as_str().to_owned()),
        counts: PayoutStatus::ALL
            .into_iter()
            .map(|s| {
                let n = counts
                    .iter()
                    .find(|(k, _)| k == s.as_str())
                    .map_or(0, |(_, n)| *n);
                (s.as_str().to_owned(), s.label().to_owned(), n)
            })
            .collect(),
    })
}
