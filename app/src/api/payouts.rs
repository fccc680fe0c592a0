//! Payouts: the partner's list and detail, the admin list and "retry now". (Onboarding with
//! Stripe is a set of plain links and form posts in `http::payouts`: each one redirects.)

use crate::dto::AppError;
use crate::dto::payouts::{AdminPayouts, PartnerPayouts, PayoutDetail};
use leptos::prelude::*;

#[server(endpoint = "payouts/mine")]
pub async fn get_my_payouts(page: Option<i64>) -> Result<PartnerPayouts, AppError> {
    use crate::server::{context, services::payout_views};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            payout_views::partner_payouts(&state, &user, page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "payouts/detail")]
pub async fn get_payout(id: i64) -> Result<PayoutDetail, AppError> {
    use crate::server::{context, services::payout_views};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            payout_views::detail(&state, &user, id).await
        }
        .await,
    )
}

#[server(endpoint = "admin/payouts")]
pub async fn list_payouts(
    status: Option<String>,
    page: Option<i64>,
) -> Result<AdminPayouts, AppError> {
    use crate::server::{context, services::payout_views};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            payout_views::admin_payouts(&state, status.as_deref(), page.unwrap_or(1)).await
        }
        .await,
    )
}

/// An admin's "retry now" on a held, failed or unconfirmed payout. Answers what happened.
#[server(endpoint = "admin/payouts/retry")]
pub async fn retry_payout(id: i64) -> Result<String, AppError> {
    use crate::server::context;
    use crate::server::services::payouts::{self, Settled};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            let message = match payouts::retry(&state, &actor, id, chrono::Utc::now()).await? {
                Settled::Completed(cents) => format!("Sent {}.", state.money(cents)),
                Settled::Failed => "Stripe refused it again; the reason is on the payout.".into(),
                Settled::Held => "Still on hold: the partner's account cannot be paid yet.".into(),
                Settled::Unknown => {
                    "No definite answer from Stripe yet; it is checked again on the next run."
                        .into()
                }
                Settled::Untouched => "Nothing to do: it was settled meanwhile.".into(),
            };
            context::redirect_form_post(&format!("/admin/payouts?retried={id}"));
            Ok(message)
        }
        .await,
    )
}
