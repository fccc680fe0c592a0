//! Payouts: the partner's payouts page (setting up Stripe, what waits, every payout), a payout's
//! lines, the simulator's stand-in for Stripe's onboarding, and the admin payouts list.
//!
//! Every button here is a plain form post (the Stripe ones to `http::payouts`, which redirect), so
//! the pages work with JavaScript off and load no wasm.

use crate::api::payouts::{RetryPayout, get_my_payouts, get_payout, list_payouts};
use crate::dto::payouts::{AdminPayouts, PartnerPayouts, PayoutDetail, PayoutListed, PayoutSetup};
use crate::ui::components::form::error_messages;
use crate::ui::components::links::{CsvLink, with_query};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const CARD: &str = "rounded-lg border border-stone-200 bg-white p-4 sm:p-5";
const BUTTON: &str = "inline-flex min-h-11 items-center rounded-md bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-800";
const BUTTON_QUIET: &str = "inline-flex min-h-11 items-center rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-100";

fn status_class(status: &str) -> &'static str {
    match status {
        "completed" => "bg-emerald-100 text-emerald-800",
        "failed" => "bg-red-100 text-red-800",
        "on_hold" => "bg-amber-100 text-amber-900",
        "awaiting_approval" => "bg-blue-100 text-blue-900",
        _ => "bg-sky-100 text-sky-900",
    }
}

#[component]
pub fn StatusPill(status: String, label: String) -> impl IntoView {
    view! {
        <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {}", status_class(&status)) data-testid="payout-status">{label}</span>
    }
}

/// What `?done=…` / `?e=…` (set by the Stripe redirects) means, for the banner.
fn message(done: Option<&str>, problem: Option<&str>) -> Option<(bool, &'static str)> {
    match (done, problem) {
        (_, Some("stripe")) => Some((
            false,
            "We could not reach Stripe just now. Nothing was changed; please try again in a minute.",
        )),
        (_, Some("not-started")) => Some((
            false,
            "Start with “Set up payouts”: your Stripe account is created then.",
        )),
        (Some("ready"), _) => Some((true, "Payouts are set up: Stripe can pay you.")),
        (Some("returned"), _) => Some((
            true,
            "Welcome back. Stripe still needs a few details before it can pay you (see below).",
        )),
        _ => None,
    }
}

#[component]
pub fn PartnerPayoutsPage() -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(move || page.get(), get_my_payouts);
    let banner = query.with_untracked(|q| {
        message(q.get("done").as_deref(), q.get("e").as_deref())
            .map(|(ok, text)| (ok, text.to_owned()))
    });
    let express = query.with_untracked(|q| q.get("express").is_some());
    view! {
        <Title text="Payouts" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600"><a class="inline-block py-1 underline" href="/partner/dashboard">"Dashboard"</a>" / Payouts"</nav>
            <h1 class="text-2xl font-semibold">"Payouts"</h1>
            <div class="flex flex-wrap items-center gap-2">
                <a class=BUTTON_QUIET href="/partner/ledger" data-testid="ledger-link">"Ledger: every amount, with your balance"</a>
                <CsvLink href="/partner/exports/payouts.csv" label="Payouts CSV" testid="payouts-csv" />
                <CsvLink href="/partner/exports/commissions.csv" label="Commissions CSV" testid="commissions-csv" />
                <CsvLink href="/partner/exports/ledger.csv" label="Ledger CSV" testid="ledger-csv" />
            </div>
            {banner.map(|(ok, text)| if ok {
                view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="payouts-notice">{text}</p> }.into_any()
            } else {
                view! { <ErrorBanner message=text /> }.into_any()
            })}
            {express.then(|| view! { <p role="status" class="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900">"Test mode: with real Stripe keys this button opens your Stripe Express dashboard (bank details, payout history)."</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Payouts d /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The "Set up payouts" card: where the partner stands with Stripe and the one button to go on.
#[component]
pub fn PayoutSetupCard(setup: PayoutSetup) -> impl IntoView {
    let (title, text, button) = match (setup.started, setup.ready) {
        (_, true) => (
            "Payouts are set up",
            "Stripe pays what you earn into your bank account. You can change your bank details in your Stripe dashboard.".to_owned(),
            None,
        ),
        (false, false) => (
            "Set up payouts",
            "To be paid, connect a Stripe account: it takes a few minutes, and Stripe asks for your bank details and ID. We never see them.".to_owned(),
            Some("Set up payouts"),
        ),
        (true, false) => (
            "Finish setting up payouts",
            setup.needs.clone().unwrap_or_else(|| "Stripe is checking your details.".to_owned()),
            Some("Continue with Stripe"),
        ),
    };
    let tone = if setup.ready {
        "border-emerald-200 bg-emerald-50"
    } else {
        "border-amber-200 bg-amber-50"
    };
    view! {
        <div class=format!("rounded-lg border p-4 sm:p-5 {tone}") data-testid="payout-setup">
            <h2 class="text-lg font-semibold">{title}</h2>
            <p class="mt-1 text-sm text-stone-700" data-testid="payout-setup-text">{text}</p>
            {setup.simulated.then(|| view! { <p class="mt-1 text-xs text-stone-600">"Test mode: Stripe is simulated; no real money moves."</p> })}
            <div class="mt-3 flex flex-wrap gap-2">
                {button.map(|label| view! {
                    <form method="post" action="/partner/payouts/onboard">
                        <button type="submit" class=BUTTON data-testid="payout-setup-button">{label}</button>
                    </form>
                })}
                {setup.started.then(|| view! {
                    <form method="post" action="/partner/payouts/dashboard">
                        <button type="submit" class=BUTTON_QUIET>"Open my Stripe dashboard"</button>
                    </form>
                })}
            </div>
        </div>
    }
}

#[component]
fn Payouts(d: PartnerPayouts) -> impl IntoView {
    let link = Callback::new(|p: i64| format!("/partner/payouts?page={p}"));
    view! {
        <PayoutSetupCard setup=d.setup.clone() />
        <div class=CARD>
            <h2 class="text-lg font-semibold">"Waiting for your next payout"</h2>
            {if d.waiting.is_empty() {
                view! { <p class="mt-1 text-sm text-stone-600" data-testid="payouts-waiting">"Nothing yet: approved commissions and delivered deliveries wait here until the next payout (deliveries weekly, commissions monthly)."</p> }.into_any()
            } else {
                view! {
                    <dl class="mt-2 grid grid-cols-2 gap-2 text-sm" data-testid="payouts-waiting">
                        {d.waiting.into_iter().map(|(kind, amount)| view! {
                            <dt class="text-stone-600">{kind}</dt><dd class="text-right font-medium tabular-nums">{amount}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
            <p class="mt-2 text-sm text-stone-600">
                "Your "<a class="font-medium text-rose-700 underline" href="/partner/ledger">"ledger"</a>
                " shows when each commission becomes payable, anything taken back from the next payout, and how much is left to reach the minimum payout."
            </p>
        </div>
        {if d.payouts.rows.is_empty() {
            view! { <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-payouts">"No payouts yet. Your first one appears here once something you earned is paid out."</p> }.into_any()
        } else {
            view! {
                <ul class="space-y-2" aria-label="Your payouts">
                    {d.payouts.rows.into_iter().map(|p| view! { <PayoutItem p href_base="/partner/payouts" /> }).collect_view()}
                </ul>
                <Pager page=d.payouts.page pages=d.payouts.pages total=d.payouts.total noun="payout" link />
            }.into_any()
        }}
    }
}

/// One payout as a card (a phone-sized list: no table to scroll).
#[component]
fn PayoutItem(p: PayoutListed, href_base: &'static str) -> impl IntoView {
    let when = match &p.sent {
        Some(sent) => format!("Sent {sent}"),
        None => format!("Prepared {}", p.created),
    };
    view! {
        <li class=CARD data-testid="payout">
            <a class="flex flex-wrap items-baseline justify-between gap-2" href=format!("{href_base}/{}", p.id)>
                <span>
                    <span class="block font-medium">{p.kind.clone()}" · "{format!("{} line{}", p.items, if p.items == 1 { "" } else { "s" })}</span>
                    <span class="block text-sm text-stone-600">{when}</span>
                </span>
                <span class="text-right">
                    <span class="block text-lg font-semibold tabular-nums" data-testid="payout-amount">{p.amount.clone()}</span>
                    <StatusPill status=p.status.clone() label=p.status_label.clone() />
                </span>
            </a>
            {(!p.reason.is_empty()).then(|| view! { <p class="mt-2 text-sm text-stone-700" data-testid="payout-reason">{p.reason.clone()}</p> })}
        </li>
    }
}

#[component]
pub fn PayoutDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_payout(id).await,
                None => Err(crate::dto::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Payout" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Detail d /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: PayoutDetail) -> impl IntoView {
    let p = d.payout;
    let back = if p.partner.is_some() {
        "/admin/payouts"
    } else {
        "/partner/payouts"
    };
    view! {
        <section class="space-y-4">
            <nav class="text-sm text-stone-600"><a class="inline-block py-1 underline" href=back>"Payouts"</a>{format!(" / #{}", p.id)}</nav>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h1 class="text-2xl font-semibold">{format!("{} payout", p.kind)}</h1>
                <StatusPill status=p.status.clone() label=p.status_label.clone() />
            </div>
            {p.partner.clone().map(|(id, name)| view! { <p class="text-sm">"Partner: "<a class="underline" href=format!("/admin/partners/{id}")>{name}</a></p> })}
            <dl class="grid grid-cols-2 gap-2 text-sm sm:max-w-md">
                <dt class="text-stone-600">"Amount"</dt><dd class="text-right font-semibold tabular-nums" data-testid="payout-amount">{p.amount.clone()}</dd>
                <dt class="text-stone-600">"Prepared"</dt><dd class="text-right">{p.created.clone()}</dd>
                <dt class="text-stone-600">"Sent"</dt><dd class="text-right">{p.sent.clone().unwrap_or_else(|| "Not yet".into())}</dd>
                {p.transfer_id.clone().map(|t| view! { <dt class="text-stone-600">"Stripe transfer"</dt><dd class="text-right font-mono text-xs" data-testid="payout-transfer">{t}</dd> })}
            </dl>
            {(!p.reason.is_empty()).then(|| view! { <p class="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm" data-testid="payout-reason">{p.reason.clone()}</p> })}
            {d.advice.map(|a| view! { <p class="text-sm text-stone-700" data-testid="payout-advice">{a}</p> })}
            <div class=CARD>
                <h2 class="text-lg font-semibold">"Lines"</h2>
                <ul class="mt-2 divide-y divide-stone-100" data-testid="payout-lines">
                    {d.lines.into_iter().map(|l| view! {
                        <li class="flex items-baseline justify-between gap-3 py-2 text-sm" data-testid="payout-line">
                            <span>{l.description}{l.released.then(|| view! { <span class="block text-xs text-stone-500">"Released: goes into a later payout"</span> })}</span>
                            <span class="tabular-nums">{l.amount}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        </section>
    }
}

/// The simulator's stand-in for Stripe's hosted onboarding (test mode only).
#[component]
pub fn SimulatedOnboardingPage() -> impl IntoView {
    view! {
        <Title text="Stripe onboarding (simulated)" />
        <section class="mx-auto max-w-md space-y-4">
            <p class="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900">"Test mode: this page stands in for Stripe's onboarding. With real Stripe keys, Stripe asks for bank details and ID here."</p>
            <h1 class="text-2xl font-semibold">"Set up payouts"</h1>
            <form method="post" action="/partner/payout-setup/simulated/answer" class="space-y-2">
                <input type="hidden" name="outcome" value="complete" />
                <button type="submit" class=BUTTON data-testid="simulate-complete">"Complete onboarding"</button>
            </form>
            <form method="post" action="/partner/payout-setup/simulated/answer">
                <input type="hidden" name="outcome" value="incomplete" />
                <button type="submit" class=BUTTON_QUIET>"Leave details missing"</button>
            </form>
        </section>
    }
}

#[component]
pub fn AdminPayoutsPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status").filter(|s| !s.is_empty()));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let retry = ServerAction::<RetryPayout>::new();
    let data = Resource::new(
        move || (status.get(), page.get(), retry.version().get()),
        |(status, page, _)| list_payouts(status, page),
    );
    // What the service said ("This payout waits for an admin's approval"…).
    let problem = error_messages(retry);
    let done = move || retry.value().get().and_then(Result::ok);
    view! {
        <Title text="Payouts · Admin" />
        <section class="space-y-5">
            <nav class="text-sm text-stone-600"><a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / Payouts"</nav>
            <h1 class="text-2xl font-semibold">"Payouts"</h1>
            <div class="flex flex-wrap items-center gap-2">
                <a class=BUTTON_QUIET href="/admin/payouts/approval" data-testid="approval-link">"Batch awaiting approval"</a>
                <CsvLink href=with_query("/admin/exports/payouts.csv", &[("status", status.get_untracked())]) />
            </div>
            <p class="text-sm text-stone-600">"Deliveries are paid weekly and commissions monthly (or with "<code>"futureflower jobs payouts --type …"</code>"). A payout is never sent twice: a held or unconfirmed one can be retried safely."</p>
            {move || problem.get().map(|m| view! { <ErrorBanner message=m /> })}
            {move || done().map(|m| view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm" data-testid="retry-result">{m}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <AdminList d retry /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AdminList(d: AdminPayouts, retry: ServerAction<RetryPayout>) -> impl IntoView {
    let current = d.status.clone().unwrap_or_default();
    let status = d.status.clone();
    let link = Callback::new(move |p: i64| match &status {
        Some(s) => format!("/admin/payouts?status={s}&page={p}"),
        None => format!("/admin/payouts?page={p}"),
    });
    let all: i64 = d.counts.iter().map(|(_, _, n)| n).sum();
    view! {
        <nav aria-label="Filter by status" class="flex flex-wrap gap-2 text-sm" data-testid="payout-filters">
            <a href="/admin/payouts" class=if current.is_empty() { "rounded-full bg-stone-800 px-3 py-1.5 text-white" } else { "rounded-full border border-stone-300 bg-white px-3 py-1.5" } aria-current=current.is_empty().then_some("page")>{format!("All ({all})")}</a>
            {d.counts.into_iter().map(|(key, label, n)| {
                let on = key == current;
                view! {
                    <a href=format!("/admin/payouts?status={key}") aria-current=on.then_some("page")
                        class=if on { "rounded-full bg-stone-800 px-3 py-1.5 text-white" } else { "rounded-full border border-stone-300 bg-white px-3 py-1.5" }>
                        {format!("{label} ({n})")}
                    </a>
                }
            }).collect_view()}
        </nav>
        {if d.payouts.rows.is_empty() {
            view! { <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-payouts">{if d.status.is_some() { "No payouts with this status." } else { "No payouts yet. The first run prepares one per partner with approved commissions or delivered deliveries." }}</p> }.into_any()
        } else {
            view! {
                <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Payouts table">
                    <table class="min-w-full text-left text-sm">
                        <caption class="sr-only">"Payouts, newest first"</caption>
                        <thead class="bg-stone-100 text-stone-600">
                            <tr>
                                <th scope="col" class="px-4 py-2 font-medium">"Prepared"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Partner"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Type"</th>
                                <th scope="col" class="px-4 py-2 text-right font-medium">"Amount"</th>
                                <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                                <th scope="col" class="px-4 py-2 font-medium"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-stone-100">
                            {d.payouts.rows.into_iter().map(|p| view! { <AdminRow p retry /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager page=d.payouts.page pages=d.payouts.pages total=d.payouts.total noun="payout" link />
            }.into_any()
        }}
    }
}

#[component]
fn AdminRow(p: PayoutListed, retry: ServerAction<RetryPayout>) -> impl IntoView {
    // Not `awaiting_approval`: an admin approves those on the approval page.
    let retryable = matches!(
        p.status.as_str(),
        "failed" | "on_hold" | "processing" | "pending"
    );
    let (partner_id, partner) = p.partner.clone().unwrap_or_default();
    view! {
        <tr data-testid="payout-row">
            <td class="px-4 py-2 whitespace-nowrap"><a class="underline" href=format!("/admin/payouts/{}", p.id)>{p.created.clone()}</a></td>
            <td class="px-4 py-2"><a class="underline" href=format!("/admin/partners/{partner_id}")>{partner}</a></td>
            <td class="px-4 py-2">{p.kind.clone()}</td>
            <td class="px-4 py-2 text-right tabular-nums">{p.amount.clone()}</td>
            <td class="px-4 py-2">
                <StatusPill status=p.status.clone() label=p.status_label.clone() />
                {(!p.reason.is_empty()).then(|| view! { <span class="mt-1 block max-w-xs text-xs text-stone-700" data-testid="payout-reason">{p.reason.clone()}</span> })}
            </td>
            <td class="px-4 py-2">
                {retryable.then(|| view! {
                    <ActionForm action=retry>
                        <input type="hidden" name="id" value=p.id />
                        <button type="submit" class=BUTTON_QUIET data-testid="retry-payout">"Retry now"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
