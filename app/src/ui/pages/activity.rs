//! Admin: the activity log (every admin and money action, newest first), filtered by action (a
//! whole action or its group: "payout" is every `payout.*`), who acted (people or the system) and
//! partner. The filter is a plain GET form, so it works without JavaScript.
//!
//! [`ActivityRows`] is shared with the partner's admin page (its last actions).

use crate::api::controls::get_activity;
use crate::dto::controls::{Activity, ActivityLine};
use crate::ui::components::links::{CsvLink, page_link, with_query};
use crate::ui::components::notice::ErrorView;
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const SELECT: &str = "rounded-md border border-stone-300 bg-white px-2 py-2";
const SMALL_BUTTON: &str = "min-h-11 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium hover:bg-stone-100";

/// The action groups the filter offers (each matches `group.*`).
const GROUPS: [(&str, &str); 7] = [
    ("payout", "Payouts"),
    ("commission", "Commissions"),
    ("partner", "Partners"),
    ("settings", "Settings"),
    ("risk", "Risk flags"),
    ("adjustment", "Adjustments"),
    ("delivery", "Deliveries"),
];

#[component]
pub fn AdminActivityPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &'static str| {
        Memo::new(move |_| query.read().get(name).filter(|s| !s.trim().is_empty()))
    };
    let action = param("action");
    let by = param("by");
    let partner = param("partner_id");
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(
        move || (action.get(), partner.get(), by.get(), page.get()),
        |(action, partner, by, page)| {
            get_activity(
                action,
                partner.and_then(|p| p.trim().parse().ok()),
                by,
                page,
            )
        },
    );
    view! {
        <Title text="Activity · Admin" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / Activity"
            </nav>
            <h1 class="text-2xl font-semibold">"Activity"</h1>
            <p class="text-sm text-stone-600">"Every change to partners, commissions, payouts and settings, by a person or by the system, with what it was before and after. The log cannot be edited."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(activity) => view! { <ActivityList activity /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The filter form, the CSV link, the table and the pager.
#[component]
fn ActivityList(activity: Activity) -> impl IntoView {
    let current = activity.action.clone().unwrap_or_default();
    let by = activity.by.clone().unwrap_or_default();
    let partner = activity.partner_id.map(|p| p.to_string());
    let filters = vec![
        ("action", activity.action.clone()),
        ("partner_id", partner.clone()),
        ("by", activity.by.clone()),
    ];
    let filtered = filters.iter().any(|(_, v)| v.is_some());
    let csv = with_query("/admin/exports/activity.csv", &filters);
    let link = Callback::new(move |p: i64| page_link("/admin/activity", &filters, p));
    // With a filter on, only the actions of its group are offered one by one (the groups are
    // always there); without one, every action written so far.
    let group = current.split('.').next().unwrap_or_default().to_owned();
    let actions: Vec<String> = activity
        .actions
        .into_iter()
        .filter(|a| group.is_empty() || a.split('.').next() == Some(group.as_str()))
        .collect();
    let lines = activity.lines;
    view! {
        <form method="get" action="/admin/activity" class="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4" role="search" aria-label="Filter the activity">
            <div class="text-sm">
                <label for="activity-action" class="block font-medium">"Action"</label>
                <select id="activity-action" name="action" class=SELECT>
                    <option value="" selected=current.is_empty()>"All actions"</option>
                    <optgroup label="Groups">
                        {GROUPS.into_iter().map(|(value, label)| {
                            let selected = current == value;
                            view! { <option value=value selected=selected>{format!("{label} (all)")}</option> }
                        }).collect_view()}
                    </optgroup>
                    {(!actions.is_empty()).then(|| view! {
                        <optgroup label=if group.is_empty() { "Actions".to_owned() } else { format!("Actions: {group}") }>
                            {actions.into_iter().map(|a| {
                                let selected = a == current;
                                let value = a.clone();
                                view! { <option value=value selected=selected>{a}</option> }
                            }).collect_view()}
                        </optgroup>
                    })}
                </select>
            </div>
            <div class="text-sm">
                <label for="activity-by" class="block font-medium">"Who"</label>
                <select id="activity-by" name="by" class=SELECT>
                    {[("", "Everyone"), ("people", "People"), ("system", "System")].into_iter().map(|(value, label)| {
                        let selected = by == value;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="text-sm">
                <label for="activity-partner" class="block font-medium">"Partner id (optional)"</label>
                <input id="activity-partner" name="partner_id" type="number" min="1" inputmode="numeric" value=partner
                    class="w-32 rounded-md border border-stone-300 px-2 py-2" />
            </div>
            <button type="submit" class=SMALL_BUTTON>"Filter"</button>
            {filtered.then(|| view! { <a class="inline-block py-2 text-sm text-rose-700 underline" href="/admin/activity">"Clear filters"</a> })}
        </form>
        <div class="flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-stone-600" data-testid="activity-count">
                {format!("{} entr{}{}", lines.total, if lines.total == 1 { "y" } else { "ies" }, if filtered { " match these filters" } else { "" })}
            </p>
            <CsvLink href=csv />
        </div>
        {if lines.rows.is_empty() {
            view! {
                <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-activity">
                    {if filtered { "No activity matches these filters." } else { "No activity yet: approvals, payouts and settings changes are logged here as they happen." }}
                </p>
            }.into_any()
        } else {
            view! {
                <ActivityRows rows=lines.rows full=true />
                <Pager page=lines.page pages=lines.pages total=lines.total noun="action" link />
            }.into_any()
        }}
    }
}

/// Activity rows as a table. `full` adds the record, partner and request id columns (the
/// activity page); without it, When / Who / Action / Before → After (a partner's page).
#[component]
pub fn ActivityRows(rows: Vec<ActivityLine>, full: bool) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Activity table">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Activity, newest first"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"When"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Who"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Action"</th>
                        {full.then(|| view! {
                            <th scope="col" class="px-4 py-2 font-medium">"Record"</th>
                            <th scope="col" class="px-4 py-2 font-medium">"Partner"</th>
                        })}
                        <th scope="col" class="px-4 py-2 font-medium">"Before → After"</th>
                        {full.then(|| view! { <th scope="col" class="px-4 py-2 font-medium">"Request id"</th> })}
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {rows.into_iter().map(|l| view! { <ActivityRow l full /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ActivityRow(l: ActivityLine, full: bool) -> impl IntoView {
    let value = |v: String| {
        if v.is_empty() {
            view! { <span class="text-stone-400">"—"</span> }.into_any()
        } else {
            view! { <span class="break-words">{v}</span> }.into_any()
        }
    };
    view! {
        <tr data-testid="activity-line" class="align-top">
            <td class="whitespace-nowrap px-4 py-2 tabular-nums">{l.when}</td>
            <td class="px-4 py-2">
                {l.actor}
                {(!l.by_person).then(|| view! { <span class="ml-1 rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-600">"system"</span> })}
            </td>
            <td class="whitespace-nowrap px-4 py-2 font-mono text-xs" data-testid="activity-action">{l.action}</td>
            {full.then(|| view! {
                <td class="whitespace-nowrap px-4 py-2">{l.subject.clone()}</td>
                <td class="px-4 py-2">
                    {match l.partner.clone() {
                        Some((id, name)) => view! { <a class="text-rose-700 underline" href=format!("/admin/partners/{id}")>{name}</a> }.into_any(),
                        None => view! { <span class="text-stone-400">"—"</span> }.into_any(),
                    }}
                </td>
            })}
            <td class="max-w-md px-4 py-2">{value(l.before)}" → "{value(l.after)}</td>
            {full.then(|| view! { <td class="px-4 py-2 font-mono text-xs text-stone-500">{l.request_id.clone()}</td> })}
        </tr>
    }
}
