//! "Page 2 of 7 · 130 orders" with Previous / Next links, for every paged table.

use leptos::prelude::*;

/// `link` turns a page number into the URL that shows it (filters kept). `noun` is singular and
/// regular ("order" → "1 order", "2 orders").
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    total: i64,
    noun: &'static str,
    link: Callback<i64, String>,
) -> impl IntoView {
    let plural = if total == 1 { "" } else { "s" };
    view! {
        <nav class="flex items-center justify-between gap-2 text-sm" aria-label="Pages">
            <span class="text-stone-600">{format!("Page {page} of {pages} · {total} {noun}{plural}")}</span>
            <span class="flex gap-2">
                {(page > 1).then(|| view! { <a class="rounded border border-stone-300 bg-white px-3 py-2" href=link.run(page - 1)>"Previous"</a> })}
                {(page < pages).then(|| view! { <a class="rounded border border-stone-300 bg-white px-3 py-2" href=link.run(page + 1)>"Next"</a> })}
            </span>
        </nav>
    }
}
