//! Copy-to-clipboard buttons for a partner's code and share link.

use super::{IslandBundle, mark_hydrated};
use leptos::prelude::*;

/// Copy buttons for `code` and, when the code works, its `share` link. Server component: loads the
/// island bundle with the island.
#[component]
pub fn CopyButtons(code: String, share: Option<String>) -> impl IntoView {
    view! {
        <IslandBundle />
        <CopyButtonsIsland code share />
    }
}

/// The buttons need the Clipboard API, so they stay hidden until the island runs: without
/// JavaScript the code and the link are still there to select and copy by hand.
#[island]
fn CopyButtonsIsland(code: String, share: Option<String>) -> impl IntoView {
    let ready = RwSignal::new(false);
    let copied = RwSignal::new(None::<&'static str>);
    Effect::new(move || ready.set(true));
    mark_hydrated();
    let copy = move |text: String, what: &'static str| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
            copied.set(Some(what));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, what, copied);
    };
    const BUTTON: &str = "min-h-11 rounded-md border border-rose-300 bg-white px-3 py-2 text-sm font-medium text-rose-800 hover:bg-rose-100";
    view! {
        <span class="flex flex-wrap items-center gap-3" hidden=move || !ready.get()>
            <button type="button" class=BUTTON on:click=move |_| copy(code.clone(), "code")>"Copy code"</button>
            {share.map(|share| view! {
                <button type="button" class=BUTTON on:click=move |_| copy(share.clone(), "link")>"Copy share link"</button>
            })}
            <span role="status" class="text-sm text-rose-900">{move || copied.get().map(|w| format!("Copied the {w}."))}</span>
        </span>
    }
}
