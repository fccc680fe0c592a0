//! The admin's view of the outbox: mails by status and kind, paged; "send again" for a failed mail;
//! each template previewed with sample data.

use crate::dto::admin::{AdminEmailRow, AdminEmails, EmailPreview};
use crate::dto::{AppError, Paged};
use crate::server::context::AppState;
use crate::server::db::emails::{self, EmailFilter};
use crate::server::mail;

pub const PER_PAGE: i64 = 25;
const STATUSES: [&str; 4] = ["queued", "sending", "sent", "failed"];

fn status_label(status: &str) -> &'static str {
    match status {
        "queued" => "Waiting",
        "sending" => "Sending",
        "sent" => "Sent",
        "failed" => "Failed",
        _ => "Unknown",
    }
}

fn kinds() -> Vec<(String, String)> {
    mail::KINDS
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect()
}

/// A page of mails, newest first. Unknown filters (a hand-edited URL) are ignored.
pub async fn list(
    state: &AppState,
    status: Option<&str>,
    kind: Option<&str>,
    page: i64,
) -> Result<AdminEmails, AppError> {
    let filter = EmailFilter {
        status: status.filter(|s| STATUSES.contains(s)).map(str::to_owned),
        kind: kind
            .filter(|k| mail::KINDS.iter().any(|(known, _)| known == k))
            .map(str::to_owned),
    };
    let total = emails::count(&state.db, &filter).await?;
    let (page, pages) = Paged::<()>::window(total, PER_PAGE, page);
    let rows = emails::page(&state.db, &filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let by_status = emails::count_by_status(&state.db).await?;
    let in_status = |s: &str| {
        by_status
            .iter()
            .filter(|(status, _)| status == s)
            .map(|(_, n)| n)
            .sum()
    };
    let tz = state.settings.business_tz;
    let at = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&tz).format("%-d %b %Y %H:%M").to_string()
    };
    Ok(AdminEmails {
        mails: Paged {
            rows: rows
                .into_iter()
                .map(|r| AdminEmailRow {
                    id: r.id,
                    when: match r.status.as_str() {
                        "sent" => r.sent_at.map(at).unwrap_or_default(),
                        "queued" if r.attempts > 0 => format!("retry at {}", at(r.next_attempt_at)),
                        _ => String::new(),
                    },
                    recipient: r.recipient,
                    kind_label: mail::kind_label(&r.kind).to_owned(),
                    subject: r.subject,
                    status_label: status_label(&r.status).to_owned(),
                    status: r.status,
                    attempts: r.attempts,
                    last_error: r.last_error,
                    created: at(r.created_at),
                    resent_as: r.resent_as,
                })
                .collect(),
            page,
            pages,
            total,
        },
        status: filter.status,
        kind: filter.kind,
        kinds: kinds(),
        failed: in_status("failed"),
        waiting: in_status("queued") + in_status("sending"),
    })
}

/// Queues a new copy of a failed mail; the failed row is kept. Returns the copy's id.
pub async fn send_again(state: &AppState, email_id: i64) -> Result<i64, AppError> {
    let copy = emails::resend(&state.db, email_id, chrono::Utc::now())
        .await?
        .ok_or_else(|| AppError::field("email", "Only a failed mail can be sent again."))?;
    state.mail_wake.queued();
    tracing::info!(email_id, copy, "failed mail queued again by an admin");
    Ok(copy)
}

/// `kind` rendered with sample data.
pub fn preview(state: &AppState, kind: &str) -> Result<(EmailPreview, String), AppError> {
    let rendered = mail::sample(kind, &state.settings.site_url).ok_or(AppError::NotFound)?;
    Ok((
        EmailPreview {
            kind: kind.to_owned(),
            label: mail::kind_label(kind).to_owned(),
            subject: rendered.subject,
            text: rendered.text,
            kinds: kinds(),
        },
        rendered.html,
    ))
}
