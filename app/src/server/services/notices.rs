//! Which mail each cause sends, and under which dedupe key. Every function here queues on the
//! caller's connection, inside the transaction of the change it tells about.
//!
//! Dedupe keys name the cause, so a cause replayed (a webhook delivered twice, a job re-run) never
//! queues a second mail: `order-confirmation:<order>`, `refund:<payment>`,
//! `partner-application:<partner>`, `partner-<status>:<partner>:<time>` (a status can be entered
//! more than once; the conditional status change already makes each transition happen once),
//! `commissions-approved:<partner>:<first id>-<last id>:<count>`, `commission-rejected:<commission>`,
//! `password-reset:<user>:<token id>`.

use crate::domain::money::Cents;
use crate::domain::partner::NewPartner;
use crate::server::context::Settings;
use crate::server::db::partners::PartnerRow;
use crate::server::db::{DbConn, commissions, events, orders, partners, payments, users};
use crate::server::mail::{self, render};
use crate::server::services::outbox;
use chrono::{DateTime, Utc};

fn dashboard_url(settings: &Settings) -> String {
    format!("{}/partner/dashboard", settings.site_url)
}

/// "We received your application" to a new partner.
pub async fn partner_application(
    conn: &mut DbConn,
    settings: &Settings,
    partner_id: i64,
    partner: &NewPartner,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mail = render(
        &partner.account.first_name,
        &mail::PartnerApplication {
            business_name: partner.business_name.clone(),
            partner_type: partner.partner_type.label().to_owned(),
            dashboard_url: dashboard_url(settings),
        },
    );
    outbox::queue(
        conn,
        format!("partner-application:{partner_id}"),
        &partner.account.email,
        mail,
        now,
    )
    .await
}

/// The partner's status changed to `to` (`active` or `suspended`; `pending` sends nothing).
pub async fn partner_status(
    conn: &mut DbConn,
    settings: &Settings,
    partner: &PartnerRow,
    to: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mail = match to {
        "active" => {
            let code = partner.code.as_ref().map(|c| c.to_uppercase());
            render(
                &partner.first_name,
                &mail::PartnerApproved {
                    business_name: partner.business_name.clone(),
                    share_url: code
                        .as_ref()
                        .map(|c| format!("{}/order?code={c}", settings.site_url)),
                    code,
                    dashboard_url: dashboard_url(settings),
                },
            )
        }
        "suspended" => render(
            &partner.first_name,
            &mail::PartnerSuspended {
                business_name: partner.business_name.clone(),
            },
        ),
        _ => return Ok(false),
    };
    let key = format!(
        "partner-{to}:{}:{}",
        partner.id,
        now.timestamp_nanos_opt().unwrap_or_default()
    );
    outbox::queue(conn, key, &partner.email, mail, now).await
}

/// "Your order is confirmed" once an order's first payment has settled: plan, amount paid and the
/// deliveries scheduled so far. One per order, whichever payment path got there.
pub async fn order_confirmation(
    conn: &mut DbConn,
    settings: &Settings,
    order: &orders::OrderRow,
    amount_paid_cents: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(customer) = users::find(&mut *conn, order.user_id).await? else {
        return Ok(false);
    };
    let deliveries = events::list_for_order(&mut *conn, order.id)
        .await?
        .into_iter()
        .filter(|e| e.status == "scheduled")
        .map(|e| crate::server::services::orders::human_date(e.delivery_date))
        .collect();
    let money = |cents| settings.money(cents);
    let mail = render(
        &customer.first_name,
        &mail::OrderConfirmation {
            order_id: order.id,
            plan: crate::server::services::orders::title(order),
            amount_paid: money(amount_paid_cents),
            discount: (order.discount_cents > 0)
                .then(|| format!("-{}", money(order.discount_cents))),
            deliveries,
            orders_url: format!("{}/orders", settings.site_url),
        },
    );
    outbox::queue(
        conn,
        format!("order-confirmation:{}", order.id),
        &customer.email,
        mail,
        now,
    )
    .await
}

/// "We refunded your payment" for a full refund (not for a lost dispute: the customer's bank
/// already told them).
pub async fn refund(
    conn: &mut DbConn,
    settings: &Settings,
    payment: &payments::PaymentRow,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(customer) = users::find(&mut *conn, payment.user_id).await? else {
        return Ok(false);
    };
    let mail = render(
        &customer.first_name,
        &mail::RefundNotice {
            order_id: payment.order_id,
            amount: Cents(payment.amount_cents).display(&payment.currency),
            orders_url: format!("{}/orders", settings.site_url),
        },
    );
    outbox::queue(
        conn,
        format!("refund:{}", payment.id),
        &customer.email,
        mail,
        now,
    )
    .await
}

/// The partner, if they still want commission-review mails (they can turn them off).
async fn wanting_commission_mail(
    conn: &mut DbConn,
    partner_id: i64,
) -> sqlx::Result<Option<PartnerRow>> {
    Ok(partners::find(&mut *conn, partner_id)
        .await?
        .filter(|partner| partner.email_commissions))
}

/// One mail for the commissions of `partner_id` approved in one review (one click approves one or
/// all), unless the partner turned commission mails off.
pub async fn commissions_approved(
    conn: &mut DbConn,
    settings: &Settings,
    partner_id: i64,
    approved: &[&commissions::Approved],
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let (Some(first), Some(last)) = (approved.first(), approved.last()) else {
        return Ok(false);
    };
    let Some(partner) = wanting_commission_mail(conn, partner_id).await? else {
        return Ok(false);
    };
    let total: i64 = approved.iter().map(|c| c.amount_cents).sum();
    let mail = render(
        &partner.first_name,
        &mail::CommissionsApproved {
            count: approved.len(),
            total: settings.money(total),
            dashboard_url: dashboard_url(settings),
        },
    );
    // Ids are approved once each, so first, last and count name this review.
    let key = format!(
        "commissions-approved:{partner_id}:{}-{}:{}",
        first.id,
        last.id,
        approved.len()
    );
    outbox::queue(conn, key, &partner.email, mail, now).await
}

/// "A commission was not approved", with the admin's reason, unless commission mails are off.
pub async fn commission_rejected(
    conn: &mut DbConn,
    settings: &Settings,
    commission_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(commission) = commissions::find(&mut *conn, commission_id).await? else {
        return Ok(false);
    };
    let Some(partner) = wanting_commission_mail(conn, commission.partner_id).await? else {
        return Ok(false);
    };
    let money = |cents| settings.money(cents);
    let mail = render(
        &partner.first_name,
        &mail::CommissionRejected {
            amount: money(commission.amount_cents),
            payment: match (commission.order_id, commission.payment_cents) {
                (Some(order), Some(cents)) => format!("Order #{order} ({})", money(cents)),
                _ => "A referral".to_owned(),
            },
            reason: commission.note.clone(),
            dashboard_url: dashboard_url(settings),
        },
    );
    outbox::queue(
        conn,
        format!("commission-rejected:{commission_id}"),
        &partner.email,
        mail,
        now,
    )
    .await
}

/// "Your payout is on its way" to the partner, once per payout (`payout-sent:<payout>`).
pub async fn payout_sent(
    conn: &mut DbConn,
    settings: &Settings,
    payout: &crate::server::db::payouts::PayoutRow,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(partner) = partners::find(&mut *conn, payout.partner_id).await? else {
        return Ok(false);
    };
    let kind = crate::domain::payout::PayoutType::parse(&payout.payout_type)
        .map_or("Payout", |k| k.label());
    let mail = render(
        &partner.first_name,
        &mail::PayoutSent {
            amount: settings.money(payout.amount_cents),
            kind: kind.to_owned(),
            items: payout.items,
            payout_url: format!("{}/partner/payouts/{}", settings.site_url, payout.id),
        },
    );
    outbox::queue(
        conn,
        format!("payout-sent:{}", payout.id),
        &partner.email,
        mail,
        now,
    )
    .await
}

/// "We could not send your payout" when the partner's account is the reason: a held payout
/// (`payout-held:<payout>`) or one Stripe refused (`payout-failed:<payout>`), once each.
pub async fn payout_problem(
    conn: &mut DbConn,
    settings: &Settings,
    payout: &crate::server::db::payouts::PayoutRow,
    reason: &str,
    held: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(partner) = partners::find(&mut *conn, payout.partner_id).await? else {
        return Ok(false);
    };
    let mail = render(
        &partner.first_name,
        &mail::PayoutProblem {
            amount: settings.money(payout.amount_cents),
            held,
            reason: reason.to_owned(),
            setup_url: format!("{}/partner/payouts", settings.site_url),
        },
    );
    let key = if held { "payout-held" } else { "payout-failed" };
    outbox::queue(
        conn,
        format!("{key}:{}", payout.id),
        &partner.email,
        mail,
        now,
    )
    .await
}
