//! Program settings: the terms partners see, and the admin page that changes them.

use crate::dto::AppError;
use crate::dto::partners::{ProgramSettings, ProgramTerms};
use leptos::prelude::*;

/// What partners earn and customers save: public, for the partner sign-up page.
#[server(endpoint = "program/terms")]
pub async fn get_program_terms() -> Result<ProgramTerms, AppError> {
    use crate::server::{context, services::settings};
    context::respond(
        async {
            let state = context::app_state()?;
            settings::program_terms(&state).await
        }
        .await,
    )
}

#[server(endpoint = "admin/settings")]
pub async fn get_program_settings() -> Result<ProgramSettings, AppError> {
    use crate::server::{context, services::settings};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            settings::program_settings(&state).await
        }
        .await,
    )
}

/// `rate` in percent ("5", "7.5"), `discount` and `minimum` as amounts ("5.00"), the holding
/// period in days; `approve_payouts` is the checkbox ("on" when ticked). Reaches commissions,
/// checkouts and payout runs from now on; partners with their own terms keep them.
#[server(endpoint = "admin/settings/update")]
pub async fn update_program_settings(
    rate: String,
    discount: String,
    #[server(default)] holding_days: String,
    #[server(default)] minimum: String,
    #[server(default)] approve_payouts: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{context, services::settings};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            let form = settings::ProgramForm {
                rate,
                discount,
                holding_days,
                minimum,
                approve_payouts: approve_payouts.is_some(),
            };
            settings::update_program(&state, &actor, &form).await?;
            leptos_axum::redirect("/admin/settings?saved=1");
            Ok(())
        }
        .await,
    )
}

/// A partner's own rate and discount; an empty field returns that term to the program setting.
#[server(endpoint = "admin/partner/terms")]
pub async fn set_partner_terms(
    partner_id: i64,
    #[server(default)] rate: String,
    #[server(default)] discount: String,
    #[server(default)] holding_days: String,
    #[server(default)] minimum: String,
) -> Result<(), AppError> {
    use crate::server::{context, services::settings};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            let form = settings::TermsForm {
                rate,
                discount,
                holding_days,
                minimum,
            };
            settings::update_partner(&state, &actor, partner_id, &form).await?;
            leptos_axum::redirect(&format!("/admin/partners/{partner_id}?terms=saved"));
            Ok(())
        }
        .await,
    )
}
