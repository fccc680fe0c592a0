//! Links that carry a page's filters: paged lists ("Next" keeps the filters) and CSV downloads.

use leptos::prelude::*;

/// Percent-encodes a query parameter value (everything but letters, digits and `-_.`).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `path?k=v&…` from the filters that are set (just `path` when none is).
pub fn with_query(path: &str, filters: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = filters
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// `/path?k=v&…&page=N` from the current filters.
pub fn page_link(path: &str, filters: &[(&str, Option<String>)], page: i64) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
    parts.push(format!("page={page}"));
    format!("{path}?{}", parts.join("&"))
}

/// A CSV download (a plain GET the server answers with a file): "Download CSV" unless `label`
/// says more ("Commissions CSV").
#[component]
pub fn CsvLink(
    #[prop(into)] href: String,
    #[prop(default = "Download CSV")] label: &'static str,
    #[prop(default = "csv-link")] testid: &'static str,
) -> impl IntoView {
    view! {
        <a href=href download class="inline-flex min-h-11 items-center gap-1 rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-100" data-testid=testid>
            <span aria-hidden="true">"⤓"</span>
            {label}
        </a>
    }
}
