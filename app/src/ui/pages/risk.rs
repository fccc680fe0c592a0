//! Admin: risk flags. A referral that looks like the partner's own (their card, their address…)
//! holds its commissions until an admin clears the flag (the commissions are paid) or confirms it
//! (they are rejected and the partner suspended).
//!
//! [`RiskFlagsTable`] is shared with the partner's admin page (their flags, without the buttons).

use crate::api::controls::{ResolveRiskFlag, list_risk_flags};
use crate::dto::controls::RiskFlagLine;
use crate::ui::components::form::error_messages;
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const CLEAR: &str = "inline-flex min-h-11 items-center rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800";
const CONFIRM: &str = "inline-flex min-h-11 items-center rounded-md border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-800 hover:bg-red-50";

#[component]
pub fn AdminRiskPage() -> impl IntoView {
    let resolve = ServerAction::<ResolveRiskFlag>::new();
    let data = Resource::new(move || resolve.version().get(), |_| list_risk_flags(None));
    let resolved = use_query_map().with_untracked(|q| q.get("resolved").is_some())
        || resolve
            .value()
            .with_untracked(|v| matches!(v, Some(Ok(()))));
    let error = error_messages(resolve);
    view! {
        <Title text="Risk flags · Admin" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / Risk flags"
            </nav>
            <h1 class="text-2xl font-semibold">"Risk flags"</h1>
            <p class="text-sm text-stone-600">"A referral that looks like the partner's own is flagged, and the partner's commissions are held (never paid) until you decide: clear the flag and they are paid as usual, or confirm it and they are rejected and the partner is suspended."</p>
            {resolved.then(|| view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="risk-resolved">"Done: the flag is resolved and its commissions released or rejected."</p> })}
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(flags) if flags.is_empty() => view! {
                            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-risk-flags">
                                "No risk flags: no referral looked like the partner's own."
                            </p>
                        }.into_any(),
                        Ok(flags) => view! { <RiskFlagsTable flags resolve=Some(resolve) show_partner=true /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn status_pill(status: &str) -> (&'static str, &'static str) {
    match status {
        "open" => ("Open", "bg-amber-100 text-amber-900"),
        "cleared" => ("Cleared", "bg-emerald-100 text-emerald-800"),
        "confirmed" => ("Confirmed", "bg-red-100 text-red-800"),
        _ => ("Unknown", "bg-stone-100 text-stone-700"),
    }
}

/// The flags as a table; with `resolve`, open flags get the clear and confirm buttons.
#[component]
pub fn RiskFlagsTable(
    flags: Vec<RiskFlagLine>,
    resolve: Option<ServerAction<ResolveRiskFlag>>,
    show_partner: bool,
) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Risk flags table">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Risk flags, newest first"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        {show_partner.then(|| view! { <th scope="col" class="px-4 py-2 font-medium">"Partner"</th> })}
                        <th scope="col" class="px-4 py-2 font-medium">"Kind"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Detail"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Raised"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Held"</th>
                        {resolve.is_some().then(|| view! { <th scope="col" class="px-4 py-2 font-medium"><span class="sr-only">"Decision"</span></th> })}
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {flags.into_iter().map(|f| view! { <FlagRow f resolve show_partner /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn FlagRow(
    f: RiskFlagLine,
    resolve: Option<ServerAction<ResolveRiskFlag>>,
    show_partner: bool,
) -> impl IntoView {
    let (label, class) = status_pill(&f.status);
    let open = f.status == "open";
    let (partner_id, partner) = f.partner.clone();
    let id = f.id;
    let held = format!(
        "{} commission{} · {}",
        f.held,
        if f.held == 1 { "" } else { "s" },
        f.held_amount
    );
    view! {
        <tr data-testid="risk-flag" class="align-top">
            {show_partner.then(|| view! {
                <td class="px-4 py-2"><a class="font-medium text-rose-700 underline" href=format!("/admin/partners/{partner_id}")>{partner}</a></td>
            })}
            <td class="px-4 py-2">{f.kind}</td>
            <td class="max-w-sm px-4 py-2" data-testid="risk-detail">{f.detail}</td>
            <td class="whitespace-nowrap px-4 py-2 tabular-nums">{f.raised}</td>
            <td class="px-4 py-2">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {class}") data-testid="risk-status">{label}</span>
                {f.resolved.map(|r| view! { <span class="mt-1 block text-xs text-stone-600">{r}</span> })}
            </td>
            <td class="whitespace-nowrap px-4 py-2 text-right tabular-nums">{held}</td>
            {resolve.map(|action| view! {
                <td class="px-4 py-2">
                    {open.then(|| view! {
                        <div class="flex flex-col gap-2">
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="decision" value="clear" />
                                <button type="submit" class=CLEAR data-testid="risk-clear">"Clear (pay the commissions)"</button>
                            </ActionForm>
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="decision" value="confirm" />
                                <button type="submit" class=CONFIRM data-testid="risk-confirm">"Confirm (reject them and suspend the partner)"</button>
                            </ActionForm>
                        </div>
                    })}
                </td>
            })}
        </tr>
    }
}
