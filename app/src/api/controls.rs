//! Payout controls: the approval batch (approve, hold), partners' ledgers, the activity log and
//! risk flags.

use crate::dto::AppError;
use crate::dto::controls::{Activity, ApprovalBatch, Ledger, RiskFlagLine};
use leptos::prelude::*;

#[server(endpoint = "admin/payouts/approval")]
pub async fn get_approval_batch() -> Result<ApprovalBatch, AppError> {
    use crate::server::{context, services::payout_views};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            payout_views::approval_batch(&state).await
        }
        .await,
    )
}

/// Approves one payout (`id`), or the batch awaiting approval as the page showed it (`up_to`: its
/// highest payout id), and sends them. Answers what happened.
#[server(endpoint = "admin/payouts/approve")]
pub async fn approve_payouts(
    #[server(default)] id: Option<i64>,
    #[server(default)] up_to: Option<i64>,
) -> Result<String, AppError> {
    use crate::server::{
        context,
        services::payouts::{self, Approval},
    };
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            let one = id.map(|id| [id]);
            let which = match (&one, up_to) {
                (Some(one), _) => Approval::These(one),
                (None, Some(last)) => Approval::BatchUpTo(last),
                (None, None) => {
                    return Err(AppError::field(
                        "payout",
                        "Choose at least one payout to approve.",
                    ));
                }
            };
            let done = payouts::approve(&state, &actor, which, chrono::Utc::now()).await?;
            context::redirect_form_post(&format!(
                "/admin/payouts/approval?approved={}&sent={}",
                done.approved, done.sent
            ));
            Ok(format!(
                "Approved {} payout{}; {} sent.",
                done.approved,
                if done.approved == 1 { "" } else { "s" },
                done.sent
            ))
        }
        .await,
    )
}

#[server(endpoint = "admin/payouts/hold")]
pub async fn hold_payout(id: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::server::{context, services::payouts};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            payouts::hold(&state, &actor, id, &reason, chrono::Utc::now()).await?;
            context::redirect_form_post("/admin/payouts/approval?held=1");
            Ok(())
        }
        .await,
    )
}

/// The signed-in partner's own ledger.
#[server(endpoint = "partner/ledger")]
pub async fn get_my_ledger(page: Option<i64>) -> Result<Ledger, AppError> {
    use crate::server::{context, services::ledger};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            let partner = user.partner_id.ok_or(AppError::NotFound)?;
            ledger::ledger(&state, partner, page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/ledger")]
pub async fn get_partner_ledger(partner_id: i64, page: Option<i64>) -> Result<Ledger, AppError> {
    use crate::server::{context, services::ledger};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            ledger::ledger(&state, partner_id, page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/activity")]
pub async fn get_activity(
    action: Option<String>,
    partner_id: Option<i64>,
    by: Option<String>,
    page: Option<i64>,
) -> Result<Activity, AppError> {
    use crate::server::{context, services::activity};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            let filter = activity::filter(action, partner_id, by.as_deref());
            activity::activity(&state, filter, page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/risk")]
pub async fn list_risk_flags(partner_id: Option<i64>) -> Result<Vec<RiskFlagLine>, AppError> {
    use crate::server::{context, services::risk};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            risk::list(&state, partner_id).await
        }
        .await,
    )
}

/// `decision`: `clear` (the held commissions continue) or `confirm` (they are rejected and the
/// partner suspended).
#[server(endpoint = "admin/risk/resolve")]
pub async fn resolve_risk_flag(id: i64, decision: String) -> Result<(), AppError> {
    use crate::server::{context, services::risk};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            let decision = risk::Decision::parse(&decision)
                .ok_or_else(|| AppError::field("decision", "Choose clear or confirm."))?;
            risk::resolve(&state, &actor, id, decision).await?;
            context::redirect_form_post("/admin/risk?resolved=1");
            Ok(())
        }
        .await,
    )
}
