//! Sign-up, log-in, log-out and "who am I".

use crate::dto::{AppError, Viewer};
use leptos::prelude::*;

/// The signed-in user, or `None` for visitors.
#[server(endpoint = "account/viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    Ok(crate::server::context::current_user().map(|u| u.to_viewer()))
}

/// Creates a customer account and signs it in. `next` is where to go afterwards (same-site paths only).
#[server(endpoint = "account/signup")]
pub async fn sign_up(
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{context, services::accounts};
    context::respond(
        async {
            let state = context::app_state()?;
            state.limits.signup.check(&context::client_key())?;
            let user_id = accounts::sign_up(
                &state,
                &email,
                &password,
                &first_name,
                &last_name,
                context::booking_partner(),
            )
            .await?;
            context::start_session(user_id).await?;
            leptos_axum::redirect(&context::safe_next(next.as_deref(), "/account"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "account/login")]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{context, services::accounts};
    context::respond(
        async {
            let state = context::app_state()?;
            // Per address across emails (one guesser, many accounts) and per account across
            // addresses (many guessers, one account). A malformed email is refused before any
            // password check, so it needs no account bucket.
            state.limits.login_per_ip.check(&context::client_key())?;
            if let Ok(account) = crate::domain::account::normalize_email(&email) {
                state.limits.login_per_account.check(&account)?;
            }
            let user = accounts::authenticate(&state, &email, &password).await?;
            context::start_session(user.id).await?;
            let home = if user.is_admin { "/admin" } else { "/account" };
            leptos_axum::redirect(&context::safe_next(next.as_deref(), home));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "account/logout")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::server::context;
    context::respond(
        async {
            context::end_session().await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Changes the signed-in user's password. Every other session of the user ends; this one goes on
/// under a new session id. Attempts count against the account's log-in limit, so a borrowed session
/// cannot be used to guess the current password.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{context, services::accounts};
    context::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_user()?;
            state.limits.login_per_account.check(&user.email)?;
            accounts::change_password(&state, &user, &current_password, &new_password).await?;
            context::start_session(user.id).await?;
            leptos_axum::redirect("/account?password=changed");
            Ok(())
        }
        .await,
    )
}

/// "Forgot password?": emails a reset link if an account has this email. The answer (a redirect to
/// `/forgot-password?sent=1`) and its timing are the same either way.
#[server(endpoint = "account/forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::server::{context, services::password_reset};
    context::respond(
        async {
            let state = context::app_state()?;
            state.limits.reset_per_ip.check(&context::client_key())?;
            if let Ok(account) = crate::domain::account::normalize_email(&email) {
                state.limits.reset_per_email.check(&account)?;
            }
            password_reset::request(&state, &email).await?;
            leptos_axum::redirect("/forgot-password?sent=1");
            Ok(())
        }
        .await,
    )
}

/// Whether a reset link can still be used (for its page).
#[server(endpoint = "account/reset-link")]
pub async fn get_reset_link(token: String) -> Result<crate::dto::ResetLink, AppError> {
    use crate::server::{context, services::password_reset};
    context::respond(
        async {
            let state = context::app_state()?;
            state.limits.token_pages.check(&context::client_key())?;
            password_reset::check(&state, &token).await
        }
        .await,
    )
}

/// Sets a new password from a reset link, ends every session of the user and signs this browser
/// in. The link's page sends no Referer (it holds the token), so a failed form post is sent back
/// to the page explicitly rather than by Leptos' Referer redirect.
#[server(endpoint = "account/reset-password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server::{context, services::password_reset};
    let result = async {
        let state = context::app_state()?;
        state.limits.token_pages.check(&context::client_key())?;
        let user_id = password_reset::reset(&state, &token, &new_password).await?;
        context::start_session(user_id).await?;
        leptos_axum::redirect("/account?password=reset");
        Ok(())
    }
    .await;
    if let Err(error) = &result {
        context::redirect_form_error::<ResetPassword>(&format!("/reset-password/{token}"), error);
    }
    context::respond(result)
}
