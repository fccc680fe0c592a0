//! Which mail each cause sends, and under which dedupe key. Every function here queues on the
//! caller's connection, inside the transaction of the change it tells about.
//!
//! Dedupe keys name the cause, so a cause replayed (a webhook delivered twice, a job re-run) never
//! queues a second mail: `order-confirmation:<order>`, `refund:<payment>`,
//! `partner-application:<partner>`, `partner-<status>:<partner>:<time>` (a status can be entered
//! more than once; the conditional status change already makes each transition happen once),
//! `commissions-approved:<partner>:<first id>-<last id>:<count>`, `commission-rejected:<commission>`,
//! `password-reset:<user>:<token id>`.

use crate::domain::partner::NewPartner;
use crate::server::context::Settings;
use crate::server::db::DbConn;
use crate::server::db::partners::PartnerRow;
use crate::server::mail::{self, render};
use crate::server::services::outbox;
use chrono::{DateTime, Utc};

fn dashboard_url(settings: &Settings) -> String {
    format!("{}/partner/dashboard", settings.site_url)
}

/// "We received your application" to a new partner.
pub async fn partner_application(
    conn: &mut DbConn,
    settings: &Settings,
    partner_id: i64,
    partner: &NewPartner,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mail = render(
        &partner.account.first_name,
        &mail::PartnerApplication {
            business_name: partner.business_name.clone(),
            partner_type: partner.partner_type.label().to_owned(),
            dashboard_url: dashboard_url(settings),
        },
    );
    outbox::queue(
        conn,
        format!("partner-application:{partner_id}"),
        &partner.account.email,
        mail,
        now,
    )
    .await
}

/// The partner's status changed to `to` (`active` or `suspended`; `pending` sends nothing).
pub async fn partner_status(
    conn: &mut DbConn,
    settings: &Settings,
    partner: &PartnerRow,
    to: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mail = match to {
        "active" => {
            let code = partner.code.as_ref().map(|c| c.to_uppercase());
            render(
                &partner.first_name,
                &mail::PartnerApproved {
                    business_name: partner.business_name.clone(),
                    share_url: code
                        .as_ref()
                        .map(|c| format!("{}/order?code={c}", settings.site_url)),
                    code,
                    dashboard_url: dashboard_url(settings),
                },
            )
        }
        "suspended" => render(
            &partner.first_name,
            &mail::PartnerSuspended {
                business_name: partner.business_name.clone(),
            },
        ),
        _ => return Ok(false),
    };
    let key = format!(
        "partner-{to}:{}:{}",
        partner.id,
        now.timestamp_nanos_opt().unwrap_or_default()
    );
    outbox::queue(conn, key, &partner.email, mail, now).await
}
