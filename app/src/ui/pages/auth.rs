//! Sign-up, log-in and a forgotten password. All are plain forms posting to server functions, so
//! they work without JavaScript (errors come back through the URL); no page here loads any script.

use crate::api::account::{ForgotPassword, LogIn, ResetPassword, SignUp, get_reset_link};
use crate::dto::ResetLink;
use crate::ui::components::form::{Field, SubmitButton, action_error, field_error, form_error};
use crate::ui::components::notice::{ErrorBanner, ErrorView, encode_query_value};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    let florist = Resource::new(|| (), |_| crate::api::delivery::get_booking_florist());
    view! {
        <Title text="Create your account" />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold">"Create your account"</h1>
            <p class="mt-1 text-stone-600">"It takes a minute. You can order flowers straight after."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    florist.await.ok().flatten().map(|f| view! {
                        <p class="mt-3 rounded-md border border-rose-200 bg-rose-50 px-4 py-2 text-sm text-rose-900" data-testid="recommended-by">
                            {format!("Recommended by {}: your deliveries are offered to them first.", f.name)}
                        </p>
                    })
                })}
            </Suspense>
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
                <SubmitButton pending=action.pending().into() label="Create account" busy="Creating your account…" full=true />
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
                <p class="-mt-2 text-right text-sm"><a class="inline-block py-1 font-medium text-rose-700 underline" href="/forgot-password">"Forgot password?"</a></p>
                <SubmitButton pending=action.pending().into() label="Log in" busy="Logging in…" full=true />
                <p class="text-center text-sm text-stone-600">"New here? "<a class="font-medium text-rose-700 underline" href=with_next("/signup")>"Create an account"</a></p>
            </ActionForm>
        </section>
    }
}

/// "Forgot password?": one email field. After a post the page says the same thing whether or not
/// the email has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let message = action_error(action, "email");
    let sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    view! {
        <Title text="Forgot your password?" />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold">"Forgot your password?"</h1>
            {if sent {
                view! {
                    <div role="status" data-testid="reset-sent" class="mt-6 rounded-lg border border-emerald-200 bg-emerald-50 p-6 text-emerald-900">
                        <p class="font-medium">"Check your email."</p>
                        <p class="mt-2">"If an account has that email, we have sent it a link to choose a new password. The link works once, for one hour."</p>
                        <p class="mt-2 text-sm">"Nothing after a few minutes? Look in your spam folder, or "<a class="font-medium underline" href="/forgot-password">"try again"</a>"."</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <p class="mt-1 text-stone-600">"Enter the email you log in with and we will send you a link to choose a new password."</p>
                    <ActionForm action=action attr:class="mt-6 space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
                        {move || message.get().filter(|_| field_error(action, "email").get().is_none()).map(|m| view! { <ErrorBanner message=m /> })}
                        <Field label="Email" name="email" kind="email" autocomplete="username" required=true error=field_error(action, "email") />
                        <SubmitButton pending=action.pending().into() label="Email me a link" busy="Sending…" full=true />
                        <p class="text-center text-sm text-stone-600"><a class="font-medium text-rose-700 underline" href="/login">"Back to log in"</a></p>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// `/reset-password/<token>`: a new-password form while the link works, else why it does not.
/// The response carries `Referrer-Policy: no-referrer` (see http::middleware), so the token never
/// leaves in a Referer.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let link = Resource::new(|| (), {
        let token = token.clone();
        move |()| get_reset_link(token.clone())
    });
    view! {
        <Title text="Choose a new password" />
        <section class="mx-auto max-w-md">
            <h1 class="text-2xl font-semibold">"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Ok(ResetLink::Valid) => view! { <ResetForm action token /> }.into_any(),
                            Ok(other) => view! { <LinkProblem message=other.problem() /> }.into_any(),
                            Err(e) => view! { <ErrorView error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn ResetForm(action: ServerAction<ResetPassword>, token: String) -> impl IntoView {
    // A link used up by this very form (a second tab) reports on the `token` field.
    let general = action_error(action, "token");
    view! {
        <ActionForm action=action attr:class="mt-6 space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
            {move || general.get().filter(|_| field_error(action, "new_password").get().is_none()).map(|m| view! { <ErrorBanner message=m /> })}
            <input type="hidden" name="token" value=token />
            <Field label="New password" name="new_password" kind="password" autocomplete="new-password" required=true
                hint="At least 10 characters. A short sentence is easy to remember."
                error=field_error(action, "new_password") />
            <SubmitButton pending=action.pending().into() label="Set new password and log in" busy="Saving…" full=true />
            <p class="text-sm text-stone-600">"Every device signed in to your account will be signed out."</p>
        </ActionForm>
    }
}

#[component]
fn LinkProblem(message: &'static str) -> impl IntoView {
    view! {
        <div role="alert" data-testid="reset-link-problem" class="mt-6 rounded-lg border border-amber-200 bg-amber-50 p-6 text-amber-900">
            <p>{message}</p>
            <p class="mt-4"><a class="inline-block rounded-md bg-rose-700 px-4 py-2.5 font-medium text-white hover:bg-rose-800" href="/forgot-password">"Ask for a new link"</a></p>
        </div>
    }
}
