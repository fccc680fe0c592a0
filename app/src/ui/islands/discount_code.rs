//! Checkout's totals and its discount-code box: apply or remove a partner's code without a reload.
//!
//! Without JavaScript the forms post to the server functions, which redirect back to checkout
//! (errors come back through the URL). Hydrated, the island calls the same functions by fetch, and
//! they answer with the order's new [`CheckoutTotals`] instead of redirecting.

use super::{IslandBundle, mark_hydrated};
use crate::api::partners::{
    ApplyDiscountCode, RemoveDiscountCode, apply_discount_code, remove_discount_code,
};
use crate::dto::AppError;
use crate::dto::orders::CheckoutTotals;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The order's amounts and code. `children` is the order's description, shown above the amounts
/// in the same card. `suggested`: a code from a share link, ready to apply. `error`: why the last
/// no-JS attempt failed.
#[component]
pub fn CheckoutTotalsCard(
    totals: CheckoutTotals,
    suggested: Option<String>,
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    if totals.code_editable {
        view! {
            <IslandBundle />
            <DiscountCodeIsland totals suggested error>{children()}</DiscountCodeIsland>
        }
        .into_any()
    } else {
        let locked = totals.code.clone().map(|c| view! {
            <p class="text-sm text-stone-600" data-testid="code-locked">"Code "<strong>{c.code}</strong>" from "{c.business_name}" is applied."</p>
        });
        view! {
            <div class="rounded-lg border border-stone-200 bg-white p-5">
                {children()}
                <TotalsList totals=Signal::stored(totals) />
            </div>
            {locked}
        }
        .into_any()
    }
}

/// Sends its two forms by fetch, calling the server functions directly rather than through
/// `ActionForm`: the same requests with less wasm (no form-data decoding, no action machinery).
#[island]
fn DiscountCodeIsland(
    totals: CheckoutTotals,
    suggested: Option<String>,
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    mark_hydrated();
    let order_id = totals.order_id;
    let totals = RwSignal::new(totals);
    let message = RwSignal::new(error);
    let pending = RwSignal::new(false);
    let code_input = NodeRef::<leptos::html::Input>::new();
    let settle = move |result: Result<CheckoutTotals, AppError>| {
        pending.set(false);
        match result {
            Ok(new) => {
                totals.set(new);
                message.set(None);
            }
            Err(e) => message.set(Some(
                e.field_message("code").unwrap_or_else(|| e.to_string()),
            )),
        }
    };
    let on_apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let code = code_input
            .get()
            .map(|input| input.value())
            .unwrap_or_default();
        pending.set(true);
        leptos::task::spawn_local(async move { settle(apply_discount_code(order_id, code).await) });
    };
    let on_remove = move |ev: SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        leptos::task::spawn_local(async move { settle(remove_discount_code(order_id).await) });
    };
    let saving = move || {
        totals.with(|t| {
            t.discount
                .as_deref()
                .map(|d| d.trim_start_matches('-').to_owned())
        })
    };
    let suggested = StoredValue::new(suggested.unwrap_or_default());
    view! {
        <div class="rounded-lg border border-stone-200 bg-white p-5">
            {children()}
            <TotalsList totals=totals.into() />
        </div>
        {move || match totals.with(|t| t.code.clone()) {
            Some(code) => view! {
                <div class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3" data-testid="code-applied" role="status">
                    <p class="text-sm text-emerald-900">
                        "Code "<strong>{code.code}</strong>" from "<strong>{code.business_name}</strong>" applied: "
                        {saving().unwrap_or_default()}" off."
                    </p>
                    <form action=RemoveDiscountCode::url() method="post" on:submit=on_remove>
                        <input type="hidden" name="order_id" value=order_id.to_string() />
                        <button type="submit" class="min-h-11 px-2 text-sm font-medium text-emerald-900 underline" disabled=move || pending.get()>"Remove"</button>
                    </form>
                    {move || message.get().map(|m| view! { <p class="w-full text-sm text-red-700">{m}</p> })}
                </div>
            }.into_any(),
            None => view! {
                <form action=ApplyDiscountCode::url() method="post" on:submit=on_apply class="rounded-lg border border-stone-200 bg-white p-4" data-testid="code-form">
                    <input type="hidden" name="order_id" value=order_id.to_string() />
                    <label for="discount-code" class="block text-sm font-medium">"Discount code"</label>
                    <div class="mt-1 flex gap-2">
                        <input
                            node_ref=code_input
                            id="discount-code"
                            name="code"
                            type="text"
                            autocomplete="off"
                            autocapitalize="characters"
                            spellcheck="false"
                            value=suggested.get_value()
                            aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                            aria-describedby="discount-code-error"
                            class="min-w-0 flex-1 rounded-md border border-stone-300 px-3 py-2 uppercase"
                        />
                        <button type="submit" class="rounded-md border border-rose-700 px-4 py-2 font-medium text-rose-700 hover:bg-rose-50" disabled=move || pending.get()>
                            {move || if pending.get() { "Checking…" } else { "Apply" }}
                        </button>
                    </div>
                    <p id="discount-code-error" class="mt-1 text-sm text-red-700" role="alert">{move || message.get()}</p>
                </form>
            }.into_any(),
        }}
    }
}

/// Subtotal, discount and total.
#[component]
fn TotalsList(totals: Signal<CheckoutTotals>) -> impl IntoView {
    let field = move |f: fn(&CheckoutTotals) -> String| move || totals.with(f);
    view! {
        <dl class="mt-4 space-y-2 border-t border-stone-100 pt-4 text-sm">
            <div class="flex justify-between"><dt>"Subtotal"</dt><dd class="tabular-nums" data-testid="subtotal">{field(|t| t.subtotal.clone())}</dd></div>
            <div class="flex justify-between text-stone-600">
                <dt>{field(|t| t.code.as_ref().map_or_else(|| "Discount".to_owned(), |c| format!("Discount ({})", c.code)))}</dt>
                <dd class="tabular-nums" data-testid="discount">{field(|t| t.discount.clone().unwrap_or_else(|| "—".to_owned()))}</dd>
            </div>
            <div class="flex justify-between border-t border-stone-100 pt-2 text-base font-semibold"><dt>"Total due now"</dt><dd class="tabular-nums" data-testid="total">{field(|t| t.total.clone())}</dd></div>
        </dl>
        <p class="mt-2 text-right text-xs text-stone-500">{field(|t| t.total_note.clone())}</p>
    }
}
