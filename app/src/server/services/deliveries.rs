//! Delivery requests: offering an event to a florist, the florist's answers, reassignment, and
//! the request page.
//!
//! Invariants:
//! - an event is offered to one florist at a time and to each florist at most once (constraints
//!   on `delivery_requests`); [`offer_event`] picks by [`delivery::pick`];
//! - an answer is one conditional update; its effects (commission, reassignment, flag, mail) are
//!   in the same transaction, so a lost race changes nothing at all;
//! - every mail carries a fresh link; only its digest is stored.

use crate::domain::delivery::{
    self, Action, Candidate, FailReason, Problem, Reason, RequestFacts, RequestStatus,
};
use crate::domain::money::Cents;
use crate::domain::rate::Rate;
use crate::dto::AppError;
use crate::dto::delivery::{Recipient, RequestPage};
use crate::server::context::{AppState, Settings};
use crate::server::db::deliveries::{self as rows, EventToOffer, NewRequest, RequestRow};
use crate::server::db::{DbConn, commissions, florists, partners};
use crate::server::mail::{self, DeliveryFacts};
use crate::server::services::outbox;
use crate::server::token;
use chrono::{DateTime, Utc};

/// What offering an event came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Offered(i64),
    /// Set aside for an admin, with the reason (`events.attention`).
    Flagged(&'static str),
    /// Someone else offered it meanwhile, or it is no longer scheduled.
    Taken,
}

/// Which mail about a request to send.
#[derive(Debug, Clone, Copy)]
pub enum Notice {
    Offer { reassigned: bool },
    Reminder,
    DeliveryDay,
}

/// Who mails about a florist's requests go to, looked up once per florist (a job run offers
/// thousands of events to a few dozen florists).
#[derive(Default)]
pub struct Florists(std::collections::HashMap<i64, (String, String)>);

impl Florists {
    /// `(first name, email)` of partner `id`.
    async fn get(&mut self, conn: &mut DbConn, id: i64) -> sqlx::Result<(String, String)> {
        if let Some(found) = self.0.get(&id) {
            return Ok(found.clone());
        }
        let found: (String, String) = sqlx::query_as(
            "SELECT u.first_name, u.email FROM partners p JOIN users u ON u.id = p.user_id WHERE p.id = $1",
        )
        .bind(id)
        .fetch_one(conn)
        .await?;
        self.0.insert(id, found.clone());
        Ok(found)
    }
}

/// Offers `event` to the next florist among `candidates` (those covering its area), skipping
/// `asked`; flags it for an admin when nobody is left or no time is left. The florist's place in
/// the fairness queue moves to `stamp` in `candidates`; the caller records it
/// ([`florists::mark_offered`]): at once for one reassignment, once per batch in the job.
#[allow(clippy::too_many_arguments)]
pub async fn offer_event(
    conn: &mut DbConn,
    settings: &Settings,
    florists_seen: &mut Florists,
    event: &EventToOffer,
    candidates: &mut [Candidate],
    asked: &[i64],
    reassigned: bool,
    now: DateTime<Utc>,
    stamp: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let picked = delivery::pick(
        candidates,
        event.delivery_date,
        event.source_partner_id,
        asked,
    )
    .map(|c| c.partner_id);
    let Some(partner_id) = picked else {
        let reason = if asked.is_empty() {
            "nobody_covers"
        } else {
            "nobody_left"
        };
        rows::flag(conn, event.event_id, reason, now).await?;
        return Ok(Outcome::Flagged(reason));
    };
    let Some(expires_at) = delivery::answer_by(event.delivery_date, &settings.business_tz, now)
    else {
        rows::flag(conn, event.event_id, "no_time", now).await?;
        return Ok(Outcome::Flagged("no_time"));
    };
    let new = NewRequest {
        event_id: event.event_id,
        partner_id,
        pay_cents: event.budget_cents,
        expires_at,
        assigned_by: None,
    };
    let Some(id) = rows::insert(conn, &new, now).await? else {
        return Ok(Outcome::Taken);
    };
    if let Some(c) = candidates.iter_mut().find(|c| c.partner_id == partner_id) {
        c.last_offered_at = Some(stamp);
    }
    let (first_name, email) = florists_seen.get(conn, partner_id).await?;
    let about = MailFacts {
        date: event.delivery_date,
        suburb: &event.suburb,
        city: &event.city,
        pay_cents: new.pay_cents,
        expires_at,
        first_name: &first_name,
        email: &email,
    };
    queue_mail(
        conn,
        settings,
        id,
        &about,
        Notice::Offer { reassigned },
        now,
    )
    .await?;
    Ok(Outcome::Offered(id))
}

/// Offers the event to the next covering florist nobody asked yet (after a decline, withdrawal
/// or expiry), or flags it.
pub async fn reassign(
    conn: &mut DbConn,
    settings: &Settings,
    event_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let Some(event) = rows::event_to_offer(conn, event_id).await? else {
        return Ok(Outcome::Taken);
    };
    if event.status != "scheduled" {
        return Ok(Outcome::Taken);
    }
    let key = delivery::area_key(&event.suburb, &event.city, &event.country);
    let mut candidates: Vec<Candidate> = florists::candidates(conn, Some(&key))
        .await?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let asked = rows::asked(conn, event_id).await?;
    let outcome = offer_event(
        conn,
        settings,
        &mut Florists::default(),
        &event,
        &mut candidates,
        &asked,
        true,
        now,
        now,
    )
    .await?;
    if let Outcome::Offered(id) = outcome
        && let Some(row) = rows::find(&mut *conn, id).await?
    {
        florists::mark_offered(conn, row.partner_id, now).await?;
    }
    Ok(outcome)
}

/// What a mail about a request says, and to whom.
struct MailFacts<'a> {
    date: chrono::NaiveDate,
    suburb: &'a str,
    city: &'a str,
    pay_cents: i64,
    expires_at: DateTime<Utc>,
    first_name: &'a str,
    email: &'a str,
}

fn local_time(settings: &Settings, at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&settings.business_tz)
        .format(format)
        .to_string()
}

/// Queues `notice` about request `id` with a new link; false when that mail was already queued.
pub async fn send(
    conn: &mut DbConn,
    settings: &Settings,
    id: i64,
    notice: Notice,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let Some(row) = rows::find(&mut *conn, id).await? else {
        return Ok(false);
    };
    let about = MailFacts {
        date: row.delivery_date,
        suburb: &row.suburb,
        city: &row.city,
        pay_cents: row.pay_cents,
        expires_at: row.expires_at,
        first_name: &row.florist_first_name,
        email: &row.florist_email,
    };
    queue_mail(conn, settings, id, &about, notice, now).await
}

async fn queue_mail(
    conn: &mut DbConn,
    settings: &Settings,
    id: i64,
    about: &MailFacts<'_>,
    notice: Notice,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let secret = token::new_secret();
    let facts = DeliveryFacts {
        date: about.date.format("%a %-d %b %Y").to_string(),
        area: format!("{}, {}", about.suburb, about.city),
        pay: settings.money(about.pay_cents),
        answer_by: local_time(settings, about.expires_at, "%a %-d %b, %-I:%M %p"),
        link: format!("{}/partner/delivery-request/{secret}", settings.site_url),
    };
    let (key, mail) = match notice {
        Notice::Offer { reassigned } => (
            format!("delivery-offer:{id}"),
            mail::render(about.first_name, &mail::DeliveryOffer { facts, reassigned }),
        ),
        Notice::Reminder => (
            format!("delivery-reminder:{id}"),
            mail::render(about.first_name, &mail::DeliveryReminder { facts }),
        ),
        Notice::DeliveryDay => (
            format!("delivery-day:{id}"),
            mail::render(about.first_name, &mail::DeliveryDay { facts }),
        ),
    };
    // Due at once, even when the job runs "as of" a later time (`--now`).
    let queued = outbox::queue(conn, key, about.email, mail, now.min(Utc::now())).await?;
    if queued {
        rows::insert_link(conn, id, &token::digest(&secret), now).await?;
    }
    Ok(queued)
}

/// How a request page is reached: by an emailed link, or by its florist, signed in.
#[derive(Debug, Clone)]
pub enum Key {
    Token(String),
    Owner { id: i64, user_id: i64 },
}

impl Key {
    /// Where the page lives (forms post to `<page>/respond`).
    pub fn page_path(&self) -> String {
        match self {
            Self::Token(token) => format!("/partner/delivery-request/{token}"),
            Self::Owner { id, .. } => format!("/partner/deliveries/{id}"),
        }
    }
}

async fn load(
    db: impl sqlx::Executor<'_, Database = crate::server::db::Db>,
    key: &Key,
) -> Result<RequestRow, AppError> {
    let row = match key {
        Key::Token(secret) => rows::find_by_token(db, &token::digest(secret)).await?,
        Key::Owner { id, user_id } => {
            let row = rows::find(db, *id).await?;
            // Someone else's request is indistinguishable from none.
            match row {
                Some(r) if r.florist_user_id == *user_id => Some(r),
                _ => None,
            }
        }
    };
    row.ok_or(AppError::NotFound)
}

fn request_facts(row: &RequestRow) -> RequestFacts {
    RequestFacts {
        status: RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Failed),
        event_cancelled: row.event_status == "cancelled",
        delivery_date: row.delivery_date,
        expires_at: row.expires_at,
    }
}

/// A delivery photo as uploaded.
pub struct Photo {
    pub bytes: Vec<u8>,
}

/// Takes the florist's answer. `Ok(Err(problem))` is an answer refused with a reason the page
/// shows (nothing changed); `Ok(Ok(status))` is the request's new status.
pub async fn respond(
    state: &AppState,
    key: &Key,
    action: &str,
    reason: &str,
    note: &str,
    photo: Option<Photo>,
    now: DateTime<Utc>,
) -> Result<Result<RequestStatus, Problem>, AppError> {
    let row = load(&state.db, key).await?;
    let action = match delivery::parse_action(action, reason, note) {
        Ok(a) => a,
        Err(p) => return Ok(Err(p)),
    };
    let today = delivery::business_day(now, &state.settings.business_tz);
    let to = match delivery::decide(request_facts(&row), action, now, today) {
        Ok(to) => to,
        Err(refusal) => return Ok(Err(Problem::Refused(refusal))),
    };
    let photo_path = match (&photo, to) {
        (Some(p), RequestStatus::Delivered) if !p.bytes.is_empty() => {
            match save_photo(&state.settings, row.id, &p.bytes).await? {
                Ok(path) => Some(path),
                Err(problem) => return Ok(Err(problem)),
            }
        }
        _ => None,
    };
    let (reason, note) = match action {
        Action::Decline(r) | Action::Withdraw(r) => (Some(r.as_str()), note.trim()),
        Action::CouldNotDeliver(r) => (Some(r.as_str()), note.trim()),
        Action::Accept | Action::Delivered => (None, ""),
    };
    let note: String = note.chars().take(500).collect();
    let _gate = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    let changed = rows::transition(
        &mut tx,
        row.id,
        &row.status,
        to.as_str(),
        reason,
        &note,
        now,
    )
    .await?;
    if !changed {
        drop(tx);
        if let Some(path) = &photo_path {
            let _ = tokio::fs::remove_file(path).await;
        }
        // Another answer (or the job) got there first: say where it stands now.
        let now_row = load(&state.db, key).await?;
        let refusal = delivery::decide(request_facts(&now_row), action, now, today)
            .err()
            .unwrap_or(delivery::Refusal::AlreadyAnswered(
                RequestStatus::parse(&now_row.status).unwrap_or(RequestStatus::Failed),
            ));
        return Ok(Err(Problem::Refused(refusal)));
    }
    let mut mail = false;
    match to {
        RequestStatus::Declined => {
            if row.source_partner_id == Some(row.partner_id) {
                source_commission(&mut tx, &row, now).await?;
            }
            mail = matches!(
                reassign(&mut tx, &state.settings, row.event_id, now).await?,
                Outcome::Offered(_)
            );
        }
        RequestStatus::Withdrawn => {
            mail = matches!(
                reassign(&mut tx, &state.settings, row.event_id, now).await?,
                Outcome::Offered(_)
            );
        }
        RequestStatus::Delivered => {
            rows::mark_event_delivered(&mut tx, row.event_id, now).await?;
            if let Some(path) = &photo_path {
                rows::set_photo(&mut tx, row.id, path).await?;
            }
        }
        RequestStatus::Failed => {
            rows::flag(&mut tx, row.event_id, "not_delivered", now).await?;
        }
        _ => {}
    }
    tx.commit().await?;
    if mail {
        state.mail_wake.queued();
    }
    tracing::info!(
        request_id = row.id,
        to = to.as_str(),
        "delivery request answered"
    );
    Ok(Ok(to))
}

/// The customer's own florist declined: they still earn their referral rate of the delivery's
/// budget, once per event (unique index). Only an active partner earns.
async fn source_commission(
    conn: &mut DbConn,
    row: &RequestRow,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let Some(partner) = partners::find(&mut *conn, row.partner_id).await? else {
        return Ok(());
    };
    if partner.status != "active" {
        return Ok(());
    }
    let rate = Rate::from_bps(partner.rate_bps());
    let amount = rate.of(Cents(row.budget_cents));
    if amount.0 <= 0 {
        return Ok(());
    }
    let payment = match row.event_payment_id {
        Some(p) => Some(p),
        None => rows::paying_payment(conn, row.order_id).await?,
    };
    if commissions::insert_for_event(
        conn,
        row.partner_id,
        row.event_id,
        payment,
        amount.0,
        rate.bps(),
        now,
    )
    .await?
    .is_some()
    {
        partners::bump_stats(conn, row.partner_id, row.event_id).await?;
    }
    Ok(())
}

/// Writes the photo under `PHOTO_DIR` as `<request>-<random>.<ext>` (the type read from the
/// bytes), atomically; returns its path.
async fn save_photo(
    settings: &Settings,
    request_id: i64,
    bytes: &[u8],
) -> Result<Result<String, Problem>, AppError> {
    if bytes.len() > delivery::MAX_PHOTO_BYTES {
        return Ok(Err(Problem::PhotoTooBig));
    }
    let Some(ext) = delivery::photo_extension(bytes) else {
        return Ok(Err(Problem::PhotoType));
    };
    let dir = std::path::Path::new(&settings.photo_dir);
    let name = format!("{request_id}-{}.{ext}", &token::new_secret()[..12]);
    let path = dir.join(&name);
    let write = async {
        tokio::fs::create_dir_all(dir).await?;
        let partial = dir.join(format!(".{name}.part"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await
    };
    write.await.map_err(|e| {
        tracing::error!(error = %e, "saving a delivery photo");
        AppError::internal("could not save the photo")
    })?;
    Ok(Ok(path.display().to_string()))
}

/// The request page for `key` at `now`.
pub async fn page(
    state: &AppState,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<RequestPage, AppError> {
    let row = load(&state.db, key).await?;
    let settings = &state.settings;
    let today = delivery::business_day(now, &settings.business_tz);
    let mut status = RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Failed);
    // Past its answer-by time a pending request is expired, whether or not the job ran yet.
    if status == RequestStatus::Pending && now >= row.expires_at {
        status = RequestStatus::Expired;
    }
    let cancelled = row.event_status == "cancelled";
    let holds = status.holds();
    let on_or_after_day = today >= row.delivery_date;
    let zone = settings.business_tz.name();
    let when = |at: DateTime<Utc>| {
        format!(
            "{} ({zone} time)",
            local_time(settings, at, "%A %-d %B, %-I:%M %p")
        )
    };
    let answered = match status {
        RequestStatus::Pending => None,
        RequestStatus::Expired => Some(
            "The time to answer this request passed without an answer, so it went to another florist. Nothing was accepted for you.".to_owned(),
        ),
        _ => Some(answered_text(&row, status, &when)),
    };
    let choices = |list: Vec<(&'static str, &'static str)>| {
        list.into_iter()
            .map(|(v, l)| (v.to_owned(), l.to_owned()))
            .collect()
    };
    Ok(RequestPage {
        action_url: format!("{}/respond", key.page_path()),
        status: status.as_str().to_owned(),
        status_label: if cancelled {
            "Cancelled by the customer".to_owned()
        } else {
            status.label().to_owned()
        },
        florist: row.business_name.clone(),
        date: row.delivery_date.format("%A %-d %B %Y").to_string(),
        area: format!("{}, {}", row.suburb, row.city),
        budget: settings.money(row.budget_cents),
        pay: settings.money(row.pay_cents),
        occasion: delivery::occasion_label(&row.occasion).to_owned(),
        card_message: row.card_message.clone(),
        delivery_notes: row.delivery_notes.clone(),
        answer_by: (status == RequestStatus::Pending).then(|| when(row.expires_at)),
        recipient: (holds && !cancelled).then(|| Recipient {
            name: row.recipient_name.clone(),
            address: [
                row.street_address.as_str(),
                row.suburb.as_str(),
                row.city.as_str(),
                row.state.as_str(),
                row.postcode.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
            phone: row.recipient_phone.clone(),
        }),
        can_answer: status == RequestStatus::Pending && !cancelled,
        can_withdraw: status == RequestStatus::Accepted && !cancelled && !on_or_after_day,
        can_report: matches!(status, RequestStatus::Accepted | RequestStatus::CardLeft)
            && !cancelled
            && on_or_after_day,
        report_from: (matches!(status, RequestStatus::Accepted) && !on_or_after_day && !cancelled)
            .then(|| row.delivery_date.format("%A %-d %B").to_string()),
        answered,
        decline_reasons: choices(
            Reason::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
        ),
        fail_reasons: choices(
            FailReason::ALL
                .iter()
                .filter(|r| status != RequestStatus::CardLeft || **r != FailReason::NotHome)
                .map(|r| (r.as_str(), r.label()))
                .collect(),
        ),
        has_photo: row.photo_path.is_some(),
    })
}

fn answered_text(
    row: &RequestRow,
    status: RequestStatus,
    when: &dyn Fn(DateTime<Utc>) -> String,
) -> String {
    let reason = row
        .reason
        .as_deref()
        .map(|r| {
            let label = delivery::reason_label(r);
            if row.note.is_empty() {
                format!(" ({label})")
            } else {
                format!(" ({label}: {})", row.note)
            }
        })
        .unwrap_or_default();
    let on = |at: Option<DateTime<Utc>>| at.map(|t| format!(" on {}", when(t))).unwrap_or_default();
    match status {
        RequestStatus::Accepted => format!("You accepted this delivery{}.", on(row.responded_at)),
        RequestStatus::Declined => {
            format!("You declined this request{}{reason}.", on(row.responded_at))
        }
        RequestStatus::Withdrawn => {
            format!("You withdrew from this delivery{reason}; it went to another florist.")
        }
        RequestStatus::CardLeft => format!(
            "You left a card{}: please deliver or report within 24 hours.",
            on(row.card_left_at)
        ),
        RequestStatus::Delivered => format!(
            "You marked this delivered{}. Thank you!",
            on(row.delivered_at)
        ),
        RequestStatus::Failed => {
            format!("You reported that you could not deliver{reason}. Our team takes it from here.")
        }
        RequestStatus::Pending | RequestStatus::Expired => String::new(),
    }
}

/// The photo of request `id`, for admins: its bytes and content type.
pub async fn photo(state: &AppState, id: i64) -> Result<(Vec<u8>, &'static str), AppError> {
    let row = rows::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let path = row.photo_path.ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::error!(error = %e, request_id = id, "reading a delivery photo");
        AppError::NotFound
    })?;
    let kind = match delivery::photo_extension(&bytes) {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    };
    Ok((bytes, kind))
}
