//! Admin: partners (filter, search, paging, approve / suspend / reactivate) and the commission
//! review (approve, reject with a reason, approve everything pending in the filtered list).

use crate::api::controls::{get_activity, list_risk_flags};
use crate::api::partners::{
    ApproveCommissions, RejectCommission, SetPartnerStatus, get_admin_partner, list_commissions,
    list_partners,
};
use crate::api::settings::SetPartnerTerms;
use crate::dto::AppError;
use crate::dto::Paged;
use crate::dto::controls::{Activity, RiskFlagLine};
use crate::dto::partners::{AdminPartnerDetail, AdminPartnerRow, CommissionLine, PartnerTerms};
use crate::ui::components::form::{Field, action_error, field_error, form_error};
use crate::ui::components::links::{CsvLink, page_link, with_query};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use crate::ui::pages::activity::ActivityRows;
use crate::ui::pages::partner::CommissionRows;
use crate::ui::pages::risk::RiskFlagsTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map, use_url};

const SELECT: &str = "rounded-md border border-stone-300 bg-white px-2 py-1.5";
const SMALL_BUTTON: &str = "rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-100";

fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).filter(|s| !s.is_empty()))
}

/// How many of the partner's latest actions their page shows (the activity page has them all).
const RECENT_ACTIVITY: usize = 10;

#[component]
pub fn AdminPartnersPage() -> impl IntoView {
    let kind = query_param("type");
    let status = query_param("status");
    let q = query_param("q");
    let page = Memo::new(move |_| {
        use_query_map()
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
    });
    let data = Resource::new(
        move || (kind.get(), status.get(), q.get(), page.get()),
        |(kind, status, q, page)| list_partners(kind, status, q, page),
    );
    let option = move |value: &'static str, label: &'static str, current: Option<String>| {
        view! { <option value=value selected=current.as_deref().unwrap_or("") == value>{label}</option> }
    };
    view! {
        <Title text="Partners · Admin" />
        <section class="space-y-5">
            <div>
                <a href="/admin" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Admin"</a>
                <h1 class="text-2xl font-semibold">"Partners"</h1>
            </div>
            <form method="get" action="/admin/partners" class="flex flex-wrap items-end gap-2" role="search">
                <label class="text-sm">
                    <span class="block font-medium">"Search"</span>
                    <input type="search" name="q" value=q.get_untracked() placeholder="Name, email, business or code" class="w-64 rounded-md border border-stone-300 px-2 py-1.5" />
                </label>
                <label class="text-sm">
                    <span class="block font-medium">"Type"</span>
                    <select name="type" class=SELECT>
                        {option("", "All types", kind.get_untracked())}
                        {option("non_delivery", "Referral partners", kind.get_untracked())}
                        {option("delivery", "Delivery florists", kind.get_untracked())}
                    </select>
                </label>
                <label class="text-sm">
                    <span class="block font-medium">"Status"</span>
                    <select name="status" class=SELECT>
                        {option("", "All statuses", status.get_untracked())}
                        {option("pending", "Awaiting approval", status.get_untracked())}
                        {option("active", "Active", status.get_untracked())}
                        {option("suspended", "Suspended", status.get_untracked())}
                    </select>
                </label>
                <button type="submit" class=SMALL_BUTTON>"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let filters = vec![("type", kind.get_untracked()), ("status", status.get_untracked()), ("q", q.get_untracked())];
                            let filtered = filters.iter().any(|(_, v)| v.is_some());
                            view! { <PartnersTable page filters filtered /> }.into_any()
                        }
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PartnersTable(
    page: Paged<AdminPartnerRow>,
    filters: Vec<(&'static str, Option<String>)>,
    filtered: bool,
) -> impl IntoView {
    if page.rows.is_empty() {
        return view! {
            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">
                {if filtered { "No partners match these filters." } else { "No partners yet. They appear here when they register at /partner/register." }}
            </p>
        }.into_any();
    }
    let link = Callback::new(move |p: i64| page_link("/admin/partners", &filters, p));
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Partners table">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Partners"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Business"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Contact"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Type"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Code"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Joined"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {page.rows.into_iter().map(|r| view! {
                        <tr data-testid="admin-partner">
                            <td class="px-4 py-2"><a class="font-medium text-rose-700 underline" href=format!("/admin/partners/{}", r.id)>{r.business_name}</a></td>
                            <td class="px-4 py-2">{r.contact}</td>
                            <td class="px-4 py-2">{r.partner_type}</td>
                            <td class="px-4 py-2 font-mono text-xs">{r.code}</td>
                            <td class="px-4 py-2"><StatusBadge status=r.status label=r.status_label /></td>
                            <td class="whitespace-nowrap px-4 py-2 tabular-nums">{r.joined}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page pages=page.pages total=page.total noun="partner" link />
    }.into_any()
}

#[component]
fn StatusBadge(status: String, label: String) -> impl IntoView {
    let class = match status.as_str() {
        "active" => "bg-emerald-100 text-emerald-800",
        "pending" => "bg-amber-100 text-amber-900",
        _ => "bg-red-100 text-red-800",
    };
    view! { <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {class}") data-testid="partner-status">{label}</span> }
}

#[component]
pub fn AdminPartnerPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let set_status = ServerAction::<SetPartnerStatus>::new();
    let approve = ServerAction::<ApproveCommissions>::new();
    let set_terms = ServerAction::<SetPartnerTerms>::new();
    // The partner, refetched after any change made on this page.
    let changed = move || {
        (
            id.get(),
            set_status.version().get(),
            approve.version().get(),
            set_terms.version().get(),
        )
    };
    let detail = Resource::new(changed, |(id, ..)| async move {
        match id {
            Some(id) => get_admin_partner(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // The partner's latest actions and risk flags (after any change made on this page).
    let activity = Resource::new(changed, |(id, ..)| async move {
        match id {
            Some(id) => get_activity(None, Some(id), None, None).await,
            None => Err(AppError::NotFound),
        }
    });
    let flags = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => list_risk_flags(Some(id)).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Partner · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <PartnerDetail d set_status approve set_terms activity flags /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PartnerDetail(
    d: AdminPartnerDetail,
    set_status: ServerAction<SetPartnerStatus>,
    approve: ServerAction<ApproveCommissions>,
    set_terms: ServerAction<SetPartnerTerms>,
    activity: Resource<Result<Activity, AppError>>,
    flags: Resource<Result<Vec<RiskFlagLine>, AppError>>,
) -> impl IntoView {
    let error = action_error(set_status, "action");
    let id = d.row.id;
    const GO: &str = "bg-emerald-700 text-white hover:bg-emerald-800";
    const STOP: &str = "border border-red-300 bg-white text-red-800 hover:bg-red-50";
    let name = d.row.business_name.clone();
    let approve_note = format!("Approve {name}? Their code starts working at once.");
    let suspend_note = format!(
        "Suspend {name}? Their code stops working, and payments made while suspended earn no commission."
    );
    let reactivate_note = format!("Reactivate {name}? Their code works again at once.");
    // (action, button, what it does, colours): each asks once more before it changes anything.
    let actions: Vec<(&str, &str, String, &str)> = match d.row.status.as_str() {
        "pending" => vec![
            ("approve", "Approve", approve_note, GO),
            ("suspend", "Suspend", suspend_note, STOP),
        ],
        "active" => vec![("suspend", "Suspend", suspend_note, STOP)],
        _ => vec![("reactivate", "Reactivate", reactivate_note, GO)],
    };
    let back = format!("/admin/partners/{id}");
    view! {
        <section class="space-y-6">
            <div>
                <a href="/admin/partners" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Partners"</a>
                <h1 class="text-2xl font-semibold">{d.row.business_name.clone()}</h1>
                <p class="text-stone-600">{d.row.contact.clone()}{(!d.phone.is_empty()).then(|| format!(" · {}", d.phone))}</p>
            </div>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <div class="flex flex-wrap items-center gap-3 rounded-lg border border-stone-200 bg-white p-4">
                <StatusBadge status=d.row.status.clone() label=d.row.status_label.clone() />
                <span class="text-sm">{d.row.partner_type.clone()}" · code "<code class="font-semibold">{d.row.code.clone()}</code>" · joined "{d.row.joined.clone()}</span>
                <span class="flex-1"></span>
                {actions.into_iter().map(|(action, label, note, class)| view! {
                    // A confirmation that needs no script: the first click opens it.
                    <details class="group">
                        <summary class=format!("inline-block cursor-pointer list-none rounded-md px-3 py-2 text-sm font-medium {class}")>{label}"…"</summary>
                        <ActionForm action=set_status attr:class="mt-2 max-w-xs space-y-2 rounded-md border border-stone-200 bg-stone-50 p-3 text-sm">
                            <p>{note}</p>
                            <input type="hidden" name="partner_id" value=id.to_string() />
                            <input type="hidden" name="action" value=action />
                            <button type="submit" class=format!("rounded-md px-3 py-2 font-medium {class}")>{format!("Yes, {}", label.to_lowercase())}</button>
                        </ActionForm>
                    </details>
                }).collect_view()}
            </div>
            <dl class="grid grid-cols-2 gap-3 sm:grid-cols-5">
                {[("Code uses", d.uses.to_string()), ("Customers referred", d.customers.to_string()), ("Pending", d.pending.clone()), ("Approved", d.approved.clone()), ("Paid", d.paid.clone())]
                    .into_iter().map(|(label, value)| view! {
                        <div class="rounded-lg border border-stone-200 bg-white p-3"><dt class="text-xs text-stone-600">{label}</dt><dd class="text-lg font-semibold tabular-nums">{value}</dd></div>
                    }).collect_view()}
            </dl>
            <nav aria-label="This partner's records" class="flex flex-wrap gap-2">
                <a class=LINK_BUTTON href=format!("/admin/partners/{id}/ledger") data-testid="partner-ledger-link">"Ledger"</a>
                <a class=LINK_BUTTON href=format!("/admin/activity?partner_id={id}")>"Activity"</a>
                <CsvLink href=format!("/admin/exports/commissions.csv?status=all&partner_id={id}") label="Commissions CSV" testid="partner-commissions-csv" />
                <CsvLink href=format!("/admin/exports/ledger.csv?partner_id={id}") label="Ledger CSV" testid="partner-ledger-csv" />
            </nav>
            <PartnerRiskFlags flags />
            <PayoutSetupView setup=d.payout_setup.clone() />
            {d.florist.clone().map(|record| view! { <FloristRecordView record /> })}
            <TermsForm partner_id=id terms=d.terms.clone() action=set_terms />
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">"Latest commissions"</h2>
                <span class="flex gap-2">
                    <a class=SMALL_BUTTON href=format!("/admin/commissions?partner_id={id}")>"Review this partner's commissions"</a>
                    {d.has_pending.then(|| view! {
                        <ActionForm action=approve>
                            <input type="hidden" name="partner_id" value=id.to_string() />
                            <input type="hidden" name="back" value=back />
                            <button type="submit" class=SMALL_BUTTON>"Approve all pending"</button>
                        </ActionForm>
                    })}
                </span>
            </div>
            {if d.commissions.is_empty() {
                view! { <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">"No commissions yet."</p> }.into_any()
            } else {
                view! { <CommissionRows rows=d.commissions admin=true /> }.into_any()
            }}
            <PartnerActivity partner_id=id activity />
        </section>
    }
}

const LINK_BUTTON: &str = "inline-flex min-h-11 items-center rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-100";

/// The partner's latest actions (approvals, terms, payouts…), with a link to all of them.
#[component]
fn PartnerActivity(
    partner_id: i64,
    activity: Resource<Result<Activity, AppError>>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="activity-heading" class="space-y-3" data-testid="partner-activity">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 id="activity-heading" class="text-lg font-semibold">"Activity"</h2>
                <a class="inline-block py-1 text-sm text-rose-700 underline" href=format!("/admin/activity?partner_id={partner_id}")>"All activity for this partner"</a>
            </div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(a) if a.lines.rows.is_empty() => view! {
                            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">"No activity for this partner yet."</p>
                        }.into_any(),
                        Ok(a) => {
                            let rows = a.lines.rows.into_iter().take(RECENT_ACTIVITY).collect::<Vec<_>>();
                            view! { <ActivityRows rows full=false /> }.into_any()
                        }
                        Err(e) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The partner's risk flags, when there are any (resolved on the risk page).
#[component]
fn PartnerRiskFlags(flags: Resource<Result<Vec<RiskFlagLine>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match flags.await {
                    Ok(flags) if flags.is_empty() => None,
                    Ok(flags) => {
                        let open = flags.iter().filter(|f| f.status == "open").count();
                        Some(view! {
                            <section aria-labelledby="risk-heading" class="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="partner-risk-flags">
                                <h2 id="risk-heading" class="font-semibold text-amber-900">"Risk flags"</h2>
                                <p class="text-sm text-amber-900">
                                    {match open {
                                        0 => "No open flag: every flag below was resolved.".to_owned(),
                                        1 => "1 open flag: this partner's commissions are held until it is resolved. ".to_owned(),
                                        n => format!("{n} open flags: this partner's commissions are held until they are resolved. "),
                                    }}
                                    {(open > 0).then(|| view! { <a class="font-medium underline" href="/admin/risk">"Resolve on the risk page"</a> })}
                                </p>
                                <RiskFlagsTable flags resolve=None show_partner=false />
                            </section>
                        }.into_any())
                    }
                    Err(e) => Some(view! { <ErrorBanner message=e.to_string() /> }.into_any()),
                }
            })}
        </Suspense>
    }
}

/// The partner's referral rate and discount: their own, or (fields left empty) the program's.
#[component]
fn TermsForm(
    partner_id: i64,
    terms: PartnerTerms,
    action: ServerAction<SetPartnerTerms>,
) -> impl IntoView {
    let general = form_error(action, false);
    let saved = use_query_map().with_untracked(|q| q.get("terms").as_deref() == Some("saved"))
        || action.value().with_untracked(|v| matches!(v, Some(Ok(()))));
    let source = |custom: bool| {
        if custom {
            "this partner's own"
        } else {
            "program setting"
        }
    };
    view! {
        <section aria-labelledby="terms-heading" class="rounded-lg border border-stone-200 bg-white p-4" data-testid="partner-terms">
            <h2 id="terms-heading" class="font-semibold">"Terms"</h2>
            <p class="mt-1 text-sm text-stone-700">
                "Earns "<strong data-testid="terms-rate">{terms.rate.clone()}</strong>" ("{source(terms.rate_is_custom)}") · code gives "
                <strong data-testid="terms-discount">{terms.discount.clone()}</strong>" off ("{source(terms.discount_is_custom)}")."
            </p>
            <p class="mt-1 text-sm text-stone-700">
                "Holding period "<strong data-testid="terms-holding">{terms.holding.clone()}</strong>" ("{source(!terms.holding_days.is_empty())}") · minimum payout "
                <strong data-testid="terms-minimum">{terms.minimum.clone()}</strong>" ("{source(!terms.minimum_amount.is_empty())}")."
            </p>
            <p class="text-xs text-stone-500">"Changes apply to checkouts and commissions from now on; earlier commissions keep the rate they were made at."</p>
            {saved.then(|| view! { <p role="status" class="mt-2 rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">"Saved."</p> })}
            <ActionForm action=action attr:class="mt-3 grid gap-3 sm:grid-cols-2 sm:items-start" attr:novalidate=true>
                {move || general.get().map(|m| view! { <div class="sm:col-span-2"><ErrorBanner message=m /></div> })}
                <input type="hidden" name="partner_id" value=partner_id.to_string() />
                <Field label="Referral rate (%)" name="rate" value=terms.rate_percent.clone()
                    hint=format!("Empty: the program's {}.", terms.program_rate) error=field_error(action, "rate") />
                <Field label="Discount for new customers" name="discount" value=terms.discount_amount.clone()
                    hint=format!("Empty: the program's {}.", terms.program_discount) error=field_error(action, "discount") />
                <Field label="Holding period (days)" name="holding_days" value=terms.holding_days.clone()
                    placeholder=terms.program_holding.clone() inputmode="numeric"
                    hint=format!("Empty: the program's {}.", terms.program_holding) error=field_error(action, "holding_days") />
                <Field label="Minimum payout" name="minimum" value=terms.minimum_amount.clone()
                    placeholder=terms.program_minimum.clone() inputmode="decimal"
                    hint=format!("Empty: the program's {}.", terms.program_minimum) error=field_error(action, "minimum") />
                <button type="submit" class="rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800 disabled:opacity-60 sm:justify-self-start"
                    disabled=move || action.pending().get()>"Save terms"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AdminCommissionsPage() -> impl IntoView {
    let status = query_param("status");
    let partner = query_param("partner_id");
    let page = Memo::new(move |_| {
        use_query_map()
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
    });
    let approve = ServerAction::<ApproveCommissions>::new();
    let reject = ServerAction::<RejectCommission>::new();
    let data = Resource::new(
        move || {
            (
                status.get(),
                partner.get(),
                page.get(),
                approve.version().get(),
                reject.version().get(),
            )
        },
        |(status, partner, page, ..)| {
            list_commissions(status, partner.and_then(|p| p.parse().ok()), page)
        },
    );
    let option = move |value: &'static str, label: &'static str| {
        let current = status
            .get_untracked()
            .unwrap_or_else(|| "pending".to_owned());
        view! { <option value=value selected=current == value>{label}</option> }
    };
    view! {
        <Title text="Commissions · Admin" />
        <section class="space-y-5">
            <div>
                <a href="/admin" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Admin"</a>
                <h1 class="text-2xl font-semibold">"Commission review"</h1>
            </div>
            <form method="get" action="/admin/commissions" class="flex flex-wrap items-end gap-2">
                {partner.get_untracked().map(|p| view! { <input type="hidden" name="partner_id" value=p /> })}
                <label class="text-sm">
                    <span class="block font-medium">"Status"</span>
                    <select name="status" class=SELECT>
                        {option("pending", "Pending review")}
                        {option("approved", "Approved")}
                        {option("rejected", "Rejected")}
                        {option("paid", "Paid")}
                        {option("all", "All")}
                    </select>
                </label>
                <button type="submit" class=SMALL_BUTTON>"Filter"</button>
                {partner.get_untracked().map(|_| view! { <a class="text-sm text-rose-700 underline" href="/admin/commissions">"All partners"</a> })}
                <span class="flex-1"></span>
                <CsvLink href=with_query("/admin/exports/commissions.csv", &[("status", status.get_untracked()), ("partner_id", partner.get_untracked())]) />
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <ReviewTable page status=status.get_untracked() partner=partner.get_untracked() approve reject /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ReviewTable(
    page: Paged<CommissionLine>,
    status: Option<String>,
    partner: Option<String>,
    approve: ServerAction<ApproveCommissions>,
    reject: ServerAction<RejectCommission>,
) -> impl IntoView {
    let reason_error = field_error(reject, "reason");
    let reviewing = status.as_deref().unwrap_or("pending") == "pending";
    // Where the no-JS forms come back to (the current list, filters kept).
    let back = use_url().with_untracked(|u| {
        let search = u.search();
        if search.is_empty() {
            u.path().to_owned()
        } else {
            format!("{}?{search}", u.path())
        }
    });
    if page.rows.is_empty() {
        return view! {
            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">
                {if reviewing { "Nothing to review: every commission has been approved or rejected." } else { "No commissions with this status." }}
            </p>
        }.into_any();
    }
    let filters = vec![("status", status.clone()), ("partner_id", partner.clone())];
    let link = Callback::new(move |p: i64| page_link("/admin/commissions", &filters, p));
    let total = page.total;
    let bulk_back = back.clone();
    let rows_for_review = page.rows.clone();
    view! {
        {move || reason_error.get().map(|m| view! { <ErrorBanner message=m /> })}
        {reviewing.then(move || view! {
            <ActionForm action=approve attr:class="flex items-center justify-between gap-3 rounded-lg border border-emerald-200 bg-emerald-50 p-3">
                <span class="text-sm text-emerald-900">{format!("{total} pending commission{} in this list.", if total == 1 { "" } else { "s" })}</span>
                {partner.clone().map(|p| view! { <input type="hidden" name="partner_id" value=p /> })}
                <input type="hidden" name="back" value=bulk_back.clone() />
                <button type="submit" class="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800">"Approve all in this list"</button>
            </ActionForm>
        })}
        <CommissionRows rows=page.rows admin=true />
        {reviewing.then(move || view! {
            <ul class="space-y-2" aria-label="Review">
                {rows_for_review.into_iter().map(|r| {
                    let (back_approve, back_reject) = (back.clone(), back.clone());
                    view! {
                        <li class="flex flex-wrap items-center gap-2 rounded-lg border border-stone-200 bg-white p-3 text-sm">
                            <span class="min-w-48 flex-1"><strong>{r.amount.clone()}</strong>" for "{r.partner.clone()}" · "{r.customer.clone()}</span>
                            <ActionForm action=approve>
                                <input type="hidden" name="commission_id" value=r.id.to_string() />
                                <input type="hidden" name="back" value=back_approve />
                                <button type="submit" class="rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800">"Approve"</button>
                            </ActionForm>
                            <ActionForm action=reject attr:class="flex items-center gap-2">
                                <input type="hidden" name="commission_id" value=r.id.to_string() />
                                <input type="hidden" name="back" value=back_reject />
                                <label class="sr-only" for=format!("reason-{}", r.id)>"Reason for rejecting"</label>
                                <input id=format!("reason-{}", r.id) name="reason" type="text" required placeholder="Reason (shown to the partner)" class="w-56 rounded-md border border-stone-300 px-2 py-1.5" />
                                <button type="submit" class="rounded-md border border-red-300 px-3 py-1.5 font-medium text-red-800 hover:bg-red-50">"Reject"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <Pager page=page.page pages=page.pages total=page.total noun="commission" link />
    }.into_any()
}

/// A delivery florist's details and record: how their requests ended, why they declined, and
/// their latest requests with proof photos.
#[component]
fn FloristRecordView(record: crate::dto::delivery::FloristRecord) -> impl IntoView {
    let stats = [
        ("Offered", record.offered),
        ("Accepted", record.accepted),
        ("Declined", record.declined),
        ("Expired", record.expired),
        ("Withdrawn", record.withdrawn),
        ("Delivered", record.delivered),
        ("Delivered first visit", record.delivered_on_time),
        ("Could not deliver", record.failed),
    ];
    view! {
        <section aria-labelledby="florist-heading" class="space-y-3 rounded-lg border border-stone-200 bg-white p-4" data-testid="florist-record">
            <h2 id="florist-heading" class="font-semibold">"Delivery florist"</h2>
            <p class="text-sm">"Booking slug "<code>{record.booking_slug}</code>" · Shop: "{record.address}</p>
            {record.paused.map(|p| view! { <p class="text-sm text-amber-800">{p}</p> })}
            <p class="text-sm"><span class="font-medium">"Areas: "</span>
                {record.areas.iter().map(|a| format!("{}, {} {} ({})", a.suburb, a.city, a.postcode, a.country)).collect::<Vec<_>>().join("; ")}
            </p>
            <dl class="grid grid-cols-2 gap-2 sm:grid-cols-4">
                {stats.into_iter().map(|(label, n)| view! {
                    <div class="rounded-md bg-stone-50 p-2"><dt class="text-xs text-stone-600">{label}</dt><dd class="text-lg font-semibold tabular-nums">{n}</dd></div>
                }).collect_view()}
            </dl>
            {(!record.reasons.is_empty()).then(|| view! {
                <div>
                    <h3 class="text-sm font-medium">"Reasons given"</h3>
                    <ul class="mt-1 list-disc pl-5 text-sm" data-testid="florist-reasons">
                        {record.reasons.into_iter().map(|(what, reason, n)| view! { <li>{format!("{what}: {reason} ({n})")}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {(!record.recent.is_empty()).then(|| view! {
                <div class="overflow-x-auto" tabindex="0" role="region" aria-label="Latest delivery requests">
                    <table class="min-w-full text-left text-sm">
                        <caption class="sr-only">"Latest delivery requests"</caption>
                        <thead class="text-stone-600"><tr><th scope="col" class="py-1 pr-3 font-medium">"Delivery"</th><th scope="col" class="py-1 pr-3 font-medium">"Where"</th><th scope="col" class="py-1 pr-3 font-medium">"Status"</th><th scope="col" class="py-1 pr-3 font-medium">"Reason"</th><th scope="col" class="py-1 font-medium">"Photo"</th></tr></thead>
                        <tbody class="divide-y divide-stone-100">
                            {record.recent.into_iter().map(|r| view! {
                                <tr>
                                    <td class="py-1 pr-3 whitespace-nowrap">{r.date}</td>
                                    <td class="py-1 pr-3">{r.area}</td>
                                    <td class="py-1 pr-3">{r.status_label}</td>
                                    <td class="py-1 pr-3">{r.reason}</td>
                                    <td class="py-1">{r.photo_url.map(|u| view! { <a class="text-rose-700 underline" href=u>"View photo"</a> })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

/// The partner's Stripe onboarding, for admins: started or not, payable, what Stripe still needs.
#[component]
fn PayoutSetupView(setup: crate::dto::payouts::PayoutSetup) -> impl IntoView {
    let (label, class) = match (setup.started, setup.ready) {
        (_, true) => (
            "Payouts set up: Stripe can pay this partner",
            "bg-emerald-100 text-emerald-800",
        ),
        (true, false) => (
            "Onboarding started, not finished",
            "bg-amber-100 text-amber-900",
        ),
        (false, false) => ("Payouts not set up", "bg-stone-100 text-stone-700"),
    };
    view! {
        <div class="rounded-lg border border-stone-200 bg-white p-4">
            <h2 class="text-lg font-semibold">"Payouts"</h2>
            <p class="mt-1 text-sm"><span class=format!("rounded-full px-2 py-0.5 font-medium {class}") data-testid="admin-payout-setup">{label}</span></p>
            {setup.needs.map(|needs| view! { <p class="mt-1 text-sm text-stone-700">{needs}</p> })}
            <p class="mt-2 text-sm"><a class="inline-block py-1 underline" href="/admin/payouts">"All payouts"</a></p>
        </div>
    }
}
