//! Admin: every order, filterable by status and paged; one order with its payments and deliveries.

use crate::api::AppError;
use crate::api::admin::{
    AdminOrderDetail, AdminOrderPage, SimulateNextInvoice, get_admin_order, list_orders,
};
use crate::ui::components::form::form_error;
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const STATUS_FILTERS: [(&str, &str); 6] = [
    ("", "All statuses"),
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
                    <a href="/admin" class="text-sm text-stone-500 hover:underline">"Admin"</a>
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
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white">
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
        <Pager page=page.page pages=page.pages total=page.total noun="orders" link />
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
    let detail = Resource::new(
        move || (id.get(), invoice.version().get()),
        |(id, _)| async move {
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
                    Ok(order) => view! { <OrderDetail order invoice /> }.into_any(),
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
) -> impl IntoView {
    let AdminOrderDetail {
        summary,
        customer,
        is_subscription,
        test_mode,
    } = order;
    let failed = form_error(invoice, true);
    let done = move || invoice.value().get().and_then(Result::ok);
    let id = summary.id;
    view! {
        <section class="space-y-5">
            <div>
                <a href="/admin/orders" class="text-sm text-stone-500 hover:underline">"Orders"</a>
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
                    <ul data-testid="upcoming">{summary.upcoming.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
                </div>
            </div>
            <div class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                <h2 class="font-medium">"Payments"</h2>
                {if summary.payments.is_empty() {
                    view! { <p class="text-stone-500">"No payments yet."</p> }.into_any()
                } else {
                    view! { <ul data-testid="payments">{summary.payments.iter().map(|p| view! { <li class="tabular-nums">{format!("{} · {} · {}", p.date, p.amount, p.status)}</li> }).collect_view()}</ul> }.into_any()
                }}
            </div>
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
