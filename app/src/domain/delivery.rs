//! Delivery florists (DESIGN §4, Phase 2): booking slugs, service areas, the delivery-request state
//! machine, answer-by times and who is offered an event next.
//!
//! Invariants:
//! - a request moves only along the arrows of [`decide`]; every other move is a [`Refusal`] that
//!   says why, and changes nothing;
//! - silence never accepts: a pending request past its answer-by time can only expire;
//! - an event is offered to a florist at most once (the fairness order skips everyone already asked);
//! - addresses match on [`area_key`]: suburb, city and country, case- and space-insensitively.

use super::order::COUNTRIES;
use super::validation::{FieldError, FieldErrors};
use chrono::{DateTime, Days, Duration, NaiveDate, TimeZone, Utc};

/// An event is offered this many days before its delivery day.
pub const OFFER_DAYS: u64 = 14;
/// A pending offer is reminded from this many days before the delivery day.
pub const REMIND_DAYS: u64 = 7;
/// A first offer must be answered this long before the delivery day begins.
pub const ANSWER_BEFORE: Duration = Duration::hours(48);
/// A late offer (reassignment, or an order close to its date) gets this long to be answered…
pub const LATE_WINDOW: Duration = Duration::hours(12);
/// …but must be answered at least this long before the delivery day begins…
pub const LAST_CALL: Duration = Duration::hours(12);
/// …and is not made at all with less than this to answer: the event goes to an admin instead.
pub const MIN_ANSWER: Duration = Duration::hours(4);
/// After "recipient not home, card left", the florist has this long to deliver or report failure.
pub const CARD_LEFT_GRACE: Duration = Duration::hours(24);
/// A pending offer is reminded only once it is this old (a fresh reassignment needs no reminder).
pub const REMIND_AFTER: Duration = Duration::hours(20);

/// The first instant of `date` in the business time zone, in UTC.
pub fn day_start<Z: TimeZone>(date: NaiveDate, tz: &Z) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        // A zone that skips midnight (DST at 00:00) starts the day an hour later.
        .or_else(|| {
            tz.from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The business day `now` falls on.
pub fn business_day<Z: TimeZone>(now: DateTime<Utc>, tz: &Z) -> NaiveDate {
    now.with_timezone(tz).date_naive()
}

/// Until when an offer made at `now` for a delivery on `date` may be answered, or `None` when there
/// is no time left to offer it (an admin must find a florist).
///
/// A timely offer is answered by 48 h before the delivery day begins. A late one gets
/// [`LATE_WINDOW`], but no later than [`LAST_CALL`] before the day, and only if that leaves at
/// least [`MIN_ANSWER`].
pub fn answer_by<Z: TimeZone>(
    date: NaiveDate,
    tz: &Z,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let start = day_start(date, tz);
    let normal = start - ANSWER_BEFORE;
    if now + MIN_ANSWER <= normal {
        return Some(normal);
    }
    let late = (now + LATE_WINDOW).min(start - LAST_CALL);
    (late - now >= MIN_ANSWER).then_some(late)
}

/// The key addresses are matched on: "suburb|city|country", lower case, single spaces.
pub fn area_key(suburb: &str, city: &str, country: &str) -> String {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    format!("{}|{}|{}", norm(suburb), norm(city), norm(country))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Expired,
    Withdrawn,
    /// Recipient not home: a card was left, the florist has [`CARD_LEFT_GRACE`] to deliver.
    CardLeft,
    Delivered,
    /// Could not deliver for another reason: an admin takes over.
    Failed,
}

impl RequestStatus {
    pub const ALL: [Self; 8] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Expired,
        Self::Withdrawn,
        Self::CardLeft,
        Self::Delivered,
        Self::Failed,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
            Self::CardLeft => "card_left",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for your answer",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Expired => "Expired",
            Self::Withdrawn => "Withdrawn",
            Self::CardLeft => "Card left, delivery to retry",
            Self::Delivered => "Delivered",
            Self::Failed => "Could not deliver",
        }
    }
    /// The florist holds the delivery (accepted and not given up).
    pub fn holds(self) -> bool {
        matches!(self, Self::Accepted | Self::CardLeft | Self::Delivered)
    }
}

/// Why a florist declines or withdraws (shown to admins per florist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    FullyBooked,
    Closed,
    TooFar,
    BudgetTooLow,
    Other,
}

impl Reason {
    pub const ALL: [Self; 5] = [
        Self::FullyBooked,
        Self::Closed,
        Self::TooFar,
        Self::BudgetTooLow,
        Self::Other,
    ];
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FullyBooked => "fully_booked",
            Self::Closed => "closed",
            Self::TooFar => "too_far",
            Self::BudgetTooLow => "budget_too_low",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::FullyBooked => "Fully booked",
            Self::Closed => "Closed that day",
            Self::TooFar => "Too far",
            Self::BudgetTooLow => "Budget too low for this area",
            Self::Other => "Other",
        }
    }
}

/// Why a florist could not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason {
    /// Recipient not home: card left, the florist retries within 24 h.
    NotHome,
    WrongAddress,
    Refused,
    ShopProblem,
    Other,
}

impl FailReason {
    pub const ALL: [Self; 5] = [
        Self::NotHome,
        Self::WrongAddress,
        Self::Refused,
        Self::ShopProblem,
        Self::Other,
    ];
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotHome => "not_home",
            Self::WrongAddress => "wrong_address",
            Self::Refused => "refused",
            Self::ShopProblem => "shop_problem",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::NotHome => "Recipient not home: card left, I will retry within 24 hours",
            Self::WrongAddress => "The address is wrong or cannot be found",
            Self::Refused => "The recipient refused the flowers",
            Self::ShopProblem => "A problem at my shop",
            Self::Other => "Something else",
        }
    }
}

/// The label of a stored decline, withdrawal or failure reason.
pub fn reason_label(raw: &str) -> &'static str {
    Reason::parse(raw)
        .map(Reason::label)
        .or_else(|| FailReason::parse(raw).map(FailReason::label))
        .unwrap_or("Unknown")
}

/// What a florist asks for on the request page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Decline(Reason),
    Withdraw(Reason),
    Delivered,
    CouldNotDeliver(FailReason),
}

/// Why an action was refused; each has its own page text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request was already answered (or closed): the page says how.
    AlreadyAnswered(RequestStatus),
    /// The answer-by time has passed.
    TooLate,
    /// Withdrawing is possible up to the day before the delivery.
    WithdrawOnTheDay,
    /// Delivered / could not deliver only from the delivery day on.
    NotYetTheDay,
    /// The delivery was cancelled (the customer's order was refunded).
    Cancelled,
}

impl Refusal {
    pub fn message(self) -> String {
        match self {
            Self::AlreadyAnswered(status) => format!(
                "This request was already answered: {}. Nothing was changed.",
                status.label().to_lowercase()
            ),
            Self::TooLate => {
                "The time to answer this request has passed, so it went to another florist.".into()
            }
            Self::WithdrawOnTheDay => {
                "On the delivery day you can no longer withdraw. If you cannot deliver, report it with \"Couldn't deliver\".".into()
            }
            Self::NotYetTheDay => {
                "You can report the delivery from the delivery day on.".into()
            }
            Self::Cancelled => "The customer cancelled this delivery. Nothing was changed.".into(),
        }
    }
}

/// The facts a decision needs.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts {
    pub status: RequestStatus,
    pub event_cancelled: bool,
    pub delivery_date: NaiveDate,
    pub expires_at: DateTime<Utc>,
}

/// The new status `action` leads to, or why it may not happen at `now` (business day `today`).
pub fn decide(
    facts: RequestFacts,
    action: Action,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RequestStatus, Refusal> {
    use RequestStatus as S;
    if facts.event_cancelled {
        return Err(Refusal::Cancelled);
    }
    match (facts.status, action) {
        (S::Pending, Action::Accept | Action::Decline(_)) if now >= facts.expires_at => {
            Err(Refusal::TooLate)
        }
        (S::Pending, Action::Accept) => Ok(S::Accepted),
        (S::Pending, Action::Decline(_)) => Ok(S::Declined),
        (S::Accepted, Action::Withdraw(_)) if today >= facts.delivery_date => {
            Err(Refusal::WithdrawOnTheDay)
        }
        (S::Accepted, Action::Withdraw(_)) => Ok(S::Withdrawn),
        (S::Accepted | S::CardLeft, Action::Delivered | Action::CouldNotDeliver(_))
            if today < facts.delivery_date =>
        {
            Err(Refusal::NotYetTheDay)
        }
        (S::Accepted | S::CardLeft, Action::Delivered) => Ok(S::Delivered),
        (S::Accepted, Action::CouldNotDeliver(FailReason::NotHome)) => Ok(S::CardLeft),
        // A card was already left: the second visit either delivers or gives up.
        (S::Accepted | S::CardLeft, Action::CouldNotDeliver(_)) => Ok(S::Failed),
        (status, _) => Err(Refusal::AlreadyAnswered(status)),
    }
}

/// Why an answer was not taken, as the request page tells it (carried in its URL as a code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Refused(Refusal),
    /// Declining, withdrawing or "couldn't deliver" needs a reason from the list.
    NeedReason,
    /// "Other" needs a few words.
    NeedNote,
    /// The photo is not a JPEG, PNG or WebP image.
    PhotoType,
    /// The photo is over [`MAX_PHOTO_BYTES`].
    PhotoTooBig,
    UnknownAction,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Refused(Refusal::AlreadyAnswered(_)) => "already",
            Self::Refused(Refusal::TooLate) => "too_late",
            Self::Refused(Refusal::WithdrawOnTheDay) => "on_the_day",
            Self::Refused(Refusal::NotYetTheDay) => "not_yet",
            Self::Refused(Refusal::Cancelled) => "cancelled",
            Self::NeedReason => "reason",
            Self::NeedNote => "note",
            Self::PhotoType => "photo_type",
            Self::PhotoTooBig => "photo_size",
            Self::UnknownAction => "action",
        }
    }

    /// The message for a code from a URL; `None` for a code we never send.
    pub fn message_for(code: &str) -> Option<String> {
        Some(match code {
            "already" => "This request was already answered, so nothing was changed. Here is where it stands.".into(),
            "too_late" => Refusal::TooLate.message(),
            "on_the_day" => Refusal::WithdrawOnTheDay.message(),
            "not_yet" => Refusal::NotYetTheDay.message(),
            "cancelled" => Refusal::Cancelled.message(),
            "reason" => "Choose a reason from the list.".into(),
            "note" => "Tell us in a few words what happened (for \"Other\" or \"Something else\").".into(),
            "photo_type" => "That file is not a photo we can use: send a JPEG, PNG or WebP picture.".into(),
            "photo_size" => "That photo is over 8 MB. Send a smaller one (most phones can share a smaller size).".into(),
            "action" => "We did not understand that answer. Please use the buttons on this page.".into(),
            _ => return None,
        })
    }
}

/// Reads a florist's answer from the posted form fields.
pub fn parse_action(action: &str, reason: &str, note: &str) -> Result<Action, Problem> {
    let note = note.trim();
    let listed = |reason: &str| -> Result<Reason, Problem> {
        let r = Reason::parse(reason).ok_or(Problem::NeedReason)?;
        if r == Reason::Other && note.is_empty() {
            return Err(Problem::NeedNote);
        }
        Ok(r)
    };
    match action {
        "accept" => Ok(Action::Accept),
        "decline" => Ok(Action::Decline(listed(reason)?)),
        "withdraw" => Ok(Action::Withdraw(listed(reason)?)),
        "delivered" => Ok(Action::Delivered),
        "not_delivered" => {
            let r = FailReason::parse(reason).ok_or(Problem::NeedReason)?;
            if r == FailReason::Other && note.is_empty() {
                return Err(Problem::NeedNote);
            }
            Ok(Action::CouldNotDeliver(r))
        }
        _ => Err(Problem::UnknownAction),
    }
}

/// The largest delivery photo we keep.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// The file extension of a JPEG, PNG or WebP image, read from its first bytes (never from the
/// name or the type the browser claims).
pub fn photo_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// Booking slugs that would read as our own pages.
const RESERVED_SLUGS: &[&str] = &["admin", "api", "futureflower", "partner", "partners", "pkg"];

/// A booking slug as typed: trimmed and lower-cased, then 3–40 of `a-z0-9-`, starting and ending
/// with a letter or digit, no double hyphen.
pub fn validate_slug(raw: &str) -> Result<String, String> {
    let slug = raw.trim().to_lowercase();
    if slug.len() < 3 || slug.len() > 40 {
        return Err("Use 3 to 40 characters.".into());
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("Use only letters a-z, digits and hyphens (no spaces).".into());
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Err("Start and end with a letter or digit, with single hyphens between.".into());
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err("That name is reserved. Try your shop's name.".into());
    }
    Ok(slug)
}

/// A service area as posted by the form (one row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaInput {
    /// The row is switched on (the first row always is; "remove" switches a row off).
    pub on: bool,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

/// A validated service area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceArea {
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    /// ISO country code, as orders store it.
    pub country: String,
    pub key: String,
}

/// At most this many areas per florist.
pub const MAX_AREAS: usize = 30;

fn text(value: &str, max: usize, what: &str, required: bool) -> Result<String, String> {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() && required {
        Err(format!("Enter the {what}."))
    } else if v.chars().count() > max {
        Err(format!("Keep the {what} to {max} characters."))
    } else {
        Ok(v)
    }
}

fn country_code(raw: &str) -> Result<String, String> {
    COUNTRIES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(raw.trim()))
        .map(|(code, _)| (*code).to_owned())
        .ok_or_else(|| "Choose a country we deliver to.".to_owned())
}

/// Validates the switched-on rows; errors name the row's fields (`areas[i][suburb]`). At least one
/// area, no two the same.
pub fn validate_areas(rows: &[AreaInput]) -> Result<Vec<ServiceArea>, Vec<FieldError>> {
    let mut errors = FieldErrors::default();
    let mut areas: Vec<ServiceArea> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let blank = [&row.suburb, &row.city, &row.state, &row.postcode]
            .iter()
            .all(|v| v.trim().is_empty());
        // A switched-on row left blank is ignored, unless it is the only one.
        if !row.on || (blank && i > 0) {
            continue;
        }
        let field = |name: &str| format!("areas[{i}][{name}]");
        let suburb = errors.check(&field("suburb"), text(&row.suburb, 100, "suburb", true));
        let city = errors.check(&field("city"), text(&row.city, 100, "city", true));
        let state = errors.check(&field("state"), text(&row.state, 100, "state", false));
        let postcode = errors.check(
            &field("postcode"),
            text(&row.postcode, 10, "postcode", false).map(|p| p.to_uppercase()),
        );
        let country = errors.check(&field("country"), country_code(&row.country));
        if let (Some(suburb), Some(city), Some(state), Some(postcode), Some(country)) =
            (suburb, city, state, postcode, country)
        {
            let key = area_key(&suburb, &city, &country);
            if areas.iter().any(|a| a.key == key) {
                errors.add(&field("suburb"), "This area is already in the list.");
                continue;
            }
            areas.push(ServiceArea {
                suburb,
                city,
                state,
                postcode,
                country,
                key,
            });
        }
    }
    if areas.is_empty() && errors.is_empty() {
        errors.add(
            "areas[0][suburb]",
            "Add at least one suburb you deliver to.",
        );
    }
    if areas.len() > MAX_AREAS {
        errors.add(
            "areas",
            format!("Keep to {MAX_AREAS} areas; contact us if you cover more."),
        );
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        Err(errors.into_vec())
    }
}

/// A florist's shop address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopAddress {
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

/// What a delivery florist adds to the partner registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloristDetails {
    pub booking_slug: String,
    pub address: ShopAddress,
    pub areas: Vec<ServiceArea>,
}

pub fn validate_florist(
    slug: &str,
    address: &ShopAddress,
    areas: &[AreaInput],
) -> Result<FloristDetails, Vec<FieldError>> {
    let mut errors = FieldErrors::default();
    let booking_slug = errors.check("booking_slug", validate_slug(slug));
    let street_address = errors.check(
        "street_address",
        text(&address.street_address, 200, "shop's street address", true),
    );
    let suburb = errors.check("suburb", text(&address.suburb, 100, "suburb", true));
    let city = errors.check("city", text(&address.city, 100, "city", true));
    let state = errors.check("state", text(&address.state, 100, "state", false));
    let postcode = errors.check(
        "postcode",
        text(&address.postcode, 10, "postcode", false).map(|p| p.to_uppercase()),
    );
    let country = errors.check("country", country_code(&address.country));
    let areas = match validate_areas(areas) {
        Ok(areas) => Some(areas),
        Err(area_errors) => {
            for e in area_errors {
                errors.add(&e.field, e.message);
            }
            None
        }
    };
    match (
        booking_slug,
        street_address,
        suburb,
        city,
        state,
        postcode,
        country,
        areas,
    ) {
        (
            Some(booking_slug),
            Some(street_address),
            Some(suburb),
            Some(city),
            Some(state),
            Some(postcode),
            Some(country),
            Some(areas),
        ) if errors.is_empty() => Ok(FloristDetails {
            booking_slug,
            address: ShopAddress {
                street_address,
                suburb,
                city,
                state,
                postcode,
                country,
            },
            areas,
        }),
        _ => Err(errors.into_vec()),
    }
}

/// Parses the pause date a florist typed ("not taking deliveries until"): empty clears the pause;
/// a date must be after `today` and within a year.
pub fn parse_pause(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "Enter a date like 2026-12-24.".to_owned())?;
    if date <= today {
        return Err("Choose a date after today (or clear the pause).".into());
    }
    if date > today + Days::new(366) {
        return Err("Pause for at most a year.".into());
    }
    Ok(Some(date))
}

/// A florist who could be offered an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub partner_id: i64,
    /// Deliveries before this date are not offered.
    pub paused_until: Option<NaiveDate>,
    pub last_offered_at: Option<DateTime<Utc>>,
    /// Share of answered offers accepted and not given up, in per mille (ties are broken by it).
    pub reliability: i64,
}

/// Who is offered an event on `date` next: the customer's own florist (`source`) if they cover
/// it; otherwise the covering florist offered least recently (never offered first), the more
/// reliable one on a tie. Paused florists and everyone in `asked` are skipped.
pub fn pick<'a>(
    candidates: &'a [Candidate],
    date: NaiveDate,
    source: Option<i64>,
    asked: &[i64],
) -> Option<&'a Candidate> {
    let eligible = candidates
        .iter()
        .filter(|c| !asked.contains(&c.partner_id))
        .filter(|c| c.paused_until.is_none_or(|until| date >= until));
    let mut best: Option<&Candidate> = None;
    for c in eligible {
        if Some(c.partner_id) == source {
            return Some(c);
        }
        let better = match best {
            None => true,
            Some(b) => {
                (c.last_offered_at, -c.reliability, c.partner_id)
                    < (b.last_offered_at, -b.reliability, b.partner_id)
            }
        };
        if better {
            best = Some(c);
        }
    }
    best
}

/// Occasions the order form offers (stored as the key; the florist sees the label).
pub const OCCASIONS: &[(&str, &str)] = &[
    ("", "No particular occasion"),
    ("birthday", "Birthday"),
    ("anniversary", "Anniversary"),
    ("love", "Love and romance"),
    ("thank_you", "Thank you"),
    ("get_well", "Get well"),
    ("sympathy", "Sympathy"),
    ("congratulations", "Congratulations"),
    ("new_baby", "New baby"),
];

pub fn occasion_label(key: &str) -> &'static str {
    OCCASIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    const SYD: &chrono_tz::Tz = &chrono_tz::Australia::Sydney;

    #[test]
    fn answer_by_is_48h_before_the_local_day_or_a_late_window() {
        // Sydney is UTC+11 in December: the 20th begins at 13:00 UTC on the 19th.
        let d = date("2026-12-20");
        assert_eq!(day_start(d, SYD), at("2026-12-19T13:00:00Z"));
        assert_eq!(
            answer_by(d, SYD, at("2026-12-06T00:00:00Z")),
            Some(at("2026-12-17T13:00:00Z"))
        );
        // Offered when the normal time is (nearly) past: 12 h to answer.
        assert_eq!(
            answer_by(d, SYD, at("2026-12-17T13:00:00Z")),
            Some(at("2026-12-18T01:00:00Z"))
        );
        // Close to the day: until 12 h before it, if that leaves 4 h.
        assert_eq!(
            answer_by(d, SYD, at("2026-12-18T20:00:00Z")),
            Some(at("2026-12-19T01:00:00Z"))
        );
        assert_eq!(answer_by(d, SYD, at("2026-12-18T22:00:00Z")), None);
        assert_eq!(answer_by(d, SYD, at("2026-12-20T00:00:00Z")), None);
    }

    #[test]
    fn areas_match_whatever_the_case_and_spacing() {
        assert_eq!(
            area_key("  Surry   Hills", "SYDNEY ", "au"),
            area_key("surry hills", "Sydney", "AU")
        );
        assert_ne!(
            area_key("Newtown", "Sydney", "AU"),
            area_key("Newtown", "Wellington", "NZ")
        );
    }

    fn facts(status: RequestStatus) -> RequestFacts {
        RequestFacts {
            status,
            event_cancelled: false,
            delivery_date: date("2026-12-20"),
            expires_at: at("2026-12-17T13:00:00Z"),
        }
    }

    #[test]
    fn the_request_state_machine() {
        use RequestStatus as S;
        let early = at("2026-12-10T00:00:00Z");
        let (before, day) = (date("2026-12-10"), date("2026-12-20"));
        let decline = Action::Decline(Reason::FullyBooked);
        assert_eq!(
            decide(facts(S::Pending), Action::Accept, early, before),
            Ok(S::Accepted)
        );
        assert_eq!(
            decide(facts(S::Pending), decline, early, before),
            Ok(S::Declined)
        );
        // Silence never accepts, and a late answer is refused.
        let late = at("2026-12-17T13:00:00Z");
        assert_eq!(
            decide(facts(S::Pending), Action::Accept, late, before),
            Err(Refusal::TooLate)
        );
        // A second answer changes nothing.
        for status in [S::Accepted, S::Declined, S::Expired, S::Withdrawn] {
            assert_eq!(
                decide(facts(status), Action::Accept, early, before),
                Err(Refusal::AlreadyAnswered(status))
            );
        }
        let withdraw = Action::Withdraw(Reason::Closed);
        assert_eq!(
            decide(facts(S::Accepted), withdraw, early, date("2026-12-19")),
            Ok(S::Withdrawn)
        );
        assert_eq!(
            decide(facts(S::Accepted), withdraw, early, day),
            Err(Refusal::WithdrawOnTheDay)
        );
        assert_eq!(
            decide(facts(S::Accepted), Action::Delivered, early, before),
            Err(Refusal::NotYetTheDay)
        );
        assert_eq!(
            decide(facts(S::Accepted), Action::Delivered, early, day),
            Ok(S::Delivered)
        );
        let not_home = Action::CouldNotDeliver(FailReason::NotHome);
        assert_eq!(
            decide(facts(S::Accepted), not_home, early, day),
            Ok(S::CardLeft)
        );
        assert_eq!(
            decide(facts(S::CardLeft), Action::Delivered, early, day),
            Ok(S::Delivered)
        );
        assert_eq!(
            decide(facts(S::CardLeft), not_home, early, day),
            Ok(S::Failed)
        );
        assert_eq!(
            decide(
                facts(S::Accepted),
                Action::CouldNotDeliver(FailReason::WrongAddress),
                early,
                day
            ),
            Ok(S::Failed)
        );
        assert_eq!(
            decide(facts(S::Delivered), Action::Delivered, early, day),
            Err(Refusal::AlreadyAnswered(S::Delivered))
        );
        let mut cancelled = facts(S::Pending);
        cancelled.event_cancelled = true;
        assert_eq!(
            decide(cancelled, Action::Accept, early, before),
            Err(Refusal::Cancelled)
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            validate_slug(" Roses-And-Thorns "),
            Ok("roses-and-thorns".into())
        );
        for bad in [
            "ab",
            "roses thorns",
            "-roses",
            "roses-",
            "ro--ses",
            "admin",
            "rosé",
        ] {
            assert!(validate_slug(bad).is_err(), "{bad}");
        }
    }

    fn row(suburb: &str, city: &str) -> AreaInput {
        AreaInput {
            on: true,
            suburb: suburb.into(),
            city: city.into(),
            country: "AU".into(),
            ..AreaInput::default()
        }
    }

    #[test]
    fn areas_need_one_row_and_no_duplicates() {
        let err = validate_areas(&[AreaInput {
            on: true,
            ..AreaInput::default()
        }])
        .unwrap_err();
        assert_eq!(err[0].field, "areas[0][suburb]");
        let err =
            validate_areas(&[row("Newtown", "Sydney"), row(" newtown", "SYDNEY")]).unwrap_err();
        assert_eq!(err[0].field, "areas[1][suburb]");
        // A removed row (switched off) is ignored, a blank extra row too.
        let mut removed = row("Glebe", "Sydney");
        removed.on = false;
        let ok = validate_areas(&[
            row("Newtown", "Sydney"),
            removed,
            AreaInput {
                on: true,
                country: "AU".into(),
                ..AreaInput::default()
            },
        ])
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].key, "newtown|sydney|au");
    }

    fn candidate(id: i64, last: Option<&str>, reliability: i64) -> Candidate {
        Candidate {
            partner_id: id,
            paused_until: None,
            last_offered_at: last.map(at),
            reliability,
        }
    }

    #[test]
    fn fairness_order() {
        let d = date("2026-12-20");
        let list = vec![
            candidate(1, Some("2026-12-01T00:00:00Z"), 900),
            candidate(2, Some("2026-11-01T00:00:00Z"), 100),
            candidate(3, Some("2026-11-01T00:00:00Z"), 800),
        ];
        // Least recently offered; the more reliable on a tie.
        assert_eq!(pick(&list, d, None, &[]).unwrap().partner_id, 3);
        assert_eq!(pick(&list, d, None, &[3]).unwrap().partner_id, 2);
        // The customer's own florist first.
        assert_eq!(pick(&list, d, Some(1), &[]).unwrap().partner_id, 1);
        // Never offered beats everyone; asked ones never come back.
        let mut fresh = list.clone();
        fresh.push(candidate(4, None, 0));
        assert_eq!(pick(&fresh, d, None, &[]).unwrap().partner_id, 4);
        assert!(pick(&list, d, None, &[1, 2, 3]).is_none());
        // Paused until after the day: skipped; from the day on: offered.
        let mut paused = list.clone();
        paused[2].paused_until = Some(date("2026-12-21"));
        assert_eq!(pick(&paused, d, None, &[]).unwrap().partner_id, 2);
        paused[2].paused_until = Some(d);
        assert_eq!(pick(&paused, d, None, &[]).unwrap().partner_id, 3);
    }

    #[test]
    fn answers_need_their_reasons() {
        assert_eq!(parse_action("accept", "", ""), Ok(Action::Accept));
        assert_eq!(parse_action("decline", "", ""), Err(Problem::NeedReason));
        assert_eq!(
            parse_action("decline", "other", " "),
            Err(Problem::NeedNote)
        );
        assert_eq!(
            parse_action("withdraw", "closed", ""),
            Ok(Action::Withdraw(Reason::Closed))
        );
        assert_eq!(
            parse_action("not_delivered", "not_home", ""),
            Ok(Action::CouldNotDeliver(FailReason::NotHome))
        );
        assert_eq!(parse_action("approve", "", ""), Err(Problem::UnknownAction));
        for p in [
            Problem::NeedReason,
            Problem::PhotoType,
            Problem::Refused(Refusal::TooLate),
        ] {
            assert!(Problem::message_for(p.code()).is_some());
        }
    }

    #[test]
    fn photos_are_recognised_by_their_bytes() {
        assert_eq!(photo_extension(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("jpg"));
        assert_eq!(photo_extension(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(photo_extension(b"RIFF\x10\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(photo_extension(b"GIF89a......"), None);
        assert_eq!(photo_extension(b"<svg"), None);
    }

    #[test]
    fn pause_dates() {
        let today = date("2026-11-24");
        assert_eq!(parse_pause("", today), Ok(None));
        assert_eq!(
            parse_pause("2026-12-01", today),
            Ok(Some(date("2026-12-01")))
        );
        assert!(parse_pause("2026-11-24", today).is_err());
        assert!(parse_pause("tomorrow", today).is_err());
    }
}
