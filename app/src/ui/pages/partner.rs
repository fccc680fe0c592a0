//! Partner pages: registration and the partner dashboard (code, numbers, earnings chart, commissions).

use crate::api::delivery::{SetPause, SetServiceAreas};
use crate::api::partners::get_partner_dashboard;
use crate::api::partners::{RegisterPartner, SetCommissionEmails};
use crate::api::settings::get_program_terms;
use crate::domain::order::COUNTRIES;
use crate::dto::AppError;
use crate::dto::delivery::{FloristPanel, FloristRequestLine};
use crate::dto::partners::{CommissionLine, PartnerDashboard};
use crate::ui::components::areas::AreaRows;
use crate::ui::components::chart::{BarChart, Stat};
use crate::ui::components::form::{Field, SelectField, SubmitButton, field_error, form_error};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use crate::ui::components::slug_field::SlugField;
use crate::ui::islands::copy::CopyButtons;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<RegisterPartner>::new();
    let general = form_error(action, false);
    // "Become a partner florist" links here with `?type=delivery`.
    let preset = use_query_map()
        .with_untracked(|q| q.get("type"))
        .filter(|t| t == "delivery")
        .unwrap_or_else(|| "non_delivery".to_owned());
    let types = vec![
        (
            "non_delivery".to_owned(),
            "Referral partner: I recommend FutureFlower to my customers or followers".to_owned(),
        ),
        (
            "delivery".to_owned(),
            "Delivery florist: I deliver flowers in my area".to_owned(),
        ),
    ];
    let terms = Resource::new(|| (), |_| get_program_terms());
    view! {
        <Title text="Become a partner" />
        <section class="mx-auto max-w-xl">
            <h1 class="text-2xl font-semibold">"Become a FutureFlower partner"</h1>
            <p class="mt-1 text-stone-600">
                "You get a discount code to share. "
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        // Without the numbers (the database is down) the sentence still reads well.
                        terms.await.map_or_else(
                            |_| "Your customers save on their first order, and you earn a share of the flower budget on their first payments.".to_owned(),
                            |t| format!(
                                "Your customers save {} on their first order, and you earn {} of the flower budget on their first {} payments.",
                                t.discount, t.rate, t.commissioned_payments
                            ),
                        )
                    })}
                </Suspense>
            </p>
            <ActionForm action=action attr:class="mt-6 space-y-4 rounded-lg border border-stone-200 bg-white p-6 shadow-sm" attr:novalidate=true>
                {move || general.get().map(|m| view! { <ErrorBanner message=m /> })}
                <Field label="Business or brand name" name="business_name" autocomplete="organization" required=true
                    hint="Referral partners get a code made from it: Rosie's Roses gets a code like ROSIE-S-ROSES-K7Q2." error=field_error(action, "business_name") />
                <SelectField label="Partner type" name="partner_type" options=types selected=preset error=field_error(action, "partner_type") />
                <FloristFields action />
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field label="First name" name="first_name" autocomplete="given-name" required=true error=field_error(action, "first_name") />
                    <Field label="Last name" name="last_name" autocomplete="family-name" required=true error=field_error(action, "last_name") />
                </div>
                <Field label="Email" name="email" kind="email" autocomplete="email" required=true error=field_error(action, "email") />
                <Field label="Phone (optional)" name="phone" kind="tel" autocomplete="tel" error=field_error(action, "phone") />
                <Field label="Password" name="password" kind="password" autocomplete="new-password" required=true
                    hint="At least 10 characters." error=field_error(action, "password") />
                <SubmitButton pending=action.pending().into() label="Join as a partner" busy="Creating your partner account…" full=true />
                <p class="text-center text-sm text-stone-600">"Already a partner? "<a class="font-medium text-rose-700 underline" href="/login?next=/partner/dashboard">"Log in"</a></p>
            </ActionForm>
        </section>
    }
}

/// The delivery florist's part of the sign-up (hidden by CSS for referral partners).
#[component]
fn FloristFields(action: ServerAction<RegisterPartner>) -> impl IntoView {
    let countries: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
        .collect();
    // Errors of the area rows (`areas[i][…]`), listed together above them.
    let area_errors = Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(AppError::Invalid(errors))) => errors
                .iter()
                .filter(|e| e.field.starts_with("areas"))
                .map(|e| {
                    let row = e
                        .field
                        .split(['[', ']'])
                        .nth(1)
                        .and_then(|n| n.parse::<usize>().ok());
                    match row {
                        Some(n) => format!("Area {}: {}", n + 1, e.message),
                        None => e.message.clone(),
                    }
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let slug_error = field_error(action, "booking_slug").get_untracked();
    view! {
        <div class="florist-fields space-y-4 rounded-md border border-rose-100 bg-rose-50/40 p-4">
            <p class="text-sm text-stone-700">"Florists get no discount code: we send you delivery requests for the suburbs you cover, and you accept or decline each one from the email, on your phone."</p>
            <SlugField error=slug_error />
            <h2 class="pt-2 font-medium">"Your shop"</h2>
            <Field label="Street address" name="street_address" autocomplete="street-address" error=field_error(action, "street_address") />
            <div class="grid gap-4 sm:grid-cols-2">
                <Field label="Suburb" name="suburb" autocomplete="address-level3" error=field_error(action, "suburb") />
                <Field label="City" name="city" autocomplete="address-level2" error=field_error(action, "city") />
                <Field label="State (optional)" name="state" autocomplete="address-level1" error=field_error(action, "state") />
                <Field label="Postcode (optional)" name="postcode" autocomplete="postal-code" error=field_error(action, "postcode") />
            </div>
            <SelectField label="Country" name="country" options=countries error=field_error(action, "country") />
            <h2 class="pt-2 font-medium" id="areas-heading">"Where you deliver"</h2>
            <p class="text-sm text-stone-600">"Each suburb you deliver to. Add more later from your dashboard."</p>
            {move || {
                let errors = area_errors.get();
                (!errors.is_empty()).then(|| view! {
                    <ul role="alert" class="list-disc rounded-md border border-red-200 bg-red-50 py-2 pl-8 pr-4 text-sm text-red-800" data-field-error="areas">
                        {errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                })
            }}
            <AreaRows saved=Vec::new() extra=4 first_fixed=true />
        </div>
    }
}

const STATUS_FILTERS: [(&str, &str); 5] = [
    ("", "All"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("paid", "Paid"),
    ("rejected", "Rejected"),
];

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status").filter(|s| !s.is_empty()));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(
        move || (status.get(), page.get()),
        |(status, page)| get_partner_dashboard(status, page),
    );
    view! {
        <Title text="Partner dashboard" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Dashboard d /> }.into_any(),
                    // Signed-in customers who are not partners: say how to become one.
                    Err(AppError::NotFound) => view! {
                        <section class="mx-auto max-w-md rounded-lg border border-dashed border-stone-300 bg-white p-8 text-center">
                            <h1 class="text-xl font-semibold">"You are not a partner yet"</h1>
                            <p class="mt-2 text-stone-600">"Partners share a discount code and earn a commission on the orders it brings."</p>
                            <a href="/partner/register" class="mt-4 inline-block font-medium text-rose-700 underline">"Become a partner"</a>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(d: PartnerDashboard) -> impl IntoView {
    let banner = match d.status.as_str() {
        "pending" => Some((
            "border-amber-300 bg-amber-50 text-amber-900",
            "Awaiting approval. We review new partners within two working days; your code starts working as soon as you are approved.",
        )),
        "suspended" => Some((
            "border-red-200 bg-red-50 text-red-900",
            "Your partner account is suspended: your code does not work, and payments your referred customers make while you are suspended earn no commission. Once you are reactivated, their later payments earn again. Contact us if you think this is a mistake.",
        )),
        _ => None,
    };
    let no_commissions = d.commissions.total == 0 && d.status_filter.is_none();
    view! {
        <section class="space-y-6">
            <div>
                <p class="text-sm text-stone-500">{d.partner_type.clone()}" · "<span data-testid="partner-status">{d.status_label.clone()}</span></p>
                <h1 class="text-2xl font-semibold">{d.business_name.clone()}</h1>
            </div>
            {banner.map(|(class, text)| view! {
                <p role="status" class=format!("rounded-md border px-4 py-3 text-sm {class}")>
                    <strong>{text.split('.').next().unwrap_or_default().to_owned()}". "</strong>
                    {text.split_once(". ").map(|(_, rest)| rest.to_owned()).unwrap_or_default()}
                </p>
            })}
            {(d.status == "active" && !d.payout_setup.ready).then(|| view! {
                <crate::ui::pages::payouts::PayoutSetupCard setup=d.payout_setup.clone() />
            })}
            {d.code.clone().map(|code| view! { <CodeCard code share=d.share_link.clone() discount=d.discount.clone() active=d.code_active /> })}
            <p class="text-sm"><a class="inline-block py-1 font-medium text-rose-700 underline" href="/partner/payouts" data-testid="payouts-link">"Payouts"</a>" — what was paid to you, when, and what waits for the next payout."</p>
            <p class="text-sm"><a class="inline-block py-1 font-medium text-rose-700 underline" href="/partner/ledger" data-testid="ledger-link">"Ledger"</a>" — every amount you earned and were paid, what is payable and when, and your balance."</p>
            <p class="text-sm"><a class="inline-block py-1 font-medium text-rose-700 underline" href="/partner/metrics" data-testid="metrics-link">"Results by period"</a>" — what your customers spent, new customers, commissions and payouts for a month, quarter, year or dates you pick."</p>
            {match d.florist.clone() {
                Some(panel) => view! {
                    <FloristPanelView panel active=d.status == "active" />
                    <p class="text-sm text-stone-700">
                        "When a customer who came through your booking link has a delivery you decline, you still earn "
                        <strong data-testid="terms-rate">{d.rate.clone()}</strong>" of its flower budget."
                    </p>
                }.into_any(),
                None => view! {
                    <p class="text-sm text-stone-700">
                        "You earn "<strong data-testid="terms-rate">{d.rate.clone()}</strong>" of the flower budget on each referred customer's first "
                        {d.commissioned_payments}" payments; they get "<strong data-testid="terms-discount">{d.discount.clone()}</strong>" off their first order."
                    </p>
                }.into_any(),
            }}
            <dl class="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <Stat label="Code uses" value=d.uses.to_string() testid="uses" />
                <Stat label="Customers referred" value=d.customers.to_string() testid="customers" />
                <Stat label="Pending" value=d.pending.clone() testid="pending-total" />
                <Stat label="Approved" value=d.approved.clone() testid="approved-total" />
                <Stat label="Paid out" value=d.paid.clone() testid="paid-total" />
                <Stat label="Rejected" value=d.rejected.clone() testid="rejected-total" />
            </dl>
            <BarChart caption="Earnings per month (last 12 months)" bars=d.months.clone()
                empty="Nothing earned yet: bars appear here month by month." testid="earnings-chart" />
            <EmailSettings on=d.email_commissions />
            {if no_commissions {
                view! {
                    <div class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center" data-testid="no-commissions">
                        <h2 class="font-medium">"No commissions yet"</h2>
                        <p class="mt-1 text-sm text-stone-600">
                            "Share your code or link with customers. When someone pays for their first order with it, a pending commission appears here; we review it and pay approved commissions monthly."
                        </p>
                    </div>
                }.into_any()
            } else {
                view! { <CommissionsTable d /> }.into_any()
            }}
        </section>
    }
}

/// A florist's booking link, requests, pause and service areas.
#[component]
fn FloristPanelView(panel: FloristPanel, active: bool) -> impl IntoView {
    let pause = ServerAction::<SetPause>::new();
    let areas = ServerAction::<SetServiceAreas>::new();
    let pause_error = field_error(pause, "paused_until");
    let areas_error = form_error(areas, true);
    let FloristPanel {
        booking_link,
        address,
        areas: saved,
        paused_until,
        paused_label,
        pending,
        upcoming,
        past,
    } = panel;
    view! {
        {booking_link.map(|link| view! {
            <div class="rounded-lg border border-rose-200 bg-rose-50 p-5">
                <p class="text-sm text-rose-900">{if active {
                    "Your booking link: customers who sign up through it are offered to you first."
                } else {
                    "Your booking link (it works once you are approved):"
                }}</p>
                <p class="mt-2 break-all font-medium text-rose-800" data-testid="booking-link">{link.clone()}</p>
                <div class="mt-2"><CopyButtons items=vec![("Copy booking link".to_owned(), link)] /></div>
            </div>
        })}
        <section aria-labelledby="requests-heading" class="space-y-3">
            <h2 id="requests-heading" class="text-lg font-semibold">"Delivery requests"</h2>
            <RequestList title="Waiting for your answer" lines=pending empty="Nothing to answer right now. New requests come by email, about two weeks before the delivery day." testid="requests-pending" />
            <RequestList title="Upcoming deliveries" lines=upcoming empty="No accepted deliveries coming up." testid="requests-upcoming" />
            <RequestList title="Earlier requests" lines=past empty="None yet." testid="requests-past" />
        </section>
        <section id="pause" aria-labelledby="pause-heading" class="rounded-lg border border-stone-200 bg-white p-4">
            <h2 id="pause-heading" class="font-medium">"Taking deliveries"</h2>
            <p class="mt-1 text-sm text-stone-600" data-testid="pause-status">
                {paused_label.unwrap_or_else(|| "You are taking deliveries. Going on holiday? Pause until the day you are back.".to_owned())}
            </p>
            <ActionForm action=pause attr:class="mt-3 flex flex-wrap items-end gap-2">
                <label class="text-sm" for="paused_until">
                    <span class="block font-medium">"Not taking deliveries before"</span>
                    <input id="paused_until" name="paused_until" type="date" value=paused_until class="rounded-md border border-stone-300 px-3 py-2" aria-describedby="paused_until-error" />
                </label>
                <button type="submit" class="min-h-11 rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-50">"Save"</button>
                <p id="paused_until-error" class="w-full text-sm text-red-700">{move || pause_error.get()}</p>
            </ActionForm>
            <p class="mt-1 text-xs text-stone-500">"Clear the date and save to take deliveries again."</p>
        </section>
        <section id="areas" aria-labelledby="areas-heading" class="rounded-lg border border-stone-200 bg-white p-4">
            <h2 id="areas-heading" class="font-medium">"Where you deliver"</h2>
            <p class="mt-1 text-sm text-stone-600">"Shop: "{address}</p>
            {move || areas_error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <ActionForm action=areas attr:class="mt-3 space-y-3">
                <AreaRows saved extra=3 first_fixed=false />
                <button type="submit" class="min-h-11 rounded-md bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-800">"Save areas"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RequestList(
    title: &'static str,
    lines: Vec<FloristRequestLine>,
    empty: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-stone-200 bg-white" data-testid=testid>
            <h3 class="border-b border-stone-100 px-4 py-2 text-sm font-medium text-stone-700">{title}</h3>
            {if lines.is_empty() {
                view! { <p class="px-4 py-3 text-sm text-stone-500">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-100">
                        {lines.into_iter().map(|l| view! {
                            <li>
                                <a class="flex min-h-12 flex-wrap items-center justify-between gap-2 px-4 py-2 hover:bg-stone-50" href=format!("/partner/deliveries/{}", l.id)>
                                    <span><span class="font-medium">{l.date}</span>" · "{l.area}</span>
                                    <span class="text-sm text-stone-600">
                                        {l.pay}" · "{l.status_label}
                                        {l.answer_by.map(|t| format!(" · answer by {t}"))}
                                    </span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

/// Commission mails on or off: one button that says what it will do (works without script).
#[component]
fn EmailSettings(on: bool) -> impl IntoView {
    let action = ServerAction::<SetCommissionEmails>::new();
    view! {
        <section id="emails" aria-labelledby="emails-heading" class="rounded-lg border border-stone-200 bg-white p-4 sm:flex sm:items-center sm:justify-between sm:gap-4">
            <div>
                <h2 id="emails-heading" class="font-medium">"Commission emails"</h2>
                <p class="mt-1 text-sm text-stone-600" data-testid="commission-emails">
                    {if on {
                        "On: we email you when commissions are approved or rejected."
                    } else {
                        "Off: check this page for reviews. Account emails (approval, suspension, password) always come."
                    }}
                </p>
            </div>
            <ActionForm action=action attr:class="mt-3 sm:mt-0">
                <input type="hidden" name="on" value=if on { "false" } else { "true" } />
                <button type="submit" class="min-h-11 rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
                    {if on { "Turn off" } else { "Turn on" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The code, big enough to read out, with copy buttons (an island) and, once the code works, the
/// share link. A pending partner's code does not work yet, so there is no link to share.
#[component]
fn CodeCard(code: String, share: Option<String>, discount: String, active: bool) -> impl IntoView {
    let share = share.filter(|_| active);
    view! {
        <div class="rounded-lg border border-rose-200 bg-rose-50 p-5">
            <p class="text-sm text-rose-900">{if active { format!("Your code gives new customers {discount} off their first order.") } else { "Your code (it works once you are approved):".to_owned() }}</p>
            <div class="mt-2 flex flex-wrap items-center gap-3">
                <code class="rounded bg-white px-3 py-2 text-xl font-semibold tracking-wide text-rose-800" data-testid="partner-code">{code.clone()}</code>
                <CopyButtons items=std::iter::once(("Copy code".to_owned(), code.clone()))
                    .chain(share.clone().map(|s| ("Copy share link".to_owned(), s)))
                    .collect() />
            </div>
            {share.map(|share| view! {
                <p class="mt-2 break-all text-sm text-rose-900">"Share link: "<a class="underline" href=share.clone() data-testid="share-link">{share.clone()}</a></p>
            })}
        </div>
    }
}

#[component]
fn CommissionsTable(d: PartnerDashboard) -> impl IntoView {
    let filter = d.status_filter.clone();
    let page = d.commissions;
    let link = {
        let filter = filter.clone();
        Callback::new(move |p: i64| match &filter {
            Some(s) => format!("/partner/dashboard?status={s}&page={p}"),
            None => format!("/partner/dashboard?page={p}"),
        })
    };
    view! {
        <div class="space-y-3">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <h2 class="text-lg font-semibold">"Commissions"</h2>
                <form method="get" action="/partner/dashboard" class="flex items-end gap-2">
                    <label class="text-sm">
                        <span class="block font-medium">"Status"</span>
                        <select name="status" class="rounded-md border border-stone-300 bg-white px-2 py-1.5">
                            {STATUS_FILTERS.iter().map(|(value, label)| {
                                let selected = filter.as_deref().unwrap_or("") == *value;
                                view! { <option value=*value selected=selected>{*label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-100">"Filter"</button>
                </form>
            </div>
            {if page.rows.is_empty() {
                view! { <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">"No commissions with this status."</p> }.into_any()
            } else {
                view! { <CommissionRows rows=page.rows admin=false /> }.into_any()
            }}
            <Pager page=page.page pages=page.pages total=page.total noun="commission" link />
        </div>
    }
}

/// A commissions table, shared by the partner dashboard and the admin pages (which add actions).
/// On a phone each row stacks into a card, every value under its column's name (CSS only).
#[component]
pub fn CommissionRows(
    rows: Vec<CommissionLine>,
    admin: bool,
    #[prop(optional)] actions: Option<ViewFn>,
) -> impl IntoView {
    let _ = actions;
    // Below `sm` the cells stack; each shows its column name from `data-label`.
    const CELL: &str = "px-4 py-2 max-sm:flex max-sm:justify-between max-sm:gap-4 max-sm:py-1 max-sm:text-right max-sm:before:text-left max-sm:before:text-stone-500 max-sm:before:content-[attr(data-label)]";
    let cell = |extra: &str| format!("{CELL} {extra}");
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Commissions table">
            <table class="min-w-full text-left text-sm max-sm:block">
                <caption class="sr-only">"Commissions"</caption>
                <thead class="bg-stone-100 text-stone-600 max-sm:sr-only">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Date"</th>
                        {admin.then(|| view! { <th scope="col" class="px-4 py-2 font-medium">"Partner"</th> })}
                        <th scope="col" class="px-4 py-2 font-medium">"Customer"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Payment"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Rate"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Commission"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100 max-sm:block">
                    {rows.into_iter().map(|r| {
                        let badge = match r.status.as_str() {
                            "approved" => "bg-emerald-100 text-emerald-800",
                            "paid" => "bg-sky-100 text-sky-800",
                            "rejected" => "bg-stone-200 text-stone-700",
                            _ => "bg-amber-100 text-amber-900",
                        };
                        view! {
                            <tr data-testid="commission" class="max-sm:block max-sm:py-2">
                                <td class=cell("whitespace-nowrap tabular-nums") data-label="Date">{r.date}</td>
                                {admin.then(|| view! { <td class=cell("") data-label="Partner"><a class="inline-block py-1 text-rose-700 underline" href=format!("/admin/partners/{}", r.partner_id)>{r.partner.clone()}</a></td> })}
                                <td class=cell("") data-label="Customer">{r.customer}</td>
                                <td class=cell("whitespace-nowrap tabular-nums") data-label="Payment">{r.payment}</td>
                                <td class=cell("text-right tabular-nums") data-label="Rate" data-testid="commission-rate">{r.rate}</td>
                                <td class=cell("text-right tabular-nums font-medium") data-label="Commission">{r.amount}</td>
                                <td class=cell("") data-label="Status">
                                    <span>
                                        <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {badge}")>{r.status_label}</span>
                                        {(!r.note.is_empty()).then(|| view! { <span class="block text-xs text-stone-500">{r.note}</span> })}
                                    </span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
