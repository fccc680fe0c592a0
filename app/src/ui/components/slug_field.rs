//! The booking-slug box of the florist sign-up. `/slug-check.js` (in `public/`) says whether the
//! name is free as it is typed; without script the server checks it when the form is sent.

use crate::ui::components::form::CONTROL;
use leptos::prelude::*;

/// `error` is why the last post was refused.
#[component]
pub fn SlugField(error: Option<String>) -> impl IntoView {
    let nonce = use_nonce().map_or_else(String::new, |n| n.to_string());
    let invalid = if error.is_some() { "true" } else { "false" };
    view! {
        <div class="space-y-1">
            <label for="field-booking_slug" class="block text-sm font-medium text-stone-800">"Booking link name"</label>
            <input id="field-booking_slug" name="booking_slug" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                pattern="[A-Za-z0-9-]{3,40}" aria-describedby="field-booking_slug-hint field-booking_slug-error"
                aria-invalid=invalid class=format!("{CONTROL} aria-[invalid=true]:border-red-600") />
            <p id="field-booking_slug-hint" class="text-xs text-stone-500">"Letters, digits and hyphens, like roses-and-thorns. Customers who come through your link are offered to you first."</p>
            // The script sets `text-emerald-700` on a free name (named here so the stylesheet keeps it).
            <p id="field-booking_slug-error" aria-live="polite" data-field-error="booking_slug" class="text-sm text-red-700" data-free-class="text-emerald-700">{error}</p>
        </div>
        <script src="/slug-check.js" defer nonce=nonce></script>
    }
}
