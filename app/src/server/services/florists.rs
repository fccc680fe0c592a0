//! Delivery florists: booking links, slugs, service areas and pauses, the florist's dashboard
//! panel, their record for admins, and the admin "needs a florist" queue.

use crate::domain::delivery::{self, AreaInput, RequestStatus};
use crate::domain::order::COUNTRIES;
use crate::dto::delivery::{
    AdminRequestLine, AreaLine, BookingFlorist, FloristPanel, FloristRecord, FloristRequestLine,
    NeedsFlorist, SlugCheck,
};
use crate::dto::{AppError, Paged};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::deliveries::{self as requests, NewRequest};
use crate::server::db::{florists as rows, partners};
use crate::server::services::deliveries::{self, Notice};
use chrono::{DateTime, Utc};

/// The cookie that remembers a florist's booking link until the visitor signs up.
pub const BOOKING_COOKIE: &str = "ff_florist";

pub async fn resolve_slug(
    state: &AppState,
    slug: &str,
) -> Result<Option<BookingFlorist>, AppError> {
    let Ok(slug) = delivery::validate_slug(slug) else {
        return Ok(None);
    };
    Ok(rows::resolve_slug(&state.db, &slug)
        .await?
        .map(|(id, name)| BookingFlorist { id, name }))
}

/// The florist a remembered booking link names, if still an active florist.
pub async fn booking_florist(
    state: &AppState,
    partner_id: i64,
) -> Result<Option<BookingFlorist>, AppError> {
    Ok(rows::active_florist_name(&state.db, partner_id)
        .await?
        .map(|name| BookingFlorist {
            id: partner_id,
            name,
        }))
}

pub async fn check_slug(state: &AppState, slug: &str) -> Result<SlugCheck, AppError> {
    Ok(match delivery::validate_slug(slug) {
        Err(message) => SlugCheck {
            available: false,
            message,
        },
        Ok(slug) if rows::slug_taken(&state.db, &slug).await? => SlugCheck {
            available: false,
            message: format!("\"{slug}\" is taken. Try adding your suburb, like {slug}-newtown."),
        },
        Ok(slug) => SlugCheck {
            available: true,
            message: format!(
                "\"{slug}\" is free: your link will be {}/?delivery_partner={slug}",
                state.settings.site_url
            ),
        },
    })
}

fn country_name(code: &str) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

fn area_lines(areas: Vec<rows::AreaRow>) -> Vec<AreaLine> {
    areas
        .into_iter()
        .map(|a| AreaLine {
            suburb: a.suburb,
            city: a.city,
            state: a.state,
            postcode: a.postcode,
            country: a.country,
        })
        .collect()
}

fn address(f: &rows::FloristRow) -> String {
    [&f.street_address, &f.suburb, &f.city, &f.state, &f.postcode]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .chain(std::iter::once(country_name(&f.country).as_str()).filter(|s| !s.is_empty()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn answer_by(state: &AppState, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.settings.business_tz)
        .format("%a %-d %b, %-I:%M %p")
        .to_string()
}

/// The delivery part of the signed-in florist's dashboard.
pub async fn panel(
    state: &AppState,
    partner_id: i64,
    now: DateTime<Utc>,
) -> Result<FloristPanel, AppError> {
    let florist = rows::details(&state.db, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let areas = rows::areas(&state.db, partner_id).await?;
    let lines = requests::for_florist(&state.db, partner_id, 200).await?;
    let (mut pending, mut upcoming, mut past) = (Vec::new(), Vec::new(), Vec::new());
    for l in lines {
        let mut status = RequestStatus::parse(&l.status).unwrap_or(RequestStatus::Failed);
        if status == RequestStatus::Pending && now >= l.expires_at {
            status = RequestStatus::Expired;
        }
        let line = FloristRequestLine {
            id: l.id,
            status: status.as_str().to_owned(),
            status_label: status.label().to_owned(),
            date: l.delivery_date.format("%a %-d %b %Y").to_string(),
            area: format!("{}, {}", l.suburb, l.city),
            pay: state.money(l.pay_cents),
            answer_by: (status == RequestStatus::Pending).then(|| answer_by(state, l.expires_at)),
        };
        match status {
            RequestStatus::Pending => pending.push(line),
            RequestStatus::Accepted | RequestStatus::CardLeft => upcoming.push(line),
            _ => past.push(line),
        }
    }
    let today = delivery::business_day(now, &state.settings.business_tz);
    let paused = florist.paused_until.filter(|d| *d > today);
    Ok(FloristPanel {
        booking_link: florist
            .booking_slug
            .as_ref()
            .map(|s| format!("{}/?delivery_partner={s}", state.settings.site_url)),
        address: address(&florist),
        areas: area_lines(areas),
        paused_until: paused.map(|d| d.to_string()).unwrap_or_default(),
        paused_label: paused.map(|d| format!("Not taking deliveries before {}.", long_date(d))),
        pending,
        upcoming,
        past,
    })
}

async fn own_florist(state: &AppState, user: &CurrentUser) -> Result<i64, AppError> {
    let partner = partners::find_by_user(&state.db, user.id)
        .await?
        .filter(|p| p.partner_type == "delivery")
        .ok_or(AppError::NotFound)?;
    Ok(partner.id)
}

/// The signed-in florist replaces their service areas (at least one).
pub async fn set_areas(
    state: &AppState,
    user: &CurrentUser,
    rows_in: &[AreaInput],
) -> Result<(), AppError> {
    let partner_id = own_florist(state, user).await?;
    let areas = delivery::validate_areas(rows_in).map_err(AppError::Invalid)?;
    let mut tx = state.db.begin().await?;
    rows::replace_areas(&mut tx, partner_id, &areas, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in florist pauses (until a date) or resumes (empty).
pub async fn set_pause(state: &AppState, user: &CurrentUser, until: &str) -> Result<(), AppError> {
    let partner_id = own_florist(state, user).await?;
    let now = Utc::now();
    let today = delivery::business_day(now, &state.settings.business_tz);
    let until =
        delivery::parse_pause(until, today).map_err(|m| AppError::field("paused_until", m))?;
    rows::set_pause(&state.db, partner_id, until, now).await?;
    Ok(())
}

/// The florist's record and details, for the admin partner page (`None` for referral partners).
pub async fn record(state: &AppState, partner_id: i64) -> Result<Option<FloristRecord>, AppError> {
    let Some(florist) = rows::details(&state.db, partner_id).await? else {
        return Ok(None);
    };
    let Some(slug) = florist.booking_slug.clone() else {
        return Ok(None);
    };
    let r = requests::record(&state.db, partner_id).await?;
    let reasons = requests::reasons(&state.db, partner_id)
        .await?
        .into_iter()
        .map(|(status, reason, n)| {
            let what = RequestStatus::parse(&status).map_or("", RequestStatus::label);
            (
                what.to_owned(),
                delivery::reason_label(&reason).to_owned(),
                n,
            )
        })
        .collect();
    let recent = requests::for_florist(&state.db, partner_id, 20)
        .await?
        .into_iter()
        .map(|l| AdminRequestLine {
            id: l.id,
            date: l.delivery_date.format("%a %-d %b %Y").to_string(),
            area: format!("{}, {}", l.suburb, l.city),
            status_label: RequestStatus::parse(&l.status)
                .map_or("", RequestStatus::label)
                .to_owned(),
            reason: String::new(),
            photo_url: None,
        })
        .collect::<Vec<_>>();
    let mut recent = recent;
    for line in &mut recent {
        if let Some(row) = requests::find(&state.db, line.id).await? {
            line.reason = row
                .reason
                .as_deref()
                .map(|r| {
                    let label = delivery::reason_label(r);
                    if row.note.is_empty() {
                        label.to_owned()
                    } else {
                        format!("{label}: {}", row.note)
                    }
                })
                .unwrap_or_default();
            line.photo_url = row
                .photo_path
                .is_some()
                .then(|| format!("/admin/delivery-photos/{}", line.id));
        }
    }
    let today = delivery::business_day(Utc::now(), &state.settings.business_tz);
    Ok(Some(FloristRecord {
        booking_slug: slug,
        address: address(&florist),
        paused: florist
            .paused_until
            .filter(|d| *d > today)
            .map(|d| format!("Paused: not taking deliveries before {}", long_date(d))),
        areas: area_lines(rows::areas(&state.db, partner_id).await?),
        offered: r.offered,
        accepted: r.accepted,
        declined: r.declined,
        expired: r.expired,
        withdrawn: r.withdrawn,
        delivered: r.delivered,
        delivered_on_time: r.delivered_on_time,
        failed: r.failed,
        reasons,
        recent,
    }))
}

pub fn attention_label(reason: &str) -> &'static str {
    match reason {
        "nobody_covers" => "No florist covers this suburb",
        "nobody_left" => "Every covering florist was asked",
        "no_time" => "Too close to the day to offer it",
        "not_delivered" => "The florist could not deliver",
        "card_left_lapsed" => "Card left, no news for 24 hours",
        _ => "Needs a look",
    }
}

pub const QUEUE_PER_PAGE: i64 = 20;

/// The "needs a florist" queue: flagged events, soonest first, each with the florists an admin
/// can pick (those covering the area first).
pub async fn queue(state: &AppState, page: i64) -> Result<Paged<NeedsFlorist>, AppError> {
    let total = requests::flagged_count(&state.db).await?;
    let (page, pages) = Paged::<()>::window(total, QUEUE_PER_PAGE, page);
    let flagged = requests::flagged(&state.db, QUEUE_PER_PAGE, (page - 1) * QUEUE_PER_PAGE).await?;
    let mut out = Vec::with_capacity(flagged.len());
    for f in flagged {
        let key = delivery::area_key(&f.suburb, &f.city, &f.country);
        let florists = rows::assignable(&state.db, &key)
            .await?
            .into_iter()
            .map(|(id, name, covers)| {
                (
                    id,
                    if covers {
                        format!("{name} (covers {})", f.suburb)
                    } else {
                        name
                    },
                )
            })
            .collect();
        out.push(NeedsFlorist {
            event_id: f.event_id,
            order_id: f.order_id,
            date: f.delivery_date.format("%a %-d %b %Y").to_string(),
            area: format!("{}, {}", f.suburb, f.city),
            budget: state.money(f.budget_cents),
            reason: attention_label(&f.attention).to_owned(),
            since: answer_by(state, f.attention_at),
            asked: f.asked,
            florists,
        });
    }
    Ok(Paged {
        rows: out,
        page,
        pages,
        total,
    })
}

/// An admin gives a flagged event to `partner_id` by hand: a request (and its mail) like any
/// other, answerable until the normal time, or the start of the delivery day when that has passed.
pub async fn assign(
    state: &AppState,
    actor: &Actor,
    event_id: i64,
    partner_id: i64,
) -> Result<(), AppError> {
    let now = Utc::now();
    let partner = partners::find(&state.db, partner_id)
        .await?
        .filter(|p| p.partner_type == "delivery" && p.status == "active")
        .ok_or_else(|| AppError::field("partner_id", "Choose an active delivery florist."))?;
    let _gate = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    requests::lock_event(&mut tx, event_id).await?;
    let event = requests::event_to_offer(&mut tx, event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if event.status != "scheduled" {
        return Err(AppError::field(
            "event_id",
            "This delivery is no longer scheduled.",
        ));
    }
    let tz = &state.settings.business_tz;
    let expires_at = delivery::answer_by(event.delivery_date, tz, now).unwrap_or_else(|| {
        delivery::day_start(event.delivery_date, tz).max(now + delivery::MIN_ANSWER)
    });
    let new = NewRequest {
        event_id,
        partner_id: partner.id,
        pay_cents: event.budget_cents,
        expires_at,
        assigned_by: actor.user_id,
    };
    let Some(id) = requests::insert(&mut tx, &new, now).await? else {
        return Err(AppError::field(
            "partner_id",
            format!(
                "{} was already asked for this delivery, or another florist holds it.",
                partner.business_name
            ),
        ));
    };
    requests::clear_flag(&mut tx, event_id, now).await?;
    rows::mark_offered(&mut tx, partner.id, now).await?;
    let change = Change {
        action: "delivery.assign",
        subject_type: "delivery_request",
        subject_id: id,
        partner_id: Some(partner.id),
        before: format!("event #{event_id} needs a florist"),
        after: format!("offered to {}", partner.business_name),
    };
    audit::record(&mut tx, actor, &change, now).await?;
    deliveries::send(
        &mut tx,
        &state.settings,
        id,
        Notice::Offer { reassigned: true },
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(
        event_id,
        partner_id,
        admin = ?actor.user_id,
        "florist assigned by hand"
    );
    Ok(())
}
