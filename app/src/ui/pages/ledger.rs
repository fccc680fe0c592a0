//! A partner's ledger: every money movement with the running balance, the totals, and when the
//! next money becomes payable. Partners see their own (`/partner/ledger`); admins anyone's
//! (`/admin/partners/:id/ledger`). Both pages share [`LedgerView`].

use crate::api::controls::{get_my_ledger, get_partner_ledger};
use crate::dto::AppError;
use crate::dto::controls::{Ledger, LedgerEntry};
use crate::ui::components::links::CsvLink;
use crate::ui::components::notice::ErrorView;
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn page_param() -> Memo<Option<i64>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()))
}

#[component]
pub fn PartnerLedgerPage() -> impl IntoView {
    let page = page_param();
    let data = Resource::new(move || page.get(), get_my_ledger);
    view! {
        <Title text="Ledger" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/partner/dashboard">"Dashboard"</a>" / "
                <a class="inline-block py-1 underline" href="/partner/payouts">"Payouts"</a>" / Ledger"
            </nav>
            <h1 class="text-2xl font-semibold">"Your ledger"</h1>
            <p class="text-sm text-stone-600">"Every amount you earned, every payout and every amount taken back, with what we owe you after each."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(ledger) => view! { <LedgerView ledger admin=false /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AdminLedgerPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|p| p.parse::<i64>().ok()));
    let page = page_param();
    let data = Resource::new(
        move || (id.get(), page.get()),
        |(id, page)| async move {
            match id {
                Some(id) => get_partner_ledger(id, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Ledger · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(ledger) => {
                        let partner = ledger.partner_id;
                        let name = ledger.business_name.clone();
                        view! {
                            <section class="space-y-5">
                                <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                                    <a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / "
                                    <a class="inline-block py-1 underline" href="/admin/partners">"Partners"</a>" / "
                                    <a class="inline-block py-1 underline" href=format!("/admin/partners/{partner}")>{name.clone()}</a>" / Ledger"
                                </nav>
                                <h1 class="text-2xl font-semibold">{format!("Ledger · {name}")}</h1>
                                <LedgerView ledger admin=true />
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The terms in one sentence: "Commissions become payable 7 days after the payment. Payouts are
/// sent once your payable balance reaches $20.00."
fn terms_sentence(ledger: &Ledger, whose: &str) -> String {
    let holding = if ledger.holding_period.starts_with("0 ") {
        "Commissions become payable as soon as they are approved.".to_owned()
    } else {
        format!(
            "Commissions become payable {} after the payment.",
            ledger.holding_period
        )
    };
    let no_minimum = ledger
        .minimum
        .chars()
        .filter(char::is_ascii_digit)
        .all(|c| c == '0');
    let minimum = if no_minimum {
        "Payouts are sent whatever the payable balance.".to_owned()
    } else {
        format!(
            "Payouts are sent once {whose} payable balance reaches {}.",
            ledger.minimum
        )
    };
    format!("{holding} {minimum}")
}

/// The totals, the terms, and every movement (paged), for the partner or an admin.
#[component]
pub fn LedgerView(ledger: Ledger, admin: bool) -> impl IntoView {
    let partner = ledger.partner_id;
    let (payout_base, csv, page_base) = if admin {
        (
            "/admin/payouts",
            format!("/admin/exports/ledger.csv?partner_id={partner}"),
            format!("/admin/partners/{partner}/ledger"),
        )
    } else {
        (
            "/partner/payouts",
            "/partner/exports/ledger.csv".to_owned(),
            "/partner/ledger".to_owned(),
        )
    };
    let sentence = terms_sentence(&ledger, if admin { "their" } else { "your" });
    let t = ledger.totals;
    let totals = [
        ("Awaiting review", t.pending, "ledger-pending"),
        ("In holding period", t.holding, "ledger-holding"),
        ("Payable", t.payable, "ledger-payable"),
        ("Held for review", t.held, "ledger-held"),
        (
            "Taken back (adjustments)",
            t.adjustments,
            "ledger-adjustments",
        ),
        ("In a payout", t.in_transit, "ledger-in-transit"),
        ("Paid", t.paid, "ledger-paid"),
    ];
    let entries = ledger.entries;
    let link = Callback::new(move |p: i64| format!("{page_base}?page={p}"));
    view! {
        <div class="space-y-5" data-testid="ledger">
            <section aria-labelledby="ledger-totals-heading" class="space-y-3">
                <h2 id="ledger-totals-heading" class="sr-only">"Totals"</h2>
                <dl class="grid grid-cols-2 gap-2 sm:grid-cols-4 sm:gap-3">
                    {totals.into_iter().map(|(label, value, testid)| view! {
                        <div class="rounded-lg border border-stone-200 bg-white p-3">
                            <dt class="text-xs text-stone-600">{label}</dt>
                            <dd class="mt-1 text-lg font-semibold tabular-nums" data-testid=testid>{value}</dd>
                        </div>
                    }).collect_view()}
                    <div class="rounded-lg border border-rose-200 bg-rose-50 p-3">
                        <dt class="text-xs text-rose-900">"Balance owed"</dt>
                        <dd class="mt-1 text-lg font-semibold tabular-nums text-rose-900" data-testid="ledger-balance">{t.balance}</dd>
                    </div>
                </dl>
            </section>
            <div class="space-y-1 rounded-lg border border-stone-200 bg-white p-4 text-sm text-stone-700">
                <p data-testid="ledger-terms">{sentence}</p>
                {ledger.next_payable_on.map(|date| view! {
                    <p data-testid="next-payable">{format!("Next commission payable on {date}.")}</p>
                })}
                {ledger.left_to_minimum.map(|amount| view! {
                    <p><strong class="tabular-nums" data-testid="left-to-minimum">{amount}</strong>" more to reach the minimum payout."</p>
                })}
            </div>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">"Money movements"</h2>
                <CsvLink href=csv />
            </div>
            {if entries.rows.is_empty() {
                view! {
                    <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-ledger-entries">
                        {if admin {
                            "No money movements yet: this partner's commissions, payouts and adjustments appear here as they happen."
                        } else {
                            "No money movements yet: the commissions you earn, your payouts and any amounts taken back appear here as they happen."
                        }}
                    </p>
                }.into_any()
            } else {
                view! {
                    <EntriesTable rows=entries.rows payout_base />
                    <Pager page=entries.page pages=entries.pages total=entries.total noun="movement" link />
                }.into_any()
            }}
        </div>
    }
}

/// The movements, newest first; on a phone each row stacks into a card (CSS only).
#[component]
fn EntriesTable(rows: Vec<LedgerEntry>, payout_base: &'static str) -> impl IntoView {
    const CELL: &str = "px-4 py-2 max-sm:flex max-sm:justify-between max-sm:gap-4 max-sm:py-1 max-sm:text-right max-sm:before:text-left max-sm:before:text-stone-500 max-sm:before:content-[attr(data-label)]";
    let cell = |extra: &str| format!("{CELL} {extra}");
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Ledger table">
            <table class="min-w-full text-left text-sm max-sm:block">
                <caption class="sr-only">"Money movements, with the balance owed after each"</caption>
                <thead class="bg-stone-100 text-stone-600 max-sm:sr-only">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Date"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Movement"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Amount"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Balance"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100 max-sm:block">
                    {rows.into_iter().map(|e| {
                        let payout = e.payout_id.map(|id| format!("{payout_base}/{id}"));
                        // The payout link sits on the status ("In payout #7"), or on the movement
                        // when it has no status ("Payout #7 sent").
                        let (what_link, status_link) = match &e.status {
                            Some(_) => (None, payout),
                            None => (payout, None),
                        };
                        let amount_class = if e.negative {
                            "text-right tabular-nums font-medium text-red-700"
                        } else {
                            "text-right tabular-nums font-medium"
                        };
                        view! {
                            <tr data-testid="ledger-entry" class="max-sm:block max-sm:py-2">
                                <td class=cell("whitespace-nowrap tabular-nums") data-label="Date">{e.date}</td>
                                <td class=cell("") data-label="Movement">
                                    {match what_link {
                                        Some(href) => view! { <a class="text-rose-700 underline" href=href>{e.what}</a> }.into_any(),
                                        None => view! { <span>{e.what}</span> }.into_any(),
                                    }}
                                </td>
                                <td class=cell(amount_class) data-label="Amount" data-testid="ledger-amount">{e.amount}</td>
                                <td class=cell("text-right tabular-nums") data-label="Balance">{e.balance}</td>
                                <td class=cell("") data-label="Status" data-testid="ledger-status">
                                    {match (e.status, status_link) {
                                        (Some(s), Some(href)) => view! { <a class="text-rose-700 underline" href=href>{s}</a> }.into_any(),
                                        (Some(s), None) => view! { <span>{s}</span> }.into_any(),
                                        (None, _) => view! { <span class="text-stone-400">"—"</span> }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
