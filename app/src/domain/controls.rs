//! Payout controls (DESIGN §4 "Payout controls and ledger"): the holding period after a payment
//! before its commission can be paid, the minimum balance a payout must reach, and what makes a
//! prepared payout worth an admin's second look.
//!
//! Invariants: a commission is payable from exactly `paid at + holding days` (not a second
//! before); a partner's balance (payable commissions plus adjustments, which are negative) is paid
//! only when it reaches the minimum and is above zero — otherwise all of it carries over, so a
//! transfer is never negative.

use crate::domain::money::{Cents, parse_amount};
use chrono::{DateTime, Duration, Utc};

/// The program's defaults (also the migration's).
pub const DEFAULT_HOLDING_DAYS: i64 = 7;
pub const DEFAULT_MINIMUM: Cents = Cents(2000);
pub const MAX_HOLDING_DAYS: i64 = 365;
pub const MAX_MINIMUM: Cents = Cents(100_000_000);
/// A payout this many times the partner's usual (average completed) payout is pointed out.
pub const UNUSUAL_FACTOR: i64 = 3;

/// The holding period and minimum that apply to one partner (their own, else the program's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controls {
    pub holding_days: i64,
    pub minimum: Cents,
}

impl Default for Controls {
    fn default() -> Self {
        Self {
            holding_days: DEFAULT_HOLDING_DAYS,
            minimum: DEFAULT_MINIMUM,
        }
    }
}

impl Controls {
    /// Commissions earned at or before this instant are past their holding period at `now`.
    pub fn earned_by(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.holding_days)
    }

    /// When a commission earned at `earned_at` becomes payable.
    pub fn payable_on(self, earned_at: DateTime<Utc>) -> DateTime<Utc> {
        earned_at + Duration::days(self.holding_days)
    }

    /// Whether a balance of `net` (payable lines plus adjustments) is paid now; otherwise it
    /// carries over whole.
    pub fn pays(self, net: Cents) -> bool {
        net.0 > 0 && net >= self.minimum
    }

    /// What is still missing before a balance of `net` is paid (zero once it is).
    pub fn left_to_minimum(self, net: Cents) -> Cents {
        if self.pays(net) {
            Cents(0)
        } else {
            Cents((self.minimum.0.max(1) - net.0).max(0))
        }
    }
}

/// Parses the admin's "holding period in days" field.
pub fn parse_holding_days(raw: &str) -> Result<i64, String> {
    let days: i64 = raw
        .trim()
        .parse()
        .map_err(|_| "Give the holding period as a whole number of days, such as 7.".to_owned())?;
    if !(0..=MAX_HOLDING_DAYS).contains(&days) {
        return Err(format!(
            "Keep the holding period between 0 and {MAX_HOLDING_DAYS} days."
        ));
    }
    Ok(days)
}

/// Parses the admin's "minimum payout" amount field (zero pays any balance above zero).
pub fn parse_minimum(raw: &str) -> Result<Cents, String> {
    let amount = parse_amount(raw)?;
    if amount.0 < 0 || amount > MAX_MINIMUM {
        return Err(format!(
            "Keep the minimum payout between 0.00 and {}.",
            MAX_MINIMUM.to_decimal_string()
        ));
    }
    Ok(amount)
}

/// Why a prepared payout deserves a second look before it is approved.
pub fn unusual(
    amount: Cents,
    completed_before: i64,
    usual: Option<Cents>,
    has_adjustment: bool,
    open_flag: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    if completed_before == 0 {
        notes.push("First payout to this partner".to_owned());
    }
    if let Some(usual) = usual
        && usual.0 > 0
        && amount.0 > usual.0 * UNUSUAL_FACTOR
    {
        notes.push(format!(
            "{}× the partner's usual payout ({})",
            amount.0 / usual.0,
            usual.to_decimal_string()
        ));
    }
    if has_adjustment {
        notes.push("Includes money taken back after a refund".to_owned());
    }
    if open_flag {
        notes.push("The partner has an open risk flag".to_owned());
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn payable_exactly_at_the_end_of_the_holding_period() {
        let controls = Controls::default();
        let paid = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
        let boundary = controls.payable_on(paid);
        assert_eq!(
            boundary,
            Utc.with_ymd_and_hms(2026, 11, 8, 10, 0, 0).unwrap()
        );
        assert!(paid <= controls.earned_by(boundary));
        assert!(paid > controls.earned_by(boundary - Duration::seconds(1)));
    }

    #[test]
    fn a_balance_below_the_minimum_or_not_above_zero_carries_over() {
        let controls = Controls::default();
        assert!(!controls.pays(Cents(1999)));
        assert_eq!(controls.left_to_minimum(Cents(1500)), Cents(500));
        assert!(controls.pays(Cents(2000)));
        assert_eq!(controls.left_to_minimum(Cents(2000)), Cents(0));
        let any = Controls {
            holding_days: 0,
            minimum: Cents(0),
        };
        assert!(!any.pays(Cents(0)) && !any.pays(Cents(-5)) && any.pays(Cents(1)));
        assert_eq!(any.left_to_minimum(Cents(-300)), Cents(301));
    }

    #[test]
    fn settings_fields_are_checked() {
        assert_eq!(parse_holding_days(" 14 "), Ok(14));
        assert!(parse_holding_days("-1").is_err() && parse_holding_days("a week").is_err());
        assert!(parse_holding_days("366").is_err());
        assert_eq!(parse_minimum("20"), Ok(Cents(2000)));
        assert_eq!(parse_minimum("0"), Ok(Cents(0)));
        assert!(parse_minimum("-1").is_err() && parse_minimum("twenty").is_err());
    }

    #[test]
    fn unusual_payouts_are_explained() {
        assert_eq!(
            unusual(Cents(5000), 0, None, false, false),
            vec!["First payout to this partner"]
        );
        let notes = unusual(Cents(40000), 3, Some(Cents(5000)), true, true);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].starts_with("8×"));
        assert!(unusual(Cents(9000), 3, Some(Cents(5000)), false, false).is_empty());
    }
}
