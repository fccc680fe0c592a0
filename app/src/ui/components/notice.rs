//! Showing an [`AppError`] on a page: log-in redirects, 404s and friendly messages.

use crate::dto::AppError;
use crate::ui::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Renders what a page should show when loading its data failed.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => {
            let location = use_location();
            // The router's `search` has no leading `?`: without it `/order?code=X` came back as `/ordercode=X`.
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!("{}?{search}", location.pathname.get_untracked())
            };
            let login = format!("/login?next={}", encode_query_value(&here));
            crate::ui::status::see_other(&login);
            view! {
                <p class="text-center">
                    "Please "<a class="font-medium text-rose-700 underline" href=login>"log in"</a>" to see this page."
                </p>
            }
            .into_any()
        }
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        other => view! { <ErrorBanner message=other.to_string() /> }.into_any(),
    }
}

/// A red box that screen readers announce.
#[component]
pub fn ErrorBanner(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
            {message}
        </div>
    }
}

/// Percent-encodes the characters that would break out of a query parameter value.
pub fn encode_query_value(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '&' => "%26".to_owned(),
            '=' => "%3D".to_owned(),
            '?' => "%3F".to_owned(),
            '#' => "%23".to_owned(),
            ' ' => "%20".to_owned(),
            '+' => "%2B".to_owned(),
            '%' => "%25".to_owned(),
            c => c.to_string(),
        })
        .collect()
}
