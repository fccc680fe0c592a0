//! Admin: the payout batch waiting for approval (when program settings ask for it). Each prepared
//! payout shows why it deserves a second look; an admin approves it (it is sent at once), holds it
//! with a reason, or approves the whole batch. Payouts an admin held wait here too.
//!
//! Every button is an `ActionForm` (a plain post without JavaScript; the server redirects back
//! here with `?approved=N&sent=M` or `?held=1`).

use crate::api::controls::{ApprovePayouts, HoldPayout, get_approval_batch};
use crate::dto::controls::{ApprovalBatch, ApprovalLine};
use crate::dto::payouts::PayoutListed;
use crate::ui::components::form::error_messages;
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::pages::payouts::StatusPill;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const APPROVE: &str = "inline-flex min-h-11 items-center rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800";
const HOLD: &str = "inline-flex min-h-11 items-center rounded-md border border-amber-400 bg-white px-3 py-2 text-sm font-medium text-amber-900 hover:bg-amber-50";

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What `?approved=N&sent=M` / `?held=1` (set by the redirects) says.
fn query_message(approved: Option<String>, sent: Option<String>, held: bool) -> Option<String> {
    if let Some(n) = approved.and_then(|n| n.parse::<usize>().ok()) {
        let sent = sent.and_then(|m| m.parse::<usize>().ok()).unwrap_or(0);
        return Some(format!(
            "Approved {}; {sent} sent.",
            plural(n, "payout", "payouts")
        ));
    }
    held.then(|| {
        "Payout held. It is not sent until an admin approves it (see “Held by an admin”)."
            .to_owned()
    })
}

#[component]
pub fn AdminApprovalPage() -> impl IntoView {
    let query = use_query_map();
    let approve = ServerAction::<ApprovePayouts>::new();
    let hold = ServerAction::<HoldPayout>::new();
    let data = Resource::new(
        move || (approve.version().get(), hold.version().get()),
        |_| get_approval_batch(),
    );
    let from_query = query.with_untracked(|q| {
        query_message(q.get("approved"), q.get("sent"), q.get("held").is_some())
    });
    let approve_error = error_messages(approve);
    let hold_error = error_messages(hold);
    let done = move || approve.value().get().and_then(Result::ok);
    view! {
        <Title text="Payouts awaiting approval · Admin" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / "
                <a class="inline-block py-1 underline" href="/admin/payouts">"Payouts"</a>" / Awaiting approval"
            </nav>
            <h1 class="text-2xl font-semibold">"Payout batch awaiting approval"</h1>
            {from_query.clone().map(|m| view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="approval-result">{m}</p> })}
            {move || {
                done()
                    .filter(|_| from_query.is_none())
                    .map(|m| view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="approval-result">{m}</p> })
            }}
            {move || approve_error.get().map(|m| view! { <ErrorBanner message=m /> })}
            {move || hold_error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(batch) => view! { <Batch batch approve hold /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Batch(
    batch: ApprovalBatch,
    approve: ServerAction<ApprovePayouts>,
    hold: ServerAction<HoldPayout>,
) -> impl IntoView {
    let count = batch.lines.len();
    // "Approve all" covers what this page shows: payouts prepared since wait for the next look.
    let up_to = batch.lines.iter().map(|l| l.payout.id).max().unwrap_or(0);
    view! {
        {(!batch.approval_on).then(|| view! {
            <p role="status" class="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" data-testid="approval-off">
                "Batch approval is off: prepared payouts are sent without waiting for an admin. Turn it on in "
                <a class="font-medium underline" href="/admin/settings">"Program settings"</a>
                " (“Payout batches wait for an admin's approval”). Anything still waiting is listed below."
            </p>
        })}
        {if batch.lines.is_empty() {
            view! {
                <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-approval">
                    "Nothing awaits approval. When a payout run prepares payouts with approval on, they wait here until an admin approves them."
                </p>
            }.into_any()
        } else {
            view! {
                <div class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-emerald-200 bg-emerald-50 p-4">
                    <p class="text-sm text-emerald-900">
                        {plural(count, "payout", "payouts")}" awaiting approval, "
                        <strong class="tabular-nums" data-testid="batch-total">{batch.total.clone()}</strong>" in all."
                    </p>
                    <ActionForm action=approve>
                        <input type="hidden" name="up_to" value=up_to />
                        <button type="submit" class=APPROVE data-testid="approve-all">{format!("Approve all {count} payout{}", if count == 1 { "" } else { "s" })}</button>
                    </ActionForm>
                </div>
                <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Payouts awaiting approval table">
                    <table class="min-w-full text-left text-sm">
                        <caption class="sr-only">"Payouts awaiting approval, with what deserves a second look"</caption>
                        <thead class="bg-stone-100 text-stone-600">
                            <tr>
                                <th scope="col" class="px-4 py-2 font-medium">"Partner"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Type"</th>
                                <th scope="col" class="px-4 py-2 text-right font-medium">"Amount"</th>
                                <th scope="col" class="px-4 py-2 text-right font-medium">"Lines"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Prepared"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Notes"</th>
                                <th scope="col" class="px-4 py-2 font-medium"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-stone-100">
                            {batch.lines.into_iter().map(|line| view! { <LineRow line approve hold /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <section aria-labelledby="held-heading" class="space-y-3">
            <h2 id="held-heading" class="text-lg font-semibold">"Held by an admin"</h2>
            {if batch.held.is_empty() {
                view! { <p class="text-sm text-stone-600" data-testid="no-held">"No payout is held. A held payout is never sent by a run or a retry: it waits here until an admin approves it."</p> }.into_any()
            } else {
                view! {
                    <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Held payouts table">
                        <table class="min-w-full text-left text-sm">
                            <caption class="sr-only">"Payouts held by an admin"</caption>
                            <thead class="bg-stone-100 text-stone-600">
                                <tr>
                                    <th scope="col" class="px-4 py-2 font-medium">"Partner"</th>
                                    <th scope="col" class="px-4 py-2 font-medium">"Type"</th>
                                    <th scope="col" class="px-4 py-2 text-right font-medium">"Amount"</th>
                                    <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                                    <th scope="col" class="px-4 py-2 font-medium">"Reason"</th>
                                    <th scope="col" class="px-4 py-2 font-medium"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-100">
                                {batch.held.into_iter().map(|p| view! { <HeldRow p approve /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The partner's name, linked to their page.
fn partner_link(p: &PayoutListed) -> impl IntoView + use<> {
    let (id, name) = p.partner.clone().unwrap_or_default();
    view! { <a class="font-medium text-rose-700 underline" href=format!("/admin/partners/{id}")>{name}</a> }
}

#[component]
fn LineRow(
    line: ApprovalLine,
    approve: ServerAction<ApprovePayouts>,
    hold: ServerAction<HoldPayout>,
) -> impl IntoView {
    let p = line.payout;
    let id = p.id;
    let reason_id = format!("hold-reason-{id}");
    view! {
        <tr data-testid="approval-line">
            <td class="px-4 py-2">{partner_link(&p)}</td>
            <td class="px-4 py-2">{p.kind.clone()}</td>
            <td class="px-4 py-2 text-right font-medium tabular-nums">
                <a class="underline" href=format!("/admin/payouts/{id}")>{p.amount.clone()}</a>
            </td>
            <td class="px-4 py-2 text-right tabular-nums">{p.items}</td>
            <td class="whitespace-nowrap px-4 py-2">{p.created.clone()}</td>
            <td class="px-4 py-2">
                {if line.notes.is_empty() {
                    view! { <span class="text-stone-400">"—"</span> }.into_any()
                } else {
                    view! {
                        <ul class="flex flex-wrap gap-1" aria-label="Notes">
                            {line.notes.into_iter().map(|note| view! {
                                <li class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="approval-note">{note}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </td>
            <td class="px-4 py-2">
                <div class="flex flex-wrap items-start gap-2">
                    <ActionForm action=approve>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class=APPROVE data-testid="approve-payout">"Approve"</button>
                    </ActionForm>
                    <ActionForm action=hold attr:class="flex flex-wrap items-center gap-2">
                        <input type="hidden" name="id" value=id />
                        <label class="sr-only" for=reason_id.clone()>{format!("Reason for holding payout #{id}")}</label>
                        <input id=reason_id name="reason" type="text" required maxlength="500" placeholder="Reason for holding"
                            class="w-48 rounded-md border border-stone-300 px-2 py-2" />
                        <button type="submit" class=HOLD data-testid="hold-payout">"Hold"</button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}

#[component]
fn HeldRow(p: PayoutListed, approve: ServerAction<ApprovePayouts>) -> impl IntoView {
    let id = p.id;
    view! {
        <tr data-testid="held-payout">
            <td class="px-4 py-2">{partner_link(&p)}</td>
            <td class="px-4 py-2">{p.kind.clone()}</td>
            <td class="px-4 py-2 text-right font-medium tabular-nums">
                <a class="underline" href=format!("/admin/payouts/{id}")>{p.amount.clone()}</a>
            </td>
            <td class="px-4 py-2"><StatusPill status=p.status.clone() label=p.status_label.clone() /></td>
            <td class="max-w-xs px-4 py-2 text-stone-700">{p.reason.clone()}</td>
            <td class="px-4 py-2">
                <ActionForm action=approve>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class=APPROVE data-testid="approve-held">"Approve"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
