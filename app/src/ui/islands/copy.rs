//! Copy-to-clipboard buttons (a partner's code and share link, a florist's booking link).

use super::{IslandBundle, mark_hydrated};
use leptos::prelude::*;

/// One copy button per `(label, text)`, e.g. `("Copy code", code)`. Server component: loads the
/// island bundle with the island.
#[component]
pub fn CopyButtons(items: Vec<(String, String)>) -> impl IntoView {
    view! {
        <IslandBundle />
        <CopyButtonsIsland items />
    }
}

/// The buttons need the Clipboard API, so they stay hidden until the island runs: without
/// JavaScript the texts are still on the page to select and copy by hand.
#[island]
fn CopyButtonsIsland(items: Vec<(String, String)>) -> impl IntoView {
    let ready = RwSignal::new(false);
    let copied = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    mark_hydrated();
    let copy = move |text: String| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, copied);
    };
    const BUTTON: &str = "min-h-11 rounded-md border border-rose-300 bg-white px-3 py-2 text-sm font-medium text-rose-800 hover:bg-rose-100";
    view! {
        <span class="flex flex-wrap items-center gap-3" hidden=move || !ready.get()>
            {items.into_iter().map(|(label, text)| view! {
                <button type="button" class=BUTTON on:click=move |_| copy(text.clone())>{label}</button>
            }).collect_view()}
            <span role="status" class="text-sm text-rose-900">{move || copied.get().then_some("Copied.")}</span>
        </span>
    }
}
