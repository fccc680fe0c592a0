//! Admin: the outbox (every mail, filterable by status and kind, paged, with attempts and the last
//! error, and "send again" for a failed one) and a preview of each template with sample data.

use crate::api::admin::{ResendEmail, list_emails, preview_email};
use crate::dto::admin::{AdminEmailRow, AdminEmails, EmailPreview};
use crate::ui::components::form::form_error;
use crate::ui::components::notice::{ErrorBanner, ErrorView};
use crate::ui::components::pager::Pager;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map, use_url};

const STATUS_FILTERS: [(&str, &str); 5] = [
    ("", "All statuses"),
    ("failed", "Failed"),
    ("queued", "Waiting"),
    ("sending", "Sending"),
    ("sent", "Sent"),
];

#[component]
pub fn AdminEmailsPage() -> impl IntoView {
    let query = use_query_map();
    let filter =
        |name: &'static str| Memo::new(move |_| query.read().get(name).filter(|s| !s.is_empty()));
    let (status, kind) = (filter("status"), filter("kind"));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()));
    let resend = ServerAction::<ResendEmail>::new();
    let data = Resource::new(
        move || (status.get(), kind.get(), page.get(), resend.version().get()),
        |(status, kind, page, _)| list_emails(status, kind, page),
    );
    let problem = form_error(resend, true);
    view! {
        <Title text="Emails · Admin" />
        <section class="space-y-5">
            <div class="flex flex-wrap items-end justify-between gap-3">
                <div>
                    <a href="/admin" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Admin"</a>
                    <h1 class="text-2xl font-semibold">"Emails"</h1>
                    <a href="/admin/emails/preview/password_reset" class="inline-block py-1 text-sm font-medium text-rose-700 underline">"Preview the templates"</a>
                </div>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        data.await.ok().map(|d| view! { <Filters d /> })
                    })}
                </Suspense>
            </div>
            {move || problem.get().map(|m| view! { <ErrorBanner message=m /> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <EmailsTable d resend /> }.into_any(),
                        Err(e) => view! { <ErrorView error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(d: AdminEmails) -> impl IntoView {
    let status = d.status.unwrap_or_default();
    let kind = d.kind.unwrap_or_default();
    view! {
        <form method="get" action="/admin/emails" class="flex flex-wrap items-end gap-2">
            <label class="text-sm">
                <span class="block font-medium">"Status"</span>
                <select name="status" class="rounded-md border border-stone-300 bg-white px-2 py-1.5">
                    {STATUS_FILTERS.iter().map(|(value, label)| {
                        view! { <option value=*value selected=status == *value>{*label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="text-sm">
                <span class="block font-medium">"Kind"</span>
                <select name="kind" class="rounded-md border border-stone-300 bg-white px-2 py-1.5">
                    <option value="" selected=kind.is_empty()>"All kinds"</option>
                    {d.kinds.into_iter().map(|(value, label)| {
                        let selected = kind == value;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-100">"Filter"</button>
        </form>
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "sent" => "bg-emerald-100 text-emerald-800",
        "failed" => "bg-red-100 text-red-800",
        _ => "bg-amber-100 text-amber-900",
    }
}

#[component]
fn EmailsTable(d: AdminEmails, resend: ServerAction<ResendEmail>) -> impl IntoView {
    let summary = format!("{} waiting · {} failed", d.waiting, d.failed);
    if d.mails.rows.is_empty() {
        let filtered = d.status.is_some() || d.kind.is_some();
        return view! {
            <p class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600" data-testid="no-emails">
                {if filtered {
                    "No mail matches these filters."
                } else {
                    "No mail yet. Mails appear here as soon as something sends one: a partner application, an order, a password reset."
                }}
            </p>
        }
        .into_any();
    }
    let (status, kind) = (d.status.clone(), d.kind.clone());
    let link = Callback::new(move |p: i64| {
        let mut query = vec![format!("page={p}")];
        if let Some(s) = &status {
            query.push(format!("status={s}"));
        }
        if let Some(k) = &kind {
            query.push(format!("kind={k}"));
        }
        format!("/admin/emails?{}", query.join("&"))
    });
    let back = use_url().with_untracked(|u| format!("{}{}", u.path(), u.search()));
    view! {
        <p class="text-sm text-stone-600" data-testid="emails-summary">{summary}</p>
        <div class="overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Emails table">
            <table class="min-w-full text-left text-sm">
                <caption class="sr-only">"Emails, newest first"</caption>
                <thead class="bg-stone-100 text-stone-600">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Queued"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"To"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Mail"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Status"</th>
                        <th scope="col" class="px-4 py-2 text-right font-medium">"Attempts"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Last error"</th>
                        <th scope="col" class="px-4 py-2 font-medium"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {d.mails.rows.into_iter().map(|r| view! { <EmailRow r resend back=back.clone() /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=d.mails.page pages=d.mails.pages total=d.mails.total noun="mail" link />
    }
    .into_any()
}

#[component]
fn EmailRow(r: AdminEmailRow, resend: ServerAction<ResendEmail>, back: String) -> impl IntoView {
    let action = match (r.status.as_str(), r.resent_as) {
        (_, Some(copy)) => Some(view! { <span class="text-stone-600">{format!("Sent again as #{copy}")}</span> }.into_any()),
        ("failed", None) => Some(view! {
            <ActionForm action=resend>
                <input type="hidden" name="email_id" value=r.id />
                <input type="hidden" name="back" value=back />
                <button type="submit" class="min-h-11 rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium hover:bg-stone-100">"Send again"</button>
            </ActionForm>
        }.into_any()),
        _ => None,
    };
    view! {
        <tr data-testid="email-row">
            <td class="px-4 py-2 tabular-nums whitespace-nowrap">{r.created}</td>
            <td class="px-4 py-2">{r.recipient}</td>
            <td class="px-4 py-2"><span class="block text-stone-500">{r.kind_label}</span>{r.subject}</td>
            <td class="px-4 py-2">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {}", status_class(&r.status)) data-testid="email-status">{r.status_label}</span>
                <span class="block text-xs text-stone-500">{r.when}</span>
            </td>
            <td class="px-4 py-2 text-right tabular-nums">{r.attempts}</td>
            <td class="px-4 py-2 text-red-800" data-testid="email-error">{r.last_error.unwrap_or_default()}</td>
            <td class="px-4 py-2">{action}</td>
        </tr>
    }
}

/// `/admin/emails/preview/<kind>`: the template's subject, its HTML part in a sandboxed frame
/// (served with its own CSP by http::email_preview) and its text part, beside the list of kinds.
#[component]
pub fn EmailPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let kind = Memo::new(move |_| params.read().get("kind").unwrap_or_default());
    let data = Resource::new(move || kind.get(), preview_email);
    view! {
        <Title text="Email preview · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Preview p /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Preview(p: EmailPreview) -> impl IntoView {
    let current = p.kind.clone();
    view! {
        <section class="space-y-5">
            <div>
                <a href="/admin/emails" class="inline-block py-1 text-sm text-stone-500 hover:underline">"Emails"</a>
                <h1 class="text-2xl font-semibold">{format!("Preview: {}", p.label)}</h1>
                <p class="text-sm text-stone-600">"Sample data; the links do not work."</p>
            </div>
            <nav aria-label="Templates">
                <ul class="flex flex-wrap gap-2">
                    {p.kinds.into_iter().map(|(kind, label)| {
                        let here = kind == current;
                        view! {
                            <li>
                                <a href=format!("/admin/emails/preview/{kind}") aria-current=here.then_some("page")
                                    class=if here { "inline-block rounded-full bg-rose-700 px-3 py-1.5 text-sm font-medium text-white" } else { "inline-block rounded-full border border-stone-300 bg-white px-3 py-1.5 text-sm hover:bg-stone-100" }>
                                    {label}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <p class="text-sm"><span class="text-stone-500">"Subject: "</span><strong data-testid="preview-subject">{p.subject}</strong></p>
            <div class="grid gap-5 lg:grid-cols-2">
                <div>
                    <h2 class="mb-2 font-medium">"HTML"</h2>
                    <iframe title="The mail's HTML part" src=format!("/admin/emails/preview/{}/html", p.kind) sandbox=""
                        class="h-[36rem] w-full rounded-lg border border-stone-200 bg-white"></iframe>
                </div>
                <div>
                    <h2 class="mb-2 font-medium">"Plain text"</h2>
                    <pre class="h-[36rem] overflow-auto whitespace-pre-wrap rounded-lg border border-stone-200 bg-white p-4 text-sm" data-testid="preview-text">{p.text}</pre>
                </div>
            </div>
        </section>
    }
}
