//! Admin: every order, filterable by status and paged; one order with its payments and deliveries.

use crate::api::admin::{
    AdminCancelSubscription, ReviewPayment, SimulateNextInvoice, get_admin_order, list_orders,
};
use crate::dto::AppError;
use crate::dto::admin::{AdminOrderDetail, AdminOrderPage};
use crate::dto::orders::PaymentLine;
use crate::ui::components::form::{action_error, form_error};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const STATUS_FILTERS: [(&str, &str); 7] = [
    ("", "All statuses"),
    ("needs_review", "Payment to review"),
    ("pending_payment", "Awaiting payment"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
    ("refunded", "Refunded"),
];

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status").filter(|s| !s.is_empty()));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(
        move || (status.get(), page.get()),
        |(status, page)| list_orders(status, page),
    );
    view! {
        <Title text="Orders · Admin" />
        <section class="space-y-5">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <div>
                    <a href="/admin" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Admin"</a>
                    <h1 class="text-2xl font-semibold">"Orders"</h1>
                </div>
                <form method="get" action="/admin/orders" class="flex items-end gap-2">
                    <label class="text-sm">
                        <span class="block font-medium">"Status"</span>
                        <select name="status" class="rounded-md border border-stone-300 bg-white px-2 py-1.5">
                            {STATUS_FILTERS.iter().map(|(value, label)| {
                                let selected = status.get_untracked().as_deref().unwrap_or("") == *value;
                                view! { <option value=*value selected=selected>{*label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-100">"Filter"</button>
                </form>
            </div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <OrdersTable page status=status.get_untracked() /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrdersTable(page: AdminOrderPage, status: Option<String>) -> impl IntoView {
    if page.rows.is_empty() {
        return view! {
            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">
                {if status.is_some() { "No orders with this status." } else { "No orders yet. They appear here as customers check out." }}
            </p>
        }
        .into_any();
    }
    let link = Callback::new(move |p: i64| match &status {
        Some(s) => format!("/admin/orders?status={s}&page={p}"),
        None => format!("/admin/orders?page={p}"),
    });
    view! {
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Orders table">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Orders"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"#"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Customer"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Kind"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Total"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Placed"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {page.rows.into_iter().map(|r| view! {
                        <tr data-testid="admin-order">
                            <td class="px-4 py-2"><a class="font-medium text-rose-700 underline" href=format!("/admin/orders/{}", r.id)>{r.id}</a></td>
                            <td class="px-4 py-2">{r.customer}</td>
                            <td class="px-4 py-2">{r.kind}</td>
                            <td class="px-4 py-2">{r.status}</td>
                            <td class="px-4 py-2 text-right tabular-nums">{r.total}</td>
                            <td class="px-4 py-2 tabular-nums">{r.placed}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page pages=page.pages total=page.total noun="order" link />
    }
    .into_any()
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let invoice = ServerAction::<SimulateNextInvoice>::new();
    let review = ServerAction::<ReviewPayment>::new();
    let cancel = ServerAction::<AdminCancelSubscription>::new();
    let detail = Resource::new(
        move || {
            (
                id.get(),
                invoice.version().get(),
                review.version().get(),
                cancel.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_admin_order(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Order · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(order) => view! { <OrderDetail order invoice review cancel /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderDetail(
    order: AdminOrderDetail,
    invoice: ServerAction<SimulateNextInvoice>,
    review: ServerAction<ReviewPayment>,
    cancel: ServerAction<AdminCancelSubscription>,
) -> impl IntoView {
    let AdminOrderDetail {
        summary,
        customer,
        is_subscription,
        test_mode,
        to_recover,
    } = order;
    let failed = form_error(invoice, true);
    let done = move || invoice.value().get().and_then(Result::ok);
    let review_failed = action_error(review, "payment");
    let reviewed = move || review.value().get().and_then(Result::ok);
    let cancel_failed = action_error(cancel, "order");
    let cancelled = move || cancel.value().get().and_then(Result::ok);
    let cancellable = summary.cancellable;
    let cancel_pending = summary.gateway_cancel_pending;
    let id = summary.id;
    view! {
        <section class="space-y-5">
            <div>
                <a href="/admin/orders" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Orders"</a>
                <h1 class="text-2xl font-semibold">{format!("Order #{id}")}</h1>
                <p class="text-stone-600">{summary.title.clone()}" · "{summary.status_label.clone()}" · "{customer}</p>
            </div>
            <div class="grid gap-4 sm:grid-cols-2">
                <div class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                    <h2 class="font-medium">"Recipient"</h2>
                    <p>{summary.recipient.clone()}</p>
                    <p class="text-stone-600">{summary.address.clone()}</p>
                    <p class="mt-2">"Total "<strong class="tabular-nums">{summary.total.clone()}</strong>" · placed "{summary.placed.clone()}</p>
                </div>
                <div class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                    <h2 class="font-medium">{format!("Deliveries: {} upcoming, {} delivered", summary.scheduled_count, summary.delivered_count)}</h2>
                    <ul data-testid="upcoming">{summary.upcoming.iter().map(|(d, florist)| view! {
                        <li>{d.clone()}" · "{florist.clone().map_or_else(|| "no florist yet".to_owned(), |f| format!("florist: {f}"))}</li>
                    }).collect_view()}</ul>
                </div>
            </div>
            <div class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                <h2 class="font-medium">"Payments"</h2>
                {move || review_failed.get().map(|m| view! { <ErrorBanner message=m /> })}
                {move || reviewed().map(|m| view! { <p role="status" class="text-emerald-800">{m}</p> })}
                {if summary.payments.is_empty() {
                    view! { <p class="text-stone-500">"No payments yet."</p> }.into_any()
                } else {
                    view! {
                        <ul data-testid="payments" class="divide-y divide-stone-100">
                            {summary.payments.iter().cloned().map(|p| view! { <PaymentItem p review /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
            {(!to_recover.is_empty()).then(|| view! {
                <div class="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900" data-testid="to-recover">
                    <h2 class="font-medium">"Commissions already paid on reversed payments"</h2>
                    <p>"These were paid out before the payment was refunded or lost in a dispute: recover them from the partner's next payout."</p>
                    <ul class="mt-1 list-disc pl-5">
                        {to_recover.into_iter().map(|c| view! { <li>{format!("{} · {} · payment {}", c.partner, c.amount, c.payment)}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {cancel_pending.then(|| view! {
                <p role="status" class="rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
                    "Cancelled here; the payment service has not confirmed it yet. It is retried automatically."
                </p>
            })}
            {cancellable.then(|| view! {
                <ActionForm action=cancel attr:class="space-y-2 rounded-lg border border-stone-200 bg-white p-4 text-sm">
                    <p>"Cancel this subscription: no further invoices are charged. Deliveries already paid for still go out."</p>
                    {move || cancel_failed.get().map(|m| view! { <ErrorBanner message=m /> })}
                    {move || cancelled().map(|m| view! { <p role="status" class="text-emerald-800">{m}</p> })}
                    <input type="hidden" name="order_id" value=id.to_string() />
                    <button type="submit" class="rounded-md border border-red-300 bg-white px-3 py-1.5 font-medium text-red-800 hover:bg-red-50">"Cancel subscription"</button>
                </ActionForm>
            })}
            {(is_subscription && test_mode).then(|| view! {
                <ActionForm action=invoice attr:class="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
                    <p><strong>"Test mode. "</strong>"Produce this subscription's next paid invoice, as Stripe would at the next billing date."</p>
                    {move || failed.get().map(|m| view! { <ErrorBanner message=m /> })}
                    {move || done().map(|m| view! { <p role="status" class="text-emerald-800">{m}</p> })}
                    <input type="hidden" name="order_id" value=id.to_string() />
                    <button type="submit" class="rounded-md bg-amber-700 px-3 py-1.5 font-medium text-white hover:bg-amber-800">"Produce next invoice"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// One payment on the admin order page: its refunds and disputes, and for a payment under review
/// both amounts and the two decisions.
#[component]
fn PaymentItem(p: PaymentLine, review: ServerAction<ReviewPayment>) -> impl IntoView {
    let PaymentLine {
        id,
        date,
        amount,
        status,
        reversals,
        review: reason,
        ..
    } = p;
    view! {
        <li class="py-2" data-testid="payment">
            <p class="tabular-nums">{format!("#{id} · {date} · {amount} · {status}")}</p>
            {(!reversals.is_empty()).then(|| view! {
                <ul class="text-stone-600" data-testid="reversals">
                    {reversals.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            })}
            {reason.map(|reason| view! {
                <div class="mt-2 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="review">
                    <p><strong>"Needs review. "</strong>{reason}</p>
                    <div class="flex flex-wrap gap-2">
                        <ActionForm action=review>
                            <input type="hidden" name="payment_id" value=id.to_string() />
                            <input type="hidden" name="decision" value="accept" />
                            <button type="submit" class="rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800">"Accept as received"</button>
                        </ActionForm>
                        <ActionForm action=review>
                            <input type="hidden" name="payment_id" value=id.to_string() />
                            <input type="hidden" name="decision" value="refund" />
                            <button type="submit" class="rounded-md border border-red-300 bg-white px-3 py-1.5 font-medium text-red-800 hover:bg-red-50">"Refund in full"</button>
                        </ActionForm>
                    </div>
                </div>
            })}
        </li>
    }
}
