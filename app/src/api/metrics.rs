//! Revenue metrics per period: the signed-in partner's, and the program's for admins.

use crate::dto::AppError;
use crate::dto::metrics::{PeriodNumbers, ProgramMetrics};
use leptos::prelude::*;

/// The signed-in partner's numbers for `period` ("this_month" when absent; `from`/`to` for
/// "custom").
#[server(endpoint = "partner/metrics")]
pub async fn get_my_metrics(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<PeriodNumbers, AppError> {
    use crate::server::{context, services::metrics};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            let partner = user.partner_id.ok_or(AppError::NotFound)?;
            let pick = metrics::Pick { period, from, to };
            metrics::partner_metrics(&state, partner, &pick, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(endpoint = "admin/metrics")]
pub async fn get_program_metrics(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<ProgramMetrics, AppError> {
    use crate::server::{context, services::metrics};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            let pick = metrics::Pick { period, from, to };
            metrics::program_metrics(&state, &pick, chrono::Utc::now()).await
        }
        .await,
    )
}
