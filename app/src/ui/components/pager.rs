//! "Page 2 of 7 · 130 orders" with Previous / Next links, for every paged table.

use leptos::prelude::*;

/// `link` turns a page number into the URL that shows it (filters kept).
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    total: i64,
    noun: &'static str,
    link: Callback<i64, String>,
) -> impl IntoView {
    view! {
        <nav class="flex items-center justify-between text-sm" aria-label="Pages">
            <span class="text-stone-600">{format!("Page {page} of {pages} · {total} {noun}")}</span>
            <span class="flex gap-2">
                {(page > 1).then(|| view! { <a class="rounded border border-stone-300 bg-white px-3 py-1" href=link.run(page - 1)>"Previous"</a> })}
                {(page < pages).then(|| view! { <a class="rounded border border-stone-300 bg-white px-3 py-1" href=link.run(page + 1)>"Next"</a> })}
            </span>
        </nav>
    }
}
