//! Admin: the partner program's settings (referral rate, new-customer discount, and the payout
//! controls: holding period, minimum payout and batch approval).

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

/// "7 days after the payment", "as soon as they are approved".
fn holding_text(days: i64) -> String {
    match days {
        0 => "as soon as they are approved".to_owned(),
        1 => "1 day after the payment".to_owned(),
        n => format!("{n} days after the payment"),
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
                <fieldset class="space-y-4 border-t border-stone-200 pt-4">
                    <legend class="text-base font-semibold">"Payouts"</legend>
                    <p class="text-sm text-stone-600" data-testid="program-payout-terms">
                        "Now: commissions become payable "<strong>{holding_text(s.holding_days)}</strong>
                        "; payouts are sent once a partner's payable balance reaches "<strong>{s.minimum.clone()}</strong>"."
                    </p>
                    <Field label="Holding period (days)" name="holding_days" kind="number" inputmode="numeric" min="0" step="1"
                        value=s.holding_days.to_string() required=true
                        hint="Days a commission waits after its payment before it can be paid (refunds and disputes usually come in this time). 0 pays at the next run."
                        error=field_error(action, "holding_days") />
                    <Field label="Minimum payout" name="minimum" inputmode="decimal" value=s.minimum_amount.clone() required=true
                        hint="An amount like 20 or 25.50. A smaller payable balance carries over to the next run. 0 pays any balance."
                        error=field_error(action, "minimum") />
                    <div class="space-y-1">
                        <label class="flex min-h-11 items-center gap-3 text-sm font-medium text-stone-800">
                            <input type="checkbox" name="approve_payouts" value="on" checked=s.approve_payouts class="size-5"
                                aria-describedby="field-approve_payouts-hint" data-testid="approve-payouts" />
                            "Payout batches wait for an admin's approval"
                        </label>
                        <p id="field-approve_payouts-hint" class="text-xs text-stone-500">
                            "When ticked, a payout run prepares payouts but sends none: an admin approves them on "
                            <a class="underline" href="/admin/payouts/approval">"the approval page"</a>"."
                        </p>
                    </div>
                </fieldset>
                <SubmitButton pending=action.pending().into() label="Save settings" busy="Saving…" />
            </ActionForm>
        </section>
    }
}
