//! The customer's shop pages: the order form, checkout, and "my orders".

use crate::api::orders::{
    CancelSubscription, CreateOrder, PayOrder, get_checkout, get_my_orders, get_order_form_options,
};
use crate::api::partners::{ApplyDiscountCode, RemoveDiscountCode};
use crate::domain::order::{COUNTRIES, Frequency, OrderKind};
use crate::dto::AppError;
use crate::dto::orders::{CardPayment, CheckoutView, OrderFormOptions, OrderSummary};
use crate::ui::components::form::{
    Field, SelectField, TextAreaField, action_error, field_error, form_error,
};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::islands::discount_code::CheckoutTotalsCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const BUTTON: &str = "w-full rounded-md bg-rose-700 px-4 py-3 font-medium text-white hover:bg-rose-800 disabled:opacity-60 sm:w-auto";

#[component]
pub fn OrderPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_order_form_options());
    view! {
        <Title text="Order flowers" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) => view! { <OrderForm options /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderForm(options: OrderFormOptions) -> impl IntoView {
    let action = ServerAction::<CreateOrder>::new();
    let general = form_error(action, false);
    let frequencies: Vec<_> = Frequency::ALL
        .iter()
        .map(|f| (f.as_str().to_owned(), f.label().to_owned()))
        .collect();
    let years: Vec<_> = (1..=options.max_years)
        .map(|y| {
            (
                y.to_string(),
                format!("{y} year{}", if y == 1 { "" } else { "s" }),
            )
        })
        .collect();
    let countries: Vec<_> = COUNTRIES
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect();
    let budget_hint = format!(
        "Between {} and {} per delivery, in {}.",
        options.min_budget, options.max_budget, options.currency
    );
    view! {
        <section class="mx-auto max-w-2xl">
            <h1 class="text-2xl font-semibold">"Order flowers"</h1>
            <p class="mt-1 text-stone-600">"Tell us when, where and how much. You can review everything before paying."</p>
            // No `novalidate`: the page has no script, and a failed post comes back without what
            // was typed, so the browser checks what it can (required fields, the budget's range, the
            // earliest date) first. The server checks everything again.
            <ActionForm action=action attr:class="mt-6 space-y-8">
                {move || general.get().map(|m| view! { <ErrorBanner message=m /> })}
                <input type="hidden" name="code" value=use_query_map().with_untracked(|q| q.get("code")).unwrap_or_default() />
                <fieldset class="space-y-3 rounded-lg border border-stone-200 bg-white p-5">
                    <legend class="px-1 text-base font-medium">"How would you like to order?"</legend>
                    {OrderKind::ALL.into_iter().map(|k| {
                        let value = k.as_str();
                        let note = match k {
                            OrderKind::SingleDelivery => "One bunch on one date.",
                            OrderKind::Upfront => "Pay once for a year or more of deliveries.",
                            OrderKind::Subscription => "Pay per delivery; cancel any time.",
                        };
                        view! {
                            <label class="flex cursor-pointer items-start gap-3 rounded-md border border-stone-200 p-3 has-[:checked]:border-rose-600 has-[:checked]:bg-rose-50">
                                <input type="radio" name="kind" value=value checked=k == OrderKind::SingleDelivery
                                    class="mt-1 accent-rose-700" />
                                <span><span class="font-medium">{k.label()}</span><span class="block text-sm text-stone-600">{note}</span></span>
                            </label>
                        }
                    }).collect_view()}
                    <p class="text-sm text-red-700">{move || field_error(action, "kind").get()}</p>
                </fieldset>

                <fieldset class="grid gap-4 rounded-lg border border-stone-200 bg-white p-5 sm:grid-cols-2">
                    <legend class="px-1 text-base font-medium">"Flowers and dates"</legend>
                    <Field label=format!("Budget per delivery ({})", options.currency) name="budget" kind="number" inputmode="decimal"
                        step="0.01" min=options.min_budget.clone() max=options.max_budget.clone()
                        autocomplete="off" required=true hint=budget_hint error=field_error(action, "budget") />
                    <Field label="First delivery date" name="first_delivery_date" kind="date" required=true
                        min=options.earliest_date.clone() value=options.earliest_date.clone() error=field_error(action, "first_delivery_date") />
                    // Every field is in the HTML; style/tailwind.css hides the ones the chosen kind
                    // does not use (CSS `:has`, no script), and the server ignores them.
                    <div class="order-plan-field">
                        <SelectField label="How often" name="frequency" options=frequencies selected="monthly"
                            hint="For prepaid plans and subscriptions." error=field_error(action, "frequency") />
                    </div>
                    <div class="order-years-field">
                        <SelectField label="For how long" name="years" options=years selected="1"
                            hint="For prepaid plans." error=field_error(action, "years") />
                    </div>
                </fieldset>

                <fieldset class="grid gap-4 rounded-lg border border-stone-200 bg-white p-5 sm:grid-cols-2">
                    <legend class="px-1 text-base font-medium">"Who receives them"</legend>
                    <div class="sm:col-span-2">
                        <Field label="Recipient's name" name="recipient_name" autocomplete="off" required=true error=field_error(action, "recipient_name") />
                    </div>
                    <div class="sm:col-span-2">
                        <Field label="Street address" name="street_address" autocomplete="address-line1" required=true error=field_error(action, "street_address") />
                    </div>
                    <Field label="Suburb" name="suburb" autocomplete="address-level3" required=true error=field_error(action, "suburb") />
                    <Field label="City" name="city" autocomplete="address-level2" required=true error=field_error(action, "city") />
                    <Field label="State (optional)" name="state" autocomplete="address-level1" error=field_error(action, "state") />
                    <Field label="Postcode" name="postcode" autocomplete="postal-code" required=true error=field_error(action, "postcode") />
                    <div class="sm:col-span-2">
                        <SelectField label="Country" name="country" options=countries selected=options.default_country.clone() error=field_error(action, "country") />
                    </div>
                    <div class="sm:col-span-2">
                        <Field label="Recipient's phone (optional)" name="recipient_phone" kind="tel" autocomplete="off"
                            hint="Only the florist who takes the delivery sees it, for that delivery." error=field_error(action, "recipient_phone") />
                    </div>
                    <div class="sm:col-span-2">
                        <SelectField label="Occasion (optional)" name="occasion"
                            options=crate::domain::delivery::OCCASIONS.iter().map(|(k, l)| ((*k).to_owned(), (*l).to_owned())).collect()
                            hint="Helps the florist choose the flowers." error=field_error(action, "occasion") />
                    </div>
                </fieldset>

                <fieldset class="space-y-4 rounded-lg border border-stone-200 bg-white p-5">
                    <legend class="px-1 text-base font-medium">"Notes"</legend>
                    <TextAreaField label="Card message (optional)" name="message" hint="Printed on the card with every delivery." error=field_error(action, "message") />
                    <TextAreaField label="Delivery notes (optional)" name="delivery_notes" hint="For the florist: gate codes, where to leave them." error=field_error(action, "delivery_notes") />
                </fieldset>

                <button type="submit" class=BUTTON>"Review and pay"</button>
            </ActionForm>
        </section>
    }
}

fn param_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let id = param_id();
    let checkout = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_checkout(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // A share link (`/order?code=…`) carries the code here, ready to apply.
    let suggested = use_query_map().with_untracked(|q| q.get("code"));
    view! {
        <Title text="Checkout" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let suggested = suggested.clone();
                Suspend::new(async move {
                    match checkout.await {
                        Ok(view) => view! { <Checkout view suggested /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Checkout(view: CheckoutView, suggested: Option<String>) -> impl IntoView {
    // Server-side only: a failed no-JS form post comes back with its error in the URL.
    let pay = ServerAction::<PayOrder>::new();
    let message = action_error(pay, "payment");
    let code_error = {
        let (apply, remove) = (
            ServerAction::<ApplyDiscountCode>::new(),
            ServerAction::<RemoveDiscountCode>::new(),
        );
        action_error(apply, "code")
            .get_untracked()
            .or_else(|| action_error(remove, "code").get_untracked())
    };
    let CheckoutView {
        title,
        recipient,
        address,
        first_delivery,
        budget,
        totals,
        payable,
        status_label,
        test_mode,
        card,
        card_problem,
    } = view;
    let order_id = totals.order_id;
    view! {
        <section class="mx-auto max-w-xl space-y-6">
            {test_mode.then(|| view! {
                <p role="status" class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
                    <strong>"Test mode. "</strong>"No card is charged: payments are completed by the offline payment simulator."
                </p>
            })}
            <h1 class="text-2xl font-semibold">"Checkout"</h1>
            <CheckoutTotalsCard totals suggested error=code_error>
                <h2 class="font-medium">{title}</h2>
                <p class="mt-1 text-sm text-stone-600">"For "{recipient}", "{address}</p>
                <p class="text-sm text-stone-600">"First delivery "{first_delivery}" · "{budget}" per delivery"</p>
            </CheckoutTotalsCard>
            {card_problem.map(|m| view! { <ErrorBanner message=m /> })}
            {if let Some(card) = card {
                view! { <CardForm card /> }.into_any()
            } else if payable {
                view! {
                    <ActionForm action=pay attr:class="space-y-3">
                        {move || message.get().map(|m| view! { <ErrorBanner message=m /> })}
                        <input type="hidden" name="order_id" value=order_id.to_string() />
                        <button type="submit" class=BUTTON>
                            {if test_mode { "Pay (test mode)" } else { "Continue to payment" }}
                        </button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <p class="rounded-md bg-stone-100 px-4 py-3 text-sm">"This order is "<strong>{status_label}</strong>". "
                        <a class="font-medium text-rose-700 underline" href="/orders">"See your orders"</a></p>
                }.into_any()
            }}
            {payable.then(|| view! {
                <p class="text-sm"><a class="inline-block py-2 font-medium text-rose-700 underline" href="/order">"← Start a different order"</a></p>
            })}
        </section>
    }
}

/// The Stripe.js Payment Element. `/stripe-checkout.js` (in `public/`) mounts it from the data
/// attributes and confirms the card; Stripe then sends the browser to `return_url`, and the order
/// becomes paid when Stripe's webhook arrives. Card entry needs JavaScript (Stripe's iframe), but
/// not our wasm: a plain deferred script is all this page loads for it.
#[component]
fn CardForm(card: CardPayment) -> impl IntoView {
    let nonce = use_nonce().map(|n| n.to_string());
    view! {
        <form id="card-form" class="space-y-3" data-testid="card-form">
            <div
                id="payment-element"
                class="min-h-24 rounded-md border border-stone-300 bg-white p-3"
                data-key=card.publishable_key
                data-secret=card.client_secret
                data-return=card.return_url
            ></div>
            <p id="card-errors" role="alert" class="text-sm text-red-700"></p>
            <button type="submit" class=BUTTON>"Pay"</button>
            <noscript>
                <p class="text-sm text-stone-600">"Card payments need JavaScript: please enable it to enter your card."</p>
            </noscript>
        </form>
        <script src="/stripe-checkout.js" defer nonce=nonce></script>
    }
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let cancel = ServerAction::<CancelSubscription>::new();
    let orders = Resource::new(|| (), |_| get_my_orders());
    let (paid, cancelled) = use_query_map().with_untracked(|q| (q.get("paid"), q.get("cancelled")));
    let cancel_failed = action_error(cancel, "order");
    view! {
        <Title text="Your orders" />
        <section class="space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-2xl font-semibold">"Your orders"</h1>
                <a href="/order" class="rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800">"Order flowers"</a>
            </div>
            {paid.map(|_| view! {
                <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
                    "Payment received — thank you. Your deliveries are scheduled below."
                </p>
            })}
            {cancelled.map(|_| view! {
                <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="cancelled">
                    "Your subscription is cancelled: you will not be charged again. Deliveries already paid for still arrive."
                </p>
            })}
            {move || cancel_failed.get().map(|m| view! { <ErrorBanner message=m /> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) if list.is_empty() => view! {
                            <div class="rounded-lg border border-dashed border-stone-300 bg-white p-8 text-center">
                                <h2 class="font-medium">"No orders yet"</h2>
                                <p class="mt-1 text-sm text-stone-600">"Choose a date and a budget, and a local florist does the rest."</p>
                                <a href="/order" class="mt-4 inline-block font-medium text-rose-700 underline">"Place your first order"</a>
                            </div>
                        }.into_any(),
                        Ok(list) => view! { <ul class="space-y-4">{list.into_iter().map(|o| view! { <OrderCard order=o cancel /> }).collect_view()}</ul> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrderCard(order: OrderSummary, cancel: ServerAction<CancelSubscription>) -> impl IntoView {
    let badge = match order.status.as_str() {
        "active" => "bg-emerald-100 text-emerald-800",
        "pending_payment" => "bg-amber-100 text-amber-900",
        _ => "bg-stone-200 text-stone-700",
    };
    let pending = order.status == "pending_payment";
    let more = order.scheduled_count.saturating_sub(order.upcoming.len());
    view! {
        <li class="rounded-lg border border-stone-200 bg-white p-5" data-testid="order">
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div>
                    <h2 class="font-medium">{order.title}</h2>
                    <p class="text-sm text-stone-600">"For "{order.recipient}", "{order.address}</p>
                    <p class="text-xs text-stone-500">"Order #"{order.id}" · placed "{order.placed}" · "{order.total}</p>
                </div>
                <span class=format!("rounded-full px-2.5 py-0.5 text-xs font-medium {badge}")>{order.status_label}</span>
            </div>
            {pending.then(|| view! { <a href=format!("/checkout/{}", order.id) class="mt-3 inline-block py-1 text-sm font-medium text-rose-700 underline">"Complete payment"</a> })}
            <div class="mt-4 grid gap-4 sm:grid-cols-2">
                <div>
                    <h3 class="text-sm font-medium">"Upcoming deliveries"</h3>
                    {if order.upcoming.is_empty() {
                        view! { <p class="text-sm text-stone-500">"None scheduled."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-1 space-y-0.5 text-sm" data-testid="upcoming">
                                {order.upcoming.into_iter().map(|(d, florist)| view! {
                                    <li>
                                        {d}" · "
                                        {match florist {
                                            Some(name) => view! { <span class="text-emerald-800" data-testid="florist-confirmed">{format!("florist confirmed ({name})")}</span> }.into_any(),
                                            None => view! { <span class="text-stone-500">"florist not confirmed yet"</span> }.into_any(),
                                        }}
                                    </li>
                                }).collect_view()}
                                {(more > 0).then(|| view! { <li class="text-stone-500">"and "{more}" more"</li> })}
                            </ul>
                        }.into_any()
                    }}
                </div>
                <div>
                    <h3 class="text-sm font-medium">"Payments"</h3>
                    {if order.payments.is_empty() {
                        view! { <p class="text-sm text-stone-500">"No payments yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-1 space-y-0.5 text-sm" data-testid="payments">
                                {order.payments.into_iter().map(|p| view! {
                                    <li class="tabular-nums">
                                        {p.date}" · "{p.amount}" · "{p.status}
                                        {p.reversals.into_iter().map(|r| view! { <span class="block text-stone-500">{r}</span> }).collect_view()}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </div>
            {order.cancellable.then(|| view! {
                <details class="mt-4 text-sm">
                    <summary class="cursor-pointer font-medium text-stone-700 underline">"Cancel this subscription…"</summary>
                    <ActionForm action=cancel attr:class="mt-2 space-y-2 rounded-md border border-stone-200 bg-stone-50 p-3">
                        <p>"You will not be charged again. Deliveries you have already paid for still arrive."</p>
                        <input type="hidden" name="order_id" value=order.id.to_string() />
                        <button type="submit" class="rounded-md border border-red-300 bg-white px-3 py-1.5 font-medium text-red-800 hover:bg-red-50">"Cancel subscription"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
