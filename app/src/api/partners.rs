//! The partner program: registration, the partner dashboard, discount codes at checkout, and the
//! admin pages for partners and commissions.
// `register_partner` takes one argument per form field (a florist's shop and areas included), so a
// plain HTML form posts to it without JS; the lint fires on the client function `#[server]`
// generates, where an item-level allow cannot reach.
#![allow(clippy::too_many_arguments)]

use crate::dto::AppError;
use crate::dto::Paged;
use crate::dto::delivery::AreaField;
use crate::dto::orders::CheckoutTotals;
use crate::dto::partners::{
    AdminPartnerDetail, AdminPartnerRow, CodeCheck, CommissionLine, PartnerDashboard,
};
use leptos::prelude::*;

/// Creates the user, the partner (pending) and its discount code in one transaction, then signs
/// the partner in and sends them to their dashboard.
#[server(endpoint = "partners/register")]
pub async fn register_partner(
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    business_name: String,
    #[server(default)] phone: String,
    partner_type: String,
    #[server(default)] booking_slug: String,
    #[server(default)] street_address: String,
    #[server(default)] suburb: String,
    #[server(default)] city: String,
    #[server(default)] state: String,
    #[server(default)] postcode: String,
    #[server(default)] country: String,
    #[server(default)] areas: Vec<AreaField>,
) -> Result<(), AppError> {
    use crate::domain::delivery::ShopAddress;
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let app = context::app_state()?;
            app.limits.signup.check(&context::client_key())?;
            let form = partners::Registration {
                email,
                password,
                first_name,
                last_name,
                business_name,
                phone,
                partner_type,
                florist: partners::FloristForm {
                    booking_slug,
                    address: ShopAddress {
                        street_address,
                        suburb,
                        city,
                        state,
                        postcode,
                        country,
                    },
                    areas: areas.iter().map(AreaField::to_input).collect(),
                },
            };
            let user_id = partners::register(&app, &form).await?;
            context::start_session(user_id).await?;
            leptos_axum::redirect("/partner/dashboard");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "partners/dashboard")]
pub async fn get_partner_dashboard(
    status: Option<String>,
    page: Option<i64>,
) -> Result<PartnerDashboard, AppError> {
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            partners::dashboard(&state, &user, status.as_deref(), page.unwrap_or(1)).await
        }
        .await,
    )
}

/// The signed-in partner turns commission mails (approved, rejected) on or off.
#[server(endpoint = "partners/commission-emails")]
pub async fn set_commission_emails(on: bool) -> Result<(), AppError> {
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            partners::set_commission_emails(&state, &user, on).await?;
            leptos_axum::redirect("/partner/dashboard#emails");
            Ok(())
        }
        .await,
    )
}

/// Checks a code for the signed-in customer: exists and active, partner active, no paid order yet,
/// not their own. Each failure is a `code` field error with its own message.
#[server(endpoint = "partners/check-code")]
pub async fn check_discount_code(code: String) -> Result<CodeCheck, AppError> {
    use crate::server::{context, services::discounts};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            context::limit_code_attempts(&state, &user)?;
            discounts::check(&state, &user, &code).await
        }
        .await,
    )
}

/// Applies a code to an unpaid order (replacing any other code on it). A form post returns to
/// checkout; the checkout island gets the new totals.
#[server(endpoint = "orders/apply-code")]
pub async fn apply_discount_code(order_id: i64, code: String) -> Result<CheckoutTotals, AppError> {
    use crate::server::{context, services::discounts, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            context::limit_code_attempts(&state, &user)?;
            discounts::apply(&state, &user, order_id, &code).await?;
            context::redirect_form_post(&format!("/checkout/{order_id}"));
            orders::totals(&state, &user, order_id).await
        }
        .await,
    )
}

/// Takes the code off an unpaid order; answers like [`apply_discount_code`].
#[server(endpoint = "orders/remove-code")]
pub async fn remove_discount_code(order_id: i64) -> Result<CheckoutTotals, AppError> {
    use crate::server::{context, services::discounts, services::orders};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            discounts::remove(&state, &user, order_id).await?;
            context::redirect_form_post(&format!("/checkout/{order_id}"));
            orders::totals(&state, &user, order_id).await
        }
        .await,
    )
}

#[server(endpoint = "admin/partners")]
pub async fn list_partners(
    partner_type: Option<String>,
    status: Option<String>,
    q: Option<String>,
    page: Option<i64>,
) -> Result<Paged<AdminPartnerRow>, AppError> {
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            partners::admin_list(&state, partner_type, status, q, page.unwrap_or(1)).await
        }
        .await,
    )
}

#[server(endpoint = "admin/partner")]
pub async fn get_admin_partner(partner_id: i64) -> Result<AdminPartnerDetail, AppError> {
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            partners::admin_detail(&state, partner_id).await
        }
        .await,
    )
}

/// `action`: `approve` (pending → active), `suspend` (active → suspended; the code stops working at
/// once) or `reactivate` (suspended → active).
#[server(endpoint = "admin/partner/status")]
pub async fn set_partner_status(partner_id: i64, action: String) -> Result<(), AppError> {
    use crate::server::{context, services::partners};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            partners::change_status(&state, &actor, partner_id, &action).await?;
            leptos_axum::redirect(&format!("/admin/partners/{partner_id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin/commissions")]
pub async fn list_commissions(
    status: Option<String>,
    partner_id: Option<i64>,
    page: Option<i64>,
) -> Result<Paged<CommissionLine>, AppError> {
    use crate::server::{context, services::commissions};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            commissions::admin_list(&state, status, partner_id, page.unwrap_or(1)).await
        }
        .await,
    )
}

/// Approves one commission (`commission_id`), or every pending commission matching the filter
/// (`partner_id`, or all) when `commission_id` is absent.
#[server(endpoint = "admin/commissions/approve")]
pub async fn approve_commissions(
    #[server(default)] commission_id: Option<i64>,
    #[server(default)] partner_id: Option<i64>,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::server::{context, services::commissions};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            commissions::approve(&state, &actor, commission_id, partner_id).await?;
            leptos_axum::redirect(&context::safe_next(Some(&back), "/admin/commissions"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin/commissions/reject")]
pub async fn reject_commission(
    commission_id: i64,
    #[server(default)] reason: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::server::{context, services::commissions};
    context::respond(
        async {
            let state = context::app_state()?;
            let actor = context::require_admin_actor()?;
            commissions::reject(&state, &actor, commission_id, &reason).await?;
            leptos_axum::redirect(&context::safe_next(Some(&back), "/admin/commissions"));
            Ok(())
        }
        .await,
    )
}
