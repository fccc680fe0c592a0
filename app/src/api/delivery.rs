//! Delivery florists: booking links, slug checks, the request page, the florist's areas and pause,
//! and the admin "needs a florist" queue. (The request page's answers are plain form posts to
//! `…/respond`, handled in `http::deliveries`, because a delivery photo is too big for a server
//! function's body limit.)

use crate::dto::delivery::{AreaField, BookingFlorist, NeedsFlorist, RequestPage, SlugCheck};
use crate::dto::{AppError, Paged};
use leptos::prelude::*;

/// The florist a booking slug names (id and shop name), or `None`: an unknown slug is no error.
#[server(endpoint = "florists/resolve", input = server_fn::codec::GetUrl)]
pub async fn resolve_booking_slug(slug: String) -> Result<Option<BookingFlorist>, AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            florists::resolve_slug(&state, &slug).await
        }
        .await,
    )
}

/// The florist whose booking link this visitor followed ("Recommended by …" on sign-up).
#[server(endpoint = "florists/booking")]
pub async fn get_booking_florist() -> Result<Option<BookingFlorist>, AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            match context::booking_partner() {
                Some(id) => florists::booking_florist(&state, id).await,
                None => Ok(None),
            }
        }
        .await,
    )
}

/// Is this booking slug well-formed and free? (Checked again when the form is sent.)
#[server(endpoint = "florists/check-slug")]
pub async fn check_booking_slug(slug: String) -> Result<SlugCheck, AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            florists::check_slug(&state, &slug).await
        }
        .await,
    )
}

/// A delivery request page: by its emailed link (`token`), or by id for its signed-in florist.
#[server(endpoint = "florists/request")]
pub async fn get_delivery_request(
    token: Option<String>,
    id: Option<i64>,
) -> Result<RequestPage, AppError> {
    use crate::server::context;
    use crate::server::services::deliveries::{self, Key};
    context::respond(
        async {
            let state = context::app_state()?;
            let key = match (token, id) {
                (Some(token), _) => {
                    state.limits.delivery_pages.check(&context::client_key())?;
                    Key::Token(token)
                }
                (None, Some(id)) => Key::Owner {
                    id,
                    user_id: context::require_user()?.id,
                },
                (None, None) => return Err(AppError::NotFound),
            };
            deliveries::page(&state, &key, chrono::Utc::now()).await
        }
        .await,
    )
}

/// The signed-in florist replaces their service areas.
#[server(endpoint = "florists/areas")]
pub async fn set_service_areas(#[server(default)] areas: Vec<AreaField>) -> Result<(), AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            let rows: Vec<_> = areas.iter().map(AreaField::to_input).collect();
            florists::set_areas(&state, &user, &rows).await?;
            leptos_axum::redirect("/partner/dashboard#areas");
            Ok(())
        }
        .await,
    )
}

/// The signed-in florist pauses until a date, or resumes (an empty date).
#[server(endpoint = "florists/pause")]
pub async fn set_pause(#[server(default)] paused_until: String) -> Result<(), AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            florists::set_pause(&state, &user, &paused_until).await?;
            leptos_axum::redirect("/partner/dashboard#pause");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin/needs-florist")]
pub async fn list_needs_florist(page: Option<i64>) -> Result<Paged<NeedsFlorist>, AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            context::require_admin()?;
            florists::queue(&state, page.unwrap_or(1)).await
        }
        .await,
    )
}

/// An admin gives a waiting delivery to a florist (who gets the request by mail).
#[server(endpoint = "admin/assign-florist")]
pub async fn assign_florist(event_id: i64, partner_id: i64) -> Result<(), AppError> {
    use crate::server::{context, services::florists};
    context::respond(
        async {
            let state = context::app_state()?;
            let admin = context::require_admin()?;
            florists::assign(&state, &context::actor(&admin), event_id, partner_id).await?;
            leptos_axum::redirect("/admin/deliveries");
            Ok(())
        }
        .await,
    )
}
