//! The florist's delivery-request page, opened from an emailed link on a phone: no log-in, no
//! script, one column. GET only shows; every answer is a plain form post to `…/respond` (see
//! `http::deliveries`), which comes back here with `?done=<status>` or `?e=<problem>`.

use crate::api::delivery::get_delivery_request;
use crate::domain::delivery::Problem;
use crate::dto::AppError;
use crate::dto::delivery::{Choice, RequestPage};
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/partner/delivery-request/:token`
#[component]
pub fn DeliveryRequestByLink() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    view! { <RequestLoader token=Some(token) id=None /> }
}

/// `/partner/deliveries/:id` (the florist, signed in, from their dashboard)
#[component]
pub fn DeliveryRequestSignedIn() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse().ok()));
    view! { <RequestLoader token=None id=id /> }
}

#[component]
fn RequestLoader(token: Option<String>, id: Option<i64>) -> impl IntoView {
    let query = use_query_map();
    let (done, problem) = query.with_untracked(|q| (q.get("done"), q.get("e")));
    let data = Resource::new(move || (), move |_| get_delivery_request(token.clone(), id));
    view! {
        <Title text="Delivery request" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (done, problem) = (done.clone(), problem.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Request page done problem /> }.into_any(),
                        Err(AppError::NotFound) => view! { <UnknownLink /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn UnknownLink() -> impl IntoView {
    crate::ui::status::set(404);
    view! {
        <section class="mx-auto max-w-md rounded-lg border border-stone-200 bg-white p-6 text-center" data-testid="unknown-request">
            <h1 class="text-xl font-semibold">"We can't find this delivery request"</h1>
            <p class="mt-2 text-stone-600">
                "The link may be cut short or mistyped. Open it again from the email, whole. If it still does not work, your partner dashboard lists every request sent to you."
            </p>
            <a class="mt-4 inline-block min-h-11 py-3 font-medium text-rose-700 underline" href="/partner/dashboard">"Go to my dashboard"</a>
        </section>
    }
}

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "accepted" => {
            "Thank you! The delivery is yours. The recipient's address and phone are below; we will remind you on the day."
        }
        "declined" => "Thanks for letting us know. We have offered it to another florist.",
        "withdrawn" => "You are off this delivery. We have offered it to another florist.",
        "delivered" => "Marked delivered. Thank you!",
        "card_left" => {
            "Noted: card left. Please deliver within 24 hours and mark it delivered here, or tell us if you cannot."
        }
        "failed" => "Noted. Our team takes it from here and may call you.",
        _ => return None,
    })
}

const BUTTON: &str = "min-h-12 w-full rounded-md px-4 py-3 text-base font-semibold";
const PRIMARY: &str = "bg-rose-700 text-white hover:bg-rose-800";
const SECONDARY: &str = "border border-stone-300 bg-white text-stone-800 hover:bg-stone-50";

#[component]
fn Request(page: RequestPage, done: Option<String>, problem: Option<String>) -> impl IntoView {
    let done = done.as_deref().and_then(done_message);
    let problem = problem.as_deref().and_then(Problem::message_for);
    let badge = match page.status.as_str() {
        "pending" => "bg-amber-100 text-amber-900",
        "accepted" | "delivered" => "bg-emerald-100 text-emerald-800",
        "card_left" => "bg-sky-100 text-sky-800",
        _ => "bg-stone-200 text-stone-700",
    };
    let RequestPage {
        action_url,
        status,
        status_label,
        florist,
        date,
        area,
        budget,
        pay,
        occasion,
        card_message,
        delivery_notes,
        answer_by,
        recipient,
        can_answer,
        can_withdraw,
        can_report,
        report_from,
        answered,
        decline_reasons,
        fail_reasons,
        has_photo,
    } = page;
    view! {
        <section class="mx-auto max-w-md space-y-4" data-testid="delivery-request" data-status=status>
            {done.map(|m| view! { <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="done">{m}</p> })}
            {problem.map(|m| view! { <ErrorBanner message=m /> })}
            <div>
                <p class="text-sm text-stone-600">{format!("For {florist}")}</p>
                <h1 class="text-2xl font-semibold">"Delivery on "{date}</h1>
                <p class="mt-1"><span class=format!("rounded-full px-2 py-0.5 text-sm font-medium {badge}") data-testid="request-status">{status_label}</span></p>
            </div>
            <dl class="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white">
                <Fact label="Where" value=area />
                <div class="flex items-baseline justify-between gap-4 px-4 py-3">
                    <dt class="text-stone-600">"You are paid"</dt>
                    <dd class="text-2xl font-semibold tabular-nums" data-testid="pay">{pay}</dd>
                </div>
                <Fact label="Flower budget" value=budget />
                {(!occasion.is_empty()).then(|| view! { <Fact label="Occasion" value=occasion.clone() /> })}
                <Fact label="Card message" value=if card_message.is_empty() { "(none)".to_owned() } else { card_message } />
                <Fact label="Delivery notes" value=if delivery_notes.is_empty() { "(none)".to_owned() } else { delivery_notes } />
            </dl>
            {recipient.map(|r| view! {
                <dl class="divide-y divide-stone-100 rounded-lg border border-emerald-200 bg-white" data-testid="recipient">
                    <Fact label="Recipient" value=r.name />
                    <Fact label="Address" value=r.address />
                    {(!r.phone.is_empty()).then(|| view! {
                        <div class="flex items-baseline justify-between gap-4 px-4 py-3">
                            <dt class="text-stone-600">"Phone"</dt>
                            <dd><a class="font-medium text-rose-700 underline" href=format!("tel:{}", r.phone.replace(' ', ""))>{r.phone.clone()}</a></dd>
                        </div>
                    })}
                </dl>
            })}
            {answer_by.map(|t| view! {
                <p class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="answer-by">
                    <strong>"Answer by "{t}". "</strong>
                    "If you do not answer, we offer it to another florist: nothing is accepted for you."
                </p>
            })}
            {answered.map(|text| view! { <p class="rounded-md bg-stone-100 px-4 py-3 text-sm" data-testid="answered">{text}</p> })}
            {can_answer.then(|| view! {
                <form method="post" action=action_url.clone()>
                    <input type="hidden" name="action" value="accept" />
                    <button type="submit" class=format!("{BUTTON} {PRIMARY}")>"Accept this delivery"</button>
                </form>
                <ReasonForm action_url=action_url.clone() action="decline" summary="Decline…" button="Decline" legend="Why can't you take it?" reasons=decline_reasons.clone() />
            })}
            {can_withdraw.then(|| view! {
                <ReasonForm action_url=action_url.clone() action="withdraw" summary="I can no longer do it…" button="Withdraw from this delivery" legend="Why? (We offer it to another florist at once.)" reasons=decline_reasons.clone() />
            })}
            {report_from.map(|day| view! { <p class="text-sm text-stone-600">"From "{day}" you can mark it delivered here (with a photo if you like)."</p> })}
            {can_report.then(|| view! {
                <form method="post" action=action_url.clone() enctype="multipart/form-data" class="space-y-3 rounded-lg border border-stone-200 bg-white p-4">
                    <input type="hidden" name="action" value="delivered" />
                    <label class="block text-sm font-medium" for="photo">"Photo of the delivery (optional)"</label>
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" class="block w-full text-sm" aria-describedby="photo-hint" />
                    <p id="photo-hint" class="text-xs text-stone-500">"JPEG, PNG or WebP, up to 8 MB."</p>
                    <button type="submit" class=format!("{BUTTON} {PRIMARY}")>"Mark delivered"</button>
                </form>
                <ReasonForm action_url=action_url.clone() action="not_delivered" summary="Couldn't deliver…" button="Report it" legend="What happened?" reasons=fail_reasons.clone() />
            })}
            {has_photo.then(|| view! { <p class="text-sm text-stone-600">"Your photo was received."</p> })}
        </section>
    }
}

#[component]
fn Fact(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="flex items-baseline justify-between gap-4 px-4 py-3">
            <dt class="shrink-0 text-stone-600">{label}</dt>
            <dd class="whitespace-pre-line text-right">{value}</dd>
        </div>
    }
}

/// A folded form: a reason from the list, a note, and its button (no script needed).
#[component]
fn ReasonForm(
    action_url: String,
    action: &'static str,
    summary: &'static str,
    button: &'static str,
    legend: &'static str,
    reasons: Vec<Choice>,
) -> impl IntoView {
    view! {
        <details class="rounded-lg border border-stone-200 bg-white">
            <summary class="min-h-12 cursor-pointer px-4 py-3 font-medium">{summary}</summary>
            <form method="post" action=action_url class="space-y-3 px-4 pb-4">
                <input type="hidden" name="action" value=action />
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">{legend}</legend>
                    // Each radio sits inside its label: the whole 44 px row is the tap target.
                    {reasons.into_iter().map(|(value, label)| view! {
                        <label class="flex min-h-11 items-center gap-3 text-sm">
                            <input type="radio" name="reason" value=value required=true class="size-5 shrink-0" />
                            {label}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="block text-sm font-medium" for=format!("{action}-note")>"A few words (needed for Other)"</label>
                <textarea id=format!("{action}-note") name="note" rows="2" maxlength="500" class="block w-full rounded-md border border-stone-300 px-3 py-2"></textarea>
                <button type="submit" class=format!("{BUTTON} {SECONDARY}")>{button}</button>
            </form>
        </details>
    }
}
