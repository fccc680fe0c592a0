//! Sign-up and log-in. Both are plain forms posting to server functions, so they work without
//! JavaScript (errors come back through the URL); neither page loads any script.

use crate::api::account::{LogIn, SignUp};
use crate::ui::components::form::{Field, field_error, form_error};
use crate::ui::components::notice::{ErrorBanner, encode_query_value};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The `next` query parameter, carried through the form so the user lands where they were going.
fn next_param() -> Option<String> {
    use_query_map().with_untracked(|q| q.get("next"))
}

/// `page` with the same `next`, so switching between log-in and sign-up keeps the destination
/// (a partner's share link must survive either).
fn with_next(page: &str) -> String {
    match next_param() {
        Some(next) => format!("{page}?next={}", encode_query_value(&next)),
        None => page.to_owned(),
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let general = form_error(action, false);
    view! {
        <Title text="Create your account" />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold">"Create your account"</h1>
            <p class="mt-1 text-stone-600">"It takes a minute. You can order flowers straight after."</p>
            <ActionForm action=action attr:class="mt-6 space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
                {move || general.get().map(|m| view! { <ErrorBanner message=m /> })}
                <input type="hidden" name="next" value=next_param() />
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field label="First name" name="first_name" autocomplete="given-name" required=true error=field_error(action, "first_name") />
                    <Field label="Last name" name="last_name" autocomplete="family-name" required=true error=field_error(action, "last_name") />
                </div>
                <Field label="Email" name="email" kind="email" autocomplete="email" required=true error=field_error(action, "email") />
                <Field label="Password" name="password" kind="password" autocomplete="new-password" required=true
                    hint="At least 10 characters. A short sentence is easy to remember."
                    error=field_error(action, "password") />
                <button type="submit" class="w-full rounded-md bg-rose-700 px-4 py-2.5 font-medium text-white hover:bg-rose-800 disabled:opacity-60"
                    disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                </button>
                <p class="text-center text-sm text-stone-600">"Already have an account? "<a class="font-medium text-rose-700 underline" href=with_next("/login")>"Log in"</a></p>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let message = form_error(action, true);
    view! {
        <Title text="Log in" />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold">"Log in"</h1>
            <ActionForm action=action attr:class="mt-6 space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
                {move || message.get().map(|m| view! { <ErrorBanner message=m /> })}
                <input type="hidden" name="next" value=next_param() />
                <Field label="Email" name="email" kind="email" autocomplete="username" required=true error=field_error(action, "email") />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" required=true error=field_error(action, "password") />
                <button type="submit" class="w-full rounded-md bg-rose-700 px-4 py-2.5 font-medium text-white hover:bg-rose-800 disabled:opacity-60"
                    disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
                <p class="text-center text-sm text-stone-600">"New here? "<a class="font-medium text-rose-700 underline" href=with_next("/signup")>"Create an account"</a></p>
            </ActionForm>
        </section>
    }
}
