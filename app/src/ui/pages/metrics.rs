//! Results by period: a partner's own (`/partner/metrics`) and the program's with its top partners
//! (`/admin/metrics`). The period is picked with plain links and a GET form (`?period=…&from=…&to=…`),
//! so it works without JavaScript and every view has a link to share.

use crate::api::metrics::{get_my_metrics, get_program_metrics};
use crate::domain::period::PeriodKind;
use crate::dto::AppError;
use crate::dto::metrics::{PeriodNumbers, ProgramMetrics, TopPartnerLine};
use crate::ui::components::chart::{BarChart, Stat};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const SMALL_BUTTON: &str = "min-h-11 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium hover:bg-stone-100";

/// The page's query: `period`, `from`, `to` (empty values are absent).
fn picked() -> Memo<(Option<String>, Option<String>, Option<String>)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let get = |name: &str| q.get(name).filter(|s| !s.trim().is_empty());
        (get("period"), get("from"), get("to"))
    })
}

/// Named periods as links (the current one marked), and custom dates as a small form.
#[component]
fn PeriodPicker(
    base: &'static str,
    kind: String,
    #[prop(into)] from: String,
    #[prop(into)] to: String,
) -> impl IntoView {
    view! {
        <nav class="flex flex-wrap gap-2" aria-label="Period">
            {PeriodKind::ALL.into_iter().filter(|k| *k != PeriodKind::Custom).map(|k| {
                let current = k.as_str() == kind;
                let class = if current {
                    "inline-flex min-h-11 items-center rounded-full bg-rose-700 px-4 text-sm font-medium text-white"
                } else {
                    "inline-flex min-h-11 items-center rounded-full border border-stone-300 bg-white px-4 text-sm font-medium text-stone-800 hover:bg-stone-100"
                };
                view! {
                    <a href=format!("{base}?period={}", k.as_str()) class=class
                        aria-current=current.then_some("page") data-testid=format!("period-{}", k.as_str())>{k.label()}</a>
                }
            }).collect_view()}
        </nav>
        <form method="get" action=base class="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4" aria-label="Custom dates">
            <input type="hidden" name="period" value="custom" />
            <div class="text-sm">
                <label for="period-from" class="block font-medium">"From"</label>
                <input id="period-from" name="from" type="date" value=from required class="rounded-md border border-stone-300 px-2 py-2" />
            </div>
            <div class="text-sm">
                <label for="period-to" class="block font-medium">"To (included)"</label>
                <input id="period-to" name="to" type="date" value=to required class="rounded-md border border-stone-300 px-2 py-2" />
            </div>
            <button type="submit" class=SMALL_BUTTON data-testid="period-custom">"Show these dates"</button>
        </form>
    }
}

/// The picker and the period's data, or the picker again with what was wrong with the pick.
fn with_picker<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    base: &'static str,
    picked: Memo<(Option<String>, Option<String>, Option<String>)>,
    result: Result<T, AppError>,
    period: impl Fn(&T) -> &PeriodNumbers,
    show: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        Ok(data) => {
            let p = period(&data).period.clone();
            view! {
                <PeriodPicker base kind=p.kind from=p.from to=p.to />
                {show(data)}
            }
            .into_any()
        }
        Err(error) => match error.field_message("period") {
            Some(message) => {
                let (kind, from, to) = picked.get_untracked();
                view! {
                    <PeriodPicker base kind=kind.unwrap_or_default() from=from.unwrap_or_default() to=to.unwrap_or_default() />
                    <ErrorBanner message />
                }
                .into_any()
            }
            None => view! { <ErrorView error /> }.into_any(),
        },
    }
}

/// The figures and chart of one period (a partner's or the program's).
#[component]
fn Numbers(n: PeriodNumbers, who: &'static str) -> impl IntoView {
    let caption = format!(
        "Commission earned per {} · {}",
        n.period.step, n.period.title
    );
    let nothing = n.payments == 0 && n.commissions.iter().all(|c| c.count == 0) && n.payouts == 0;
    view! {
        <h2 class="text-lg font-semibold" data-testid="period-title">{n.period.title.clone()}</h2>
        {nothing.then(|| view! {
            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-results">
                {format!("Nothing in this period yet: payments by {who} customers, commissions and payouts show here as they happen.")}
            </p>
        })}
        <dl class="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Referred revenue" value=n.revenue.clone() testid="metric-revenue" />
            <Stat label="New customers" value=n.new_customers.to_string() testid="metric-new-customers" />
            <Stat label="Commission earned" value=n.earned.clone() testid="metric-earned" />
            <Stat label="Paid out" value=n.paid_out.clone() testid="metric-paid-out" />
        </dl>
        <p class="text-sm text-stone-600">
            {format!(
                "Referred revenue is what {who} customers paid in the period ({} payment{}; refunded payments do not count). New customers are those whose first payment fell in it. Paid out counts {} completed payout{}.",
                n.payments, if n.payments == 1 { "" } else { "s" }, n.payouts, if n.payouts == 1 { "" } else { "s" },
            )}
        </p>
        <BarChart caption bars=n.bars.clone() empty="No commission earned in this period." />
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Commissions by status">
            <table class="min-w-full text-left text-sm">
                <caption class="px-4 pt-3 text-left text-sm font-medium">"Commissions earned in the period, by where they stand now"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Commissions"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Amount"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {n.commissions.into_iter().map(|c| view! {
                        <tr data-testid=format!("status-{}", c.status)>
                            <th scope="row" class="px-4 py-2 font-normal">{c.label}</th>
                            <td class="px-4 py-2 text-right tabular-nums">{c.count}</td>
                            <td class="px-4 py-2 text-right tabular-nums" data-testid="status-amount">{c.amount}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn PartnerMetricsPage() -> impl IntoView {
    let picked = picked();
    let data = Resource::new(move || picked.get(), |(p, f, t)| get_my_metrics(p, f, t));
    view! {
        <Title text="Results by period" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/partner/dashboard">"Dashboard"</a>" / Results by period"
            </nav>
            <h1 class="text-2xl font-semibold">"Results by period"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    with_picker("/partner/metrics", picked, data.await, |n| n, |n| view! { <Numbers n who="your" /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AdminMetricsPage() -> impl IntoView {
    let picked = picked();
    let data = Resource::new(
        move || picked.get(),
        |(p, f, t)| get_program_metrics(p, f, t),
    );
    view! {
        <Title text="Program results · Admin" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600" aria-label="Breadcrumb">
                <a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / Program results"
            </nav>
            <h1 class="text-2xl font-semibold">"Program results"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    with_picker("/admin/metrics", picked, data.await, |m: &ProgramMetrics| &m.numbers, |m| view! {
                        <Numbers n=m.numbers who="referred" />
                        <TopPartners top=m.top />
                    })
                })}
            </Suspense>
        </section>
    }
}

/// The period's top partners by referred revenue, each with a bar against the first.
#[component]
fn TopPartners(top: Vec<TopPartnerLine>) -> impl IntoView {
    let max = top.first().map_or(1, |t| t.revenue_cents.max(1));
    view! {
        <h2 class="text-lg font-semibold">"Top partners"</h2>
        {if top.is_empty() {
            view! {
                <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-top-partners">
                    "No referred customer paid in this period."
                </p>
            }.into_any()
        } else {
            view! {
                <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Top partners">
                    <table class="min-w-full text-left text-sm">
                        <caption class="sr-only">"Partners whose referred customers paid the most in the period"</caption>
                        <thead class="bg-stone-100 text-stone-600">
                            <tr>
                                <th scope="col" class="px-4 py-2 font-medium">"Partner"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Referred revenue"</th>
                                <th scope="col" class="px-4 py-2 text-right font-medium">"Customers"</th>
                                <th scope="col" class="px-4 py-2 text-right font-medium">"Commission earned"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-stone-100">
                            {top.into_iter().map(|t| {
                                let width = (t.revenue_cents as f64 / max as f64 * 100.0).clamp(1.0, 100.0);
                                view! {
                                    <tr data-testid="top-partner">
                                        <th scope="row" class="px-4 py-2 font-normal">
                                            <a class="text-rose-700 underline" href=format!("/admin/partners/{}", t.partner_id) data-testid="top-partner-name">{t.business_name}</a>
                                        </th>
                                        <td class="min-w-48 px-4 py-2">
                                            <div class="flex items-center gap-2">
                                                // SVG attributes, not an inline style (the CSP allows none).
                                                <svg viewBox="0 0 100 1" preserveAspectRatio="none" class="h-3 w-24 shrink-0 rounded bg-stone-100 sm:w-40" aria-hidden="true" data-testid="top-partner-bar">
                                                    <rect width=format!("{width:.0}") height="1" class="fill-rose-600" />
                                                </svg>
                                                <span class="tabular-nums" data-testid="top-partner-revenue">{t.revenue}</span>
                                            </div>
                                        </td>
                                        <td class="px-4 py-2 text-right tabular-nums">{t.customers}</td>
                                        <td class="px-4 py-2 text-right tabular-nums">{t.earned}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
