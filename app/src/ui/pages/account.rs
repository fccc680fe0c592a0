//! The account page: who is signed in, where to go next, and changing the password.

use crate::api::account::ChangePassword;
use crate::dto::AppError;
use crate::ui::ViewerResource;
use crate::ui::components::form::{Field, SubmitButton, field_error, form_error};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The customer's home: who they are and what they have ordered.
#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    view! {
        <Title text="Your account" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(user)) => view! {
                        <section class="space-y-6">
                            <div>
                                <h1 class="text-2xl font-semibold">"Hello, "{user.first_name.clone()}</h1>
                                <p class="text-stone-600">"Signed in as "{user.email.clone()}</p>
                            </div>
                            <div class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center">
                                <h2 class="font-medium">"Send flowers on the days that matter"</h2>
                                <p class="mt-1 text-sm text-stone-600">"Book one delivery, a prepaid plan or a subscription."</p>
                                <div class="mt-4 flex flex-wrap justify-center gap-3">
                                    <a href="/order" class="rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800">"Order flowers"</a>
                                    <a href="/orders" class="rounded-md border border-stone-300 px-4 py-2 font-medium hover:bg-stone-100">"Your orders"</a>
                                </div>
                            </div>
                            <PasswordForm />
                        </section>
                    }.into_any(),
                    Ok(None) => view! { <ErrorView error=AppError::Unauthenticated /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Current and new password. On success the page reloads with `?password=changed` and says so.
#[component]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let general = form_error(action, false);
    let changed = use_query_map().with_untracked(|q| q.get("password"));
    view! {
        <section aria-labelledby="password-heading" class="rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
            <h2 id="password-heading" class="font-medium">"Change your password"</h2>
            <p class="mt-1 text-sm text-stone-600">"Changing it signs you out on every other device."</p>
            {changed.map(|how| view! {
                <p role="status" data-testid="password-changed" class="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
                    {if how == "reset" {
                        "Your new password is set and you are logged in. Every other device has been signed out."
                    } else {
                        "Your password was changed. Every other device has been signed out."
                    }}
                </p>
            })}
            <ActionForm action=action attr:class="mt-4 max-w-md space-y-4" attr:novalidate=true>
                {move || general.get().map(|m| view! { <ErrorBanner message=m /> })}
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" required=true
                    error=field_error(action, "current_password") />
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" required=true
                    hint="At least 10 characters. A short sentence is easy to remember."
                    error=field_error(action, "new_password") />
                <SubmitButton pending=action.pending().into() label="Change password" busy="Changing…" />
            </ActionForm>
        </section>
    }
}
