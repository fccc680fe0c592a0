//! `/admin/deliveries`: the "needs a florist" queue. Each delivery nobody could take (or that went
//! wrong) with the reason, and a form to give it to a florist by hand (who gets the request by mail).

use crate::api::delivery::{AssignFlorist, list_needs_florist};
use crate::dto::Paged;
use crate::dto::delivery::NeedsFlorist;
use crate::ui::components::form::form_error;
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminDeliveriesPage() -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new(move || page.get(), list_needs_florist);
    view! {
        <Title text="Deliveries needing a florist" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(queue) => view! { <Queue queue /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(queue: Paged<NeedsFlorist>) -> impl IntoView {
    let action = ServerAction::<AssignFlorist>::new();
    let error = form_error(action, true);
    let link = Callback::new(|p: i64| format!("/admin/deliveries?page={p}"));
    view! {
        <section class="space-y-4">
            <nav class="text-sm text-stone-600"><a class="inline-block py-1 underline" href="/admin">"Admin"</a>" / Deliveries"</nav>
            <h1 class="text-2xl font-semibold">"Deliveries needing a florist "<span class="text-stone-500" data-testid="needs-florist-count">{queue.total}</span></h1>
            <p class="text-sm text-stone-600">"The daily job offers each delivery to the florists covering its suburb. These are the ones nobody could take, or that went wrong on the day. Assigning a florist emails them the request; they still accept or decline."</p>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            {if queue.rows.is_empty() {
                view! { <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-deliveries-waiting">"Nothing waiting: every upcoming delivery has a florist or is still being offered."</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3">
                        {queue.rows.into_iter().map(|row| view! { <QueueRow row action /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <Pager page=queue.page pages=queue.pages total=queue.total noun="delivery" link />
        </section>
    }
}

#[component]
fn QueueRow(row: NeedsFlorist, action: ServerAction<AssignFlorist>) -> impl IntoView {
    let (label_for, select_id) = (
        format!("florist-{}", row.event_id),
        format!("florist-{}", row.event_id),
    );
    let has_florists = !row.florists.is_empty();
    view! {
        <li class="rounded-lg border border-stone-200 bg-white p-4" data-testid="needs-florist">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="font-medium">{row.date.clone()}" · "{row.area.clone()}</p>
                <a class="inline-block py-1 text-sm text-rose-700 underline" href=format!("/admin/orders/{}", row.order_id)>{format!("Order #{}", row.order_id)}</a>
            </div>
            <p class="mt-1 text-sm"><span class="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-900">{row.reason.clone()}</span></p>
            <p class="mt-1 text-sm text-stone-600">{format!("Budget {} · {} florist(s) asked · waiting since {}", row.budget, row.asked, row.since)}</p>
            {if has_florists {
                view! {
                    <ActionForm action=action attr:class="mt-3 flex flex-wrap items-end gap-2">
                        <input type="hidden" name="event_id" value=row.event_id.to_string() />
                        <label class="text-sm" for=label_for>
                            <span class="block font-medium">"Florist"</span>
                            <select id=select_id name="partner_id" class="rounded-md border border-stone-300 bg-white px-2 py-2">
                                {row.florists.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="min-h-11 rounded-md bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-800">"Send the request"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="mt-2 text-sm text-stone-600">"No active delivery florist yet: approve one on the partners page."</p> }.into_any()
            }}
        </li>
    }
}
