//! Payouts as pages show them: the partner's list and detail (with what to do about a failed or
//! held payout), and the admin list with its status filter.
//!
//! A partner only ever sees their own payouts: another partner's id answers "not found".

use crate::domain::payout::{PayoutStatus, PayoutType};
use crate::dto::controls::{ApprovalBatch, ApprovalLine};
use crate::dto::payouts::{AdminPayouts, PartnerPayouts, PayoutDetail, PayoutLine, PayoutListed};
use crate::dto::{AppError, Paged};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::payouts::{self as rows, ItemRow, PayoutFilter, PayoutRow};
use crate::server::services::connect;
use chrono::{DateTime, Utc};

pub const PER_PAGE: i64 = 20;

pub(crate) fn day(state: &AppState, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.settings.business_tz)
        .format("%-d %b %Y")
        .to_string()
}

/// Why a payout did not go out, as its reader may see it: an admin's hold reason is a note for
/// other admins (it may say "suspected self-referral"), so a partner reads only that it is reviewed.
pub fn shown_reason(row: &PayoutRow, admin: bool) -> String {
    if row.held_by.is_some() && !admin {
        "Under review by our team.".to_owned()
    } else {
        row.reason.clone()
    }
}

pub(crate) fn listed(state: &AppState, row: PayoutRow, admin: bool) -> PayoutListed {
    let status = PayoutStatus::parse(&row.status);
    let reason = shown_reason(&row, admin);
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
        reason,
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
        _ if item.adjustment_id.is_some() => format!(
            "Taken back: {} (order #{})",
            item.adjustment_reason
                .as_deref()
                .unwrap_or("a refund after payout"),
            item.order_id.unwrap_or_default()
        ),
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

/// What a partner can do about a payout that did not go out (`held`: an admin holds it).
fn advice(status: Option<PayoutStatus>, held: bool) -> Option<String> {
    match status? {
        PayoutStatus::OnHold if held => Some(
            "Our team is reviewing this payout before it is sent; nothing is lost, and there is nothing for you to do.".into(),
        ),
        PayoutStatus::OnHold => Some(
            "Finish setting up payouts with Stripe (below the list on your payouts page). We send this payout as soon as Stripe can pay you; nothing is lost.".into(),
        ),
        PayoutStatus::Failed => Some(
            "Nothing was lost: these lines go into your next payout. If the reason names your account, check your payout settings with Stripe.".into(),
        ),
        PayoutStatus::Processing => Some(
            "We are waiting for Stripe to confirm this transfer. It is never sent twice; there is nothing to do.".into(),
        ),
        PayoutStatus::AwaitingApproval => Some(
            "Our team reviews each payout batch before it is sent; this one goes out once it is approved.".into(),
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
    let held = row.held_by.is_some();
    Ok(PayoutDetail {
        payout: listed(state, row, user.is_admin),
        lines,
        advice: advice(status, held),
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

/// The payouts waiting for an admin's approval, each with what makes it unusual, and the payouts
/// an admin held.
pub async fn approval_batch(state: &AppState) -> Result<ApprovalBatch, AppError> {
    let approval_on = crate::server::db::settings::get(&state.db)
        .await?
        .approve_payouts;
    let waiting = |status: &str| PayoutFilter {
        partner_id: None,
        status: Some(status.to_owned()),
    };
    // A batch is one run's payouts: a few thousand at most, shown whole so it can be approved whole.
    let awaiting = rows::page(&state.db, &waiting("awaiting_approval"), 0, 5000).await?;
    let mut total = 0;
    let mut lines = Vec::with_capacity(awaiting.len());
    let mut conn = state.db.acquire().await?;
    for row in awaiting {
        let (before, usual) =
            rows::history(&mut conn, row.partner_id, &row.payout_type, row.id).await?;
        let facts = rows::review_facts(&mut conn, row.id, row.partner_id).await?;
        let notes = crate::domain::controls::unusual(
            crate::domain::money::Cents(row.amount_cents),
            before,
            usual.map(crate::domain::money::Cents),
            facts.0,
            facts.1,
        );
        total += row.amount_cents;
        lines.push(ApprovalLine {
            payout: listed(state, row, true),
            notes,
        });
    }
    let held = rows::page(&state.db, &waiting("on_hold"), 0, 500)
        .await?
        .into_iter()
        .filter(|row| row.held_by.is_some())
        .map(|row| listed(state, row, true))
        .collect();
    Ok(ApprovalBatch {
        approval_on,
        lines,
        total: state.money(total),
        held,
    })
}
