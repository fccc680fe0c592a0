//! Accessible form fields: a label, the input, an optional hint, and the field's error message,
//! wired with `aria-invalid` / `aria-describedby` so screen readers read the message with the field.

use crate::dto::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The message for `field` from the last result of `action`, if it failed on that field.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(e)) => e.field_message(field),
            _ => None,
        })
    })
}

/// The form-level message of the last result of `action`. Validation errors are summarised only
/// when `include_invalid`, since their detail is shown beside each field.
/// The message for a form with one thing to say: the error on `field`, else any other failure.
pub fn action_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let (on_field, other) = (field_error(action, field), form_error(action, false));
    Signal::derive(move || on_field.get().or_else(|| other.get()))
}

/// Everything the last result of `action` has to say, for a page that shows no field beside its
/// message (one-button forms): each field's message, or the error itself.
pub fn error_messages<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(AppError::Invalid(errors))) if !errors.is_empty() => Some(
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    })
}

pub fn form_error<S>(action: ServerAction<S>, include_invalid: bool) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(AppError::Invalid(_))) if !include_invalid => None,
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    })
}

/// The classes every text-like control shares.
pub const CONTROL: &str = "block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-base shadow-sm focus:border-rose-600 focus:outline-none focus:ring-2 focus:ring-rose-200";

fn control_id(name: &str) -> String {
    format!("field-{name}")
}

/// `aria-describedby` for a control: its hint and its error message.
fn described_by(name: &str) -> String {
    let id = control_id(name);
    format!("{id}-hint {id}-error")
}

/// `aria-invalid`, following the field's error.
fn invalid(error: Signal<Option<String>>) -> impl Fn() -> &'static str + Send + Sync + 'static {
    move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    }
}

/// The frame every field shares: label, the control (`children`), hint, and error message.
#[component]
fn FieldFrame(
    label: String,
    name: &'static str,
    hint: Option<String>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let id = control_id(name);
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-stone-800">{label}</label>
            {children()}
            {hint.map(|h| view! { <p id=format!("{id}-hint") class="text-xs text-stone-500">{h}</p> })}
            <p id=format!("{id}-error") class="text-sm text-red-700" data-field-error=name>{move || error.get()}</p>
        </div>
    }
}

#[component]
pub fn Field(
    #[prop(into)] label: String,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    /// Shown while the field is empty (e.g. the value that applies then).
    #[prop(optional, into)]
    placeholder: Option<String>,
    /// The on-screen keyboard to offer, e.g. `decimal` for amounts.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// Limits the browser checks before the form is sent (numbers and dates).
    #[prop(optional, into)]
    min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
    #[prop(optional)] step: Option<&'static str>,
) -> impl IntoView {
    view! {
        <FieldFrame label name hint error>
            <input
                id=control_id(name)
                name=name
                type=kind
                inputmode=inputmode
                min=min
                max=max
                step=step
                value=value
                placeholder=placeholder
                autocomplete=autocomplete
                required=required
                aria-invalid=invalid(error)
                aria-describedby=described_by(name)
                class=format!("{CONTROL} aria-[invalid=true]:border-red-600")
            />
        </FieldFrame>
    }
}

/// A `<select>` with the same label / hint / error wiring as [`Field`].
#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    name: &'static str,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] selected: Option<String>,
) -> impl IntoView {
    view! {
        <FieldFrame label name hint error>
            <select id=control_id(name) name=name aria-invalid=invalid(error) aria-describedby=described_by(name) class=CONTROL>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = selected.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </FieldFrame>
    }
}

/// A `<textarea>` with the same wiring as [`Field`].
#[component]
pub fn TextAreaField(
    #[prop(into)] label: String,
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = 500)] max_chars: usize,
) -> impl IntoView {
    view! {
        <FieldFrame label name hint error>
            <textarea
                id=control_id(name)
                name=name
                rows="3"
                maxlength=max_chars.to_string()
                aria-invalid=invalid(error)
                aria-describedby=described_by(name)
                class=CONTROL
            ></textarea>
        </FieldFrame>
    }
}

/// A form's main button: says `busy` and cannot be pressed twice while the post is on its way.
/// `full` stretches it across the form (the narrow account forms).
#[component]
pub fn SubmitButton(
    pending: Signal<bool>,
    label: &'static str,
    busy: &'static str,
    #[prop(optional)] full: bool,
) -> impl IntoView {
    let class = if full {
        "w-full rounded-md bg-rose-700 px-4 py-2.5 font-medium text-white hover:bg-rose-800 disabled:opacity-60"
    } else {
        "rounded-md bg-rose-700 px-4 py-2.5 font-medium text-white hover:bg-rose-800 disabled:opacity-60"
    };
    view! {
        <button type="submit" class=class disabled=move || pending.get()>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}
