//! Service-area rows for the florist forms (sign-up and the dashboard's editor), posted as
//! `areas[i][suburb]` … and read back as [`crate::dto::delivery::AreaField`].
//!
//! No script: each optional row has a checkbox whose state shows or hides its fields (pure CSS,
//! `.area-row` in the stylesheet); a row left unticked is ignored by the server, so unticking a
//! saved area removes it.

use crate::domain::order::COUNTRIES;
use crate::dto::delivery::AreaLine;
use crate::ui::components::form::CONTROL;
use leptos::prelude::*;

/// `saved` rows come ticked ("Deliver here"); then `extra` empty rows to add. With `first_fixed`
/// the first row has no checkbox (a sign-up needs at least one area).
#[component]
pub fn AreaRows(saved: Vec<AreaLine>, extra: usize, first_fixed: bool) -> impl IntoView {
    let blank = AreaLine {
        suburb: String::new(),
        city: String::new(),
        state: String::new(),
        postcode: String::new(),
        country: String::new(),
    };
    let saved_count = saved.len();
    let rows: Vec<(usize, AreaLine, bool)> = saved
        .into_iter()
        .map(|a| (a, true))
        .chain(std::iter::repeat_n((blank, false), extra))
        .enumerate()
        .map(|(i, (a, on))| (i, a, on))
        .collect();
    view! {
        <div class="space-y-3">
            {rows.into_iter().map(|(i, area, on)| {
                let fixed = first_fixed && i == 0;
                let name = |field: &str| format!("areas[{i}][{field}]");
                let id = |field: &str| format!("area-{i}-{field}");
                let toggle = if i < saved_count { "Deliver here (untick to remove)" } else { "Add another area" };
                view! {
                    <fieldset class="area-row rounded-md border border-stone-200 p-3" data-testid="area-row">
                        <legend class="px-1 text-sm font-medium">{format!("Area {}", i + 1)}</legend>
                        {if fixed {
                            view! { <input type="hidden" name=name("on") value="on" /> }.into_any()
                        } else {
                            view! {
                                <label class="area-toggle flex min-h-11 items-center gap-3 text-sm">
                                    <input type="checkbox" name=name("on") value="on" checked=on class="size-5" />
                                    {toggle}
                                </label>
                            }.into_any()
                        }}
                        <div class="area-fields grid gap-3 sm:grid-cols-2">
                            <AreaInput id=id("suburb") name=name("suburb") label="Suburb" value=area.suburb autocomplete="off" />
                            <AreaInput id=id("city") name=name("city") label="City" value=area.city autocomplete="off" />
                            <AreaInput id=id("state") name=name("state") label="State (optional)" value=area.state autocomplete="off" />
                            <AreaInput id=id("postcode") name=name("postcode") label="Postcode (optional)" value=area.postcode autocomplete="off" />
                            <div class="space-y-1 sm:col-span-2">
                                <label for=id("country") class="block text-sm font-medium text-stone-800">"Country"</label>
                                <select id=id("country") name=name("country") class=CONTROL>
                                    {COUNTRIES.iter().map(|(code, label)| {
                                        let selected = area.country == *code;
                                        view! { <option value=*code selected=selected>{*label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        </div>
                    </fieldset>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn AreaInput(
    id: String,
    name: String,
    label: &'static str,
    value: String,
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-stone-800">{label}</label>
            <input id=id name=name type="text" value=value autocomplete=autocomplete class=CONTROL />
        </div>
    }
}
