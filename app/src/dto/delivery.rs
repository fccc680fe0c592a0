//! Delivery florists as pages see them: the request page, the florist's dashboard, booking links
//! and the admin queue.

use serde::{Deserialize, Serialize};

/// One choice of a reason list: `(value, label)`.
pub type Choice = (String, String);

/// The florist's request page (`/partner/delivery-request/<token>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPage {
    /// Where this page's forms post (`…/respond`), token or dashboard form.
    pub action_url: String,
    pub status: String,
    pub status_label: String,
    pub florist: String,
    /// "Sunday 20 December 2026"
    pub date: String,
    /// "Newtown, Sydney"
    pub area: String,
    pub budget: String,
    /// What the florist is paid, exactly.
    pub pay: String,
    pub occasion: String,
    pub card_message: String,
    pub delivery_notes: String,
    /// "Thursday 17 December, 12:00 AM (Sydney time)"; only while the request is pending.
    pub answer_by: Option<String>,
    /// Shown once the florist holds the delivery: name, full address, phone.
    pub recipient: Option<Recipient>,
    /// What the florist can do now.
    pub can_answer: bool,
    pub can_withdraw: bool,
    pub can_report: bool,
    /// Why reporting waits ("from the delivery day on"), when it does.
    pub report_from: Option<String>,
    /// What was answered, for a closed request: "You declined this request on 3 Dec (Fully booked)."
    pub answered: Option<String>,
    pub decline_reasons: Vec<Choice>,
    pub fail_reasons: Vec<Choice>,
    pub has_photo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// One of the florist's requests on their dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloristRequestLine {
    pub id: i64,
    pub status: String,
    pub status_label: String,
    pub date: String,
    pub area: String,
    pub pay: String,
    /// For pending requests: "answer by …".
    pub answer_by: Option<String>,
}

/// The delivery part of a florist's dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloristPanel {
    pub booking_link: Option<String>,
    pub address: String,
    pub areas: Vec<AreaLine>,
    /// "2026-12-24" for the form; empty when not paused.
    pub paused_until: String,
    /// "Not taking deliveries before Thursday 24 December 2026."
    pub paused_label: Option<String>,
    pub pending: Vec<FloristRequestLine>,
    pub upcoming: Vec<FloristRequestLine>,
    pub past: Vec<FloristRequestLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaLine {
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

/// A booking link's florist, as the public resolve call returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingFlorist {
    pub id: i64,
    pub name: String,
}

/// Is a booking slug free? (`message` says why not, or that it is free.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlugCheck {
    pub available: bool,
    pub message: String,
}

/// A florist's record for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloristRecord {
    pub booking_slug: String,
    pub address: String,
    pub paused: Option<String>,
    pub areas: Vec<AreaLine>,
    pub offered: i64,
    pub accepted: i64,
    pub declined: i64,
    pub expired: i64,
    pub withdrawn: i64,
    pub delivered: i64,
    pub delivered_on_time: i64,
    pub failed: i64,
    /// "Fully booked: 3", per reason, for declines, withdrawals and failures.
    pub reasons: Vec<(String, String, i64)>,
    /// Recent requests with their photo links.
    pub recent: Vec<AdminRequestLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRequestLine {
    pub id: i64,
    pub date: String,
    pub area: String,
    pub status_label: String,
    pub reason: String,
    pub photo_url: Option<String>,
}

/// An event waiting for an admin, with the florists they can assign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsFlorist {
    pub event_id: i64,
    pub order_id: i64,
    pub date: String,
    pub area: String,
    pub budget: String,
    pub reason: String,
    pub since: String,
    pub asked: i64,
    /// `(partner id, "Shop name (covers the area)")`.
    pub florists: Vec<(i64, String)>,
}

/// One service-area row as a form posts it (`areas[i][suburb]` …). `on` is the row's checkbox
/// (rows switched off are removed); every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AreaField {
    pub on: Option<String>,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
}

impl AreaField {
    /// As the domain checks it.
    pub fn to_input(&self) -> crate::domain::delivery::AreaInput {
        crate::domain::delivery::AreaInput {
            on: self.on.is_some(),
            suburb: self.suburb.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
        }
    }
}
