//! Payout rules (DESIGN §4, Payouts): what a payout is for, when a Connect account can be paid,
//! what Stripe still needs from a partner in plain words, and how an unsent or uncertain payout is
//! resumed. Pure: no IO.
//!
//! Invariants:
//! - a payout's idempotency key and transfer group are derived from its own row (id and creation
//!   time), never from its contents, so a resumed payout always sends the same key with the same
//!   amount (the amount is fixed when the row is written);
//! - a key Stripe may have forgotten (first sent more than [`KEY_TRUST`] ago) is never sent again
//!   before the payout has been looked up by its transfer group.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::fmt;

/// Stripe keeps an idempotency key for 24 hours; we trust it for 23.
pub const KEY_TRUST: Duration = Duration::hours(23);
/// Attempts per send, each with the payout's one key (the first and up to three retries).
pub const SEND_ATTEMPTS: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutType {
    /// Approved commissions (referral and source-florist decline commissions), monthly.
    Commission,
    /// Delivered deliveries, paid to the florist who delivered them, weekly.
    Fulfillment,
}

impl PayoutType {
    pub const ALL: [Self; 2] = [Self::Commission, Self::Fulfillment];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::Fulfillment => "fulfillment",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "commission" => Ok(Self::Commission),
            "fulfillment" => Ok(Self::Fulfillment),
            other => Err(format!(
                "unknown payout type {other:?}: use commission or fulfillment"
            )),
        }
    }

    /// How people name it on pages and in mails.
    pub fn label(self) -> &'static str {
        match self {
            Self::Commission => "Commissions",
            Self::Fulfillment => "Deliveries",
        }
    }

    /// The job's lease name: the two kinds may run side by side, never one kind twice.
    pub fn job_name(self) -> &'static str {
        match self {
            Self::Commission => "payouts-commission",
            Self::Fulfillment => "payouts-fulfillment",
        }
    }

    /// Whether the in-process schedule is due to run this kind at `now`, given its last completed
    /// run: fulfillment once per ISO week, commissions once per calendar month (UTC dates of the
    /// business day are passed in by the caller).
    pub fn due(self, today: NaiveDate, last_run: Option<NaiveDate>) -> bool {
        let Some(last) = last_run else {
            return true;
        };
        match self {
            Self::Fulfillment => today.iso_week() != last.iso_week(),
            Self::Commission => (today.year(), today.month()) != (last.year(), last.month()),
        }
    }
}

impl fmt::Display for PayoutType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payout's life. Only `Pending` and `Processing` (and `OnHold`, once the account is payable
/// again) are ever sent; `Completed` and `Failed` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutStatus {
    /// Prepared while batch approval is on: never sent until an admin approves it.
    AwaitingApproval,
    Pending,
    Processing,
    Completed,
    Failed,
    OnHold,
}

impl PayoutStatus {
    pub const ALL: [Self; 6] = [
        Self::AwaitingApproval,
        Self::Pending,
        Self::Processing,
        Self::Completed,
        Self::Failed,
        Self::OnHold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingApproval => "awaiting_approval",
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::OnHold => "on_hold",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::AwaitingApproval => "Awaiting approval",
            Self::Pending => "Preparing",
            Self::Processing => "Being sent",
            Self::Completed => "Sent",
            Self::Failed => "Failed",
            Self::OnHold => "On hold",
        }
    }
}

/// The key sent with every attempt at one payout's transfer.
pub fn idempotency_key(payout_id: i64, created_at: DateTime<Utc>) -> String {
    format!("ff-payout-{payout_id}-{}", created_at.timestamp())
}

/// The Stripe `transfer_group` of a payout: how its transfer is found again.
pub fn transfer_group(payout_id: i64) -> String {
    format!("payout_{payout_id}")
}

/// What we know of a Connect account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountState {
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub transfers_active: bool,
    /// Stripe's `requirements.currently_due`.
    pub currently_due: Vec<String>,
    /// Stripe's `requirements.disabled_reason`, if any.
    pub disabled_reason: Option<String>,
}

impl AccountState {
    /// A transfer to this account can be made.
    pub fn payable(&self) -> bool {
        self.charges_enabled && self.payouts_enabled && self.transfers_active
    }

    /// Why the account cannot be paid, in words for the partner (None when it can).
    pub fn blocker(&self) -> Option<String> {
        if self.payable() {
            return None;
        }
        let due = self
            .currently_due
            .iter()
            .map(|code| requirement_words(code))
            .collect::<Vec<_>>();
        let mut seen = Vec::new();
        for item in due {
            if !seen.contains(&item) {
                seen.push(item);
            }
        }
        Some(if !seen.is_empty() {
            format!("Stripe still needs {}.", join_words(&seen))
        } else if let Some(reason) = self.disabled_reason.as_deref().filter(|r| !r.is_empty()) {
            format!(
                "Stripe has paused payouts to this account ({}).",
                disabled_words(reason)
            )
        } else if !self.payouts_enabled {
            "Stripe has not enabled payouts to this account yet.".to_owned()
        } else {
            "Stripe has not enabled transfers to this account yet.".to_owned()
        })
    }
}

/// One of Stripe's requirement codes (e.g. `individual.verification.document`) in plain words.
pub fn requirement_words(code: &str) -> String {
    let known = [
        ("external_account", "a bank account to pay into"),
        ("tos_acceptance", "you to accept Stripe's terms"),
        ("individual.verification", "a photo of your ID"),
        ("individual.dob", "your date of birth"),
        ("individual.address", "your home address"),
        ("individual.id_number", "your tax or ID number"),
        ("individual.ssn_last_4", "the last 4 digits of your SSN"),
        ("individual.first_name", "your name"),
        ("individual.last_name", "your name"),
        ("individual.email", "your email address"),
        ("individual.phone", "your phone number"),
        ("business_profile.url", "your business website"),
        ("business_profile.mcc", "what your business does"),
        (
            "business_profile.product_description",
            "what your business does",
        ),
        ("business_type", "what kind of business you are"),
        ("company.tax_id", "your business tax number"),
        ("company.address", "your business address"),
        ("company.name", "your business name"),
        ("company.phone", "your business phone number"),
        (
            "representative",
            "details of the person who runs the business",
        ),
        ("owners", "details of the business's owners"),
        ("directors", "details of the business's directors"),
    ];
    known
        .iter()
        .find(|(prefix, _)| code == *prefix || code.starts_with(&format!("{prefix}.")))
        .map_or_else(
            || format!("more details ({})", code.replace(['_', '.'], " ")),
            |(_, words)| (*words).to_owned(),
        )
}

fn disabled_words(reason: &str) -> String {
    match reason {
        "requirements.past_due" => "details it asked for are overdue".to_owned(),
        "requirements.pending_verification" => "it is checking your details".to_owned(),
        "rejected.fraud" | "rejected.terms_of_service" | "rejected.other" | "rejected.listed" => {
            "the account was rejected; please contact us".to_owned()
        }
        "under_review" => "the account is under review".to_owned(),
        other => other.replace(['_', '.'], " "),
    }
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What to do with a payout that is not final, given when its key was first sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Never sent: send with its key.
    Send,
    /// Sent before, key still remembered by Stripe: look it up, then send again with the same key
    /// (Stripe replays the first answer) if nothing was found.
    LookUpThenSend,
    /// Sent more than [`KEY_TRUST`] ago: Stripe may have forgotten the key, so only a look-up by
    /// transfer group can tell; if it finds nothing the transfer was never made and is sent again.
    LookUpFirst,
}

pub fn resume(first_sent_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Resume {
    match first_sent_at {
        None => Resume::Send,
        Some(sent) if now - sent > KEY_TRUST => Resume::LookUpFirst,
        Some(_) => Resume::LookUpThenSend,
    }
}

/// The wait before retry `attempt` (1-based) of one send: short, because the run holds a lease
/// and a longer outage is left to the next run.
pub fn backoff(attempt: u32, base: std::time::Duration) -> std::time::Duration {
    base * 2u32.saturating_pow(attempt.saturating_sub(1)).min(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn keys_and_groups_come_from_the_row() {
        assert_eq!(
            idempotency_key(7, at(0)),
            format!("ff-payout-7-{}", at(0).timestamp())
        );
        assert_ne!(idempotency_key(7, at(0)), idempotency_key(8, at(0)));
        assert_eq!(transfer_group(7), "payout_7");
    }

    #[test]
    fn a_key_older_than_23_hours_is_looked_up_first() {
        assert_eq!(resume(None, at(30)), Resume::Send);
        assert_eq!(resume(Some(at(0)), at(23)), Resume::LookUpThenSend);
        assert_eq!(
            resume(Some(at(0)), at(23) + Duration::seconds(1)),
            Resume::LookUpFirst
        );
    }

    #[test]
    fn payable_needs_charges_payouts_and_transfers() {
        let all = AccountState {
            charges_enabled: true,
            payouts_enabled: true,
            transfers_active: true,
            ..AccountState::default()
        };
        assert!(all.payable() && all.blocker().is_none());
        for off in 0..3 {
            let mut s = all.clone();
            match off {
                0 => s.charges_enabled = false,
                1 => s.payouts_enabled = false,
                _ => s.transfers_active = false,
            }
            assert!(!s.payable());
            assert!(s.blocker().is_some());
        }
    }

    #[test]
    fn requirements_read_as_plain_words() {
        let s = AccountState {
            currently_due: vec![
                "external_account".into(),
                "individual.verification.document".into(),
                "individual.dob.day".into(),
                "individual.dob.month".into(),
            ],
            ..AccountState::default()
        };
        assert_eq!(
            s.blocker().unwrap(),
            "Stripe still needs a bank account to pay into, a photo of your ID and your date of birth."
        );
        assert_eq!(
            requirement_words("settings.payouts.schedule"),
            "more details (settings payouts schedule)"
        );
        let paused = AccountState {
            disabled_reason: Some("requirements.past_due".into()),
            ..AccountState::default()
        };
        assert!(paused.blocker().unwrap().contains("overdue"));
    }

    #[test]
    fn schedules_run_weekly_and_monthly() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(PayoutType::Fulfillment.due(d(12, 7), None));
        // 2026-11-30 is a Monday: a new ISO week.
        assert!(!PayoutType::Fulfillment.due(d(11, 29), Some(d(11, 23))));
        assert!(PayoutType::Fulfillment.due(d(11, 30), Some(d(11, 29))));
        assert!(!PayoutType::Commission.due(d(11, 30), Some(d(11, 1))));
        assert!(PayoutType::Commission.due(d(12, 1), Some(d(11, 30))));
    }

    #[test]
    fn types_and_statuses_parse_what_they_print() {
        for t in PayoutType::ALL {
            assert_eq!(PayoutType::parse(t.as_str()), Ok(t));
        }
        assert!(
            PayoutType::parse("weekly")
                .unwrap_err()
                .contains("commission or fulfillment")
        );
        for s in PayoutStatus::ALL {
            assert_eq!(PayoutStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = std::time::Duration::from_millis(100);
        assert_eq!(backoff(1, base), base);
        assert_eq!(backoff(2, base), base * 2);
        assert_eq!(backoff(9, base), base * 8);
    }
}
