//! Numbers people would rather look at than read: headline figures and a bar chart (SVG, with a
//! text alternative listing every bar for screen readers).

use crate::dto::metrics::Bar;
use leptos::prelude::*;

/// One headline figure (inside a `<dl>`).
#[component]
pub fn Stat(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-stone-200 bg-white p-4">
            <dt class="text-sm text-stone-600">{label}</dt>
            <dd class="mt-1 text-2xl font-semibold tabular-nums" data-testid=testid>{value}</dd>
        </div>
    }
}

/// Bars scaled to the largest, labels under them as HTML (in the SVG they shrank to 7 px on a
/// phone). With many bars only every few are labelled, so labels never crowd; every bar keeps its
/// tooltip and its place in the text alternative. `empty` is said when every bar is zero.
#[component]
pub fn BarChart(
    #[prop(into)] caption: String,
    bars: Vec<Bar>,
    empty: &'static str,
    #[prop(default = "chart")] testid: &'static str,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.cents).max().unwrap_or(0).max(1);
    let (width, height) = (600.0_f64, 160.0_f64);
    let n = bars.len().max(1);
    // Gaps shrink as bars multiply (8 px for a year of months, 2 px for a month of days).
    let gap = if n > 16 { 2.0 } else { 8.0 };
    let bar = (width - gap * (n as f64 - 1.0)) / n as f64;
    let every = n.div_ceil(12);
    let total: i64 = bars.iter().map(|b| b.cents).sum();
    let summary = bars
        .iter()
        .map(|b| format!("{}: {}", b.title, b.amount))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="rounded-lg border border-stone-200 bg-white p-4" data-testid=testid>
            <figcaption class="mb-3 text-sm font-medium">{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {width} {}", height + 1.0) class="h-auto w-full" role="img" aria-label=format!("{caption}. {summary}")>
                {bars.iter().enumerate().map(|(i, b)| {
                    let h = if b.cents == 0 { 0.0 } else { (b.cents as f64 / max as f64 * height).max(2.0) };
                    let x = i as f64 * (bar + gap);
                    view! {
                        <g>
                            <title>{format!("{}: {}", b.title, b.amount)}</title>
                            <rect x=x y=height - h width=bar height=h rx="3" class="fill-rose-600" />
                        </g>
                    }
                }).collect_view()}
                <line x1="0" y1=height x2=width y2=height class="stroke-stone-300" />
            </svg>
            // One equal flex cell per bar (not an inline grid style: the CSP allows no inline
            // styles); a label wider than its cell overflows evenly on both sides of it.
            <div class="mt-1 flex text-xs text-stone-500" aria-hidden="true" data-testid="chart-labels">
                {bars.iter().enumerate().map(|(i, b)| {
                    view! { <span class="flex min-w-0 flex-1 basis-0 justify-center whitespace-nowrap">{(i % every == 0).then(|| b.label.clone())}</span> }
                }).collect_view()}
            </div>
            {(total == 0).then(|| view! { <p class="mt-2 text-sm text-stone-500">{empty}</p> })}
        </figure>
    }
}
