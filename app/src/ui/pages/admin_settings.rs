//! Admin: the partner program's settings (referral rate and new-customer discount).

use crate::api::settings::{UpdateProgramSettings, get_program_settings};
use crate::dto::partners::ProgramSettings;
use crate::ui::components::form::{Field, SubmitButton, field_error, form_error};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let action = ServerAction::<UpdateProgramSettings>::new();
    let settings = Resource::new(move || action.version().get(), |_| get_program_settings());
    view! {
        <Title text="Program settings · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! { <SettingsForm s action /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(s: ProgramSettings, action: ServerAction<UpdateProgramSettings>) -> impl IntoView {
    let general = form_error(action, false);
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some())
        || action.value().with_untracked(|v| matches!(v, Some(Ok(()))));
    let reach = match s.overrides {
        0 => "Every partner gets these terms.".to_owned(),
        1 => "1 partner has their own terms and keeps them.".to_owned(),
        n => format!("{n} partners have their own terms and keep them."),
    };
    view! {
        <section class="max-w-2xl space-y-5">
            <div>
                <a href="/admin" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Admin"</a>
                <h1 class="text-2xl font-semibold">"Program settings"</h1>
                <p class="mt-1 text-stone-600">
                    "Partners earn "<strong data-testid="program-rate">{s.rate.clone()}</strong>" of the flower budget on a referred customer's first payments; their code gives "
                    <strong data-testid="program-discount">{s.discount.clone()}</strong>" off a first order. "{reach}
                </p>
                <p class="text-sm text-stone-500">
                    {s.updated.clone().map_or_else(|| "Never changed: these are the defaults.".to_owned(), |u| format!("Last changed {u}."))}
                </p>
            </div>
            {saved.then(|| view! { <p role="status" class="rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">"Saved. New checkouts and commissions use these terms."</p> })}
            <ActionForm action=action attr:class="space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
                {move || general.get().map(|m| view! { <ErrorBanner message=m /> })}
                <Field label="Referral commission rate (%)" name="rate" value=s.rate_percent.clone() required=true
                    hint="Between 0 and 50, up to two decimals (7.25). Commissions already made keep their rate."
                    error=field_error(action, "rate") />
                <Field label="Discount for a new customer's first order" name="discount" value=s.discount_amount.clone() required=true
                    hint="An amount like 5 or 7.50. A charge never drops below 0.50. Orders already at checkout keep their discount."
                    error=field_error(action, "discount") />
                <SubmitButton pending=action.pending().into() label="Save settings" busy="Saving…" />
            </ActionForm>
        </section>
    }
}
