//! The activity log as a page: every admin and money action, newest first, filtered by action,
//! partner and who acted (people or the system).

use crate::dto::controls::{Activity, ActivityLine};
use crate::dto::{AppError, Paged};
use crate::server::context::AppState;
use crate::server::db::audit::{self as rows, AuditFilter, AuditRow};

pub const PER_PAGE: i64 = 50;

pub fn line(state: &AppState, row: AuditRow) -> ActivityLine {
    ActivityLine {
        id: row.id,
        when: row
            .created_at
            .with_timezone(&state.settings.business_tz)
            .format("%-d %b %Y %H:%M:%S")
            .to_string(),
        actor: row.actor,
        by_person: row.actor_id.is_some(),
        action: row.action,
        subject: format!("{} #{}", row.subject_type.replace('_', " "), row.subject_id),
        partner: row
            .partner_id
            .map(|id| (id, row.business_name.unwrap_or_default())),
        before: row.before_value,
        after: row.after_value,
        request_id: row.request_id,
    }
}

/// The filter from the page's query (`by`: "people" or "system"); unknown values are ignored.
pub fn filter(action: Option<String>, partner_id: Option<i64>, by: Option<&str>) -> AuditFilter {
    AuditFilter {
        action: action.filter(|a| {
            !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        }),
        partner_id,
        by_people: match by {
            Some("people") => Some(true),
            Some("system") => Some(false),
            _ => None,
        },
    }
}

pub async fn activity(
    state: &AppState,
    filter: AuditFilter,
    page: i64,
) -> Result<Activity, AppError> {
    let total = rows::count(&state.db, &filter).await?;
    let (page, pages) = Paged::<()>::window(total, PER_PAGE, page);
    let found = rows::page(&state.db, &filter, (page - 1) * PER_PAGE, PER_PAGE).await?;
    Ok(Activity {
        lines: Paged {
            rows: found.into_iter().map(|r| line(state, r)).collect(),
            page,
            pages,
            total,
        },
        actions: rows::actions(&state.db).await?,
        by: filter
            .by_people
            .map(|p| if p { "people" } else { "system" }.to_owned()),
        action: filter.action,
        partner_id: filter.partner_id,
    })
}
