//! Percentage rates (the referral commission rate) as exact decimals.
//!
//! Invariants: a [`Rate`] is a whole number of basis points (0.01 %) between 0 and [`MAX_RATE_BPS`],
//! so it is stored exactly as an integer and never passes through floating point. Applying a rate
//! to an amount uses `rust_decimal` and rounds to the cent half-to-even
//! (`RoundingStrategy::MidpointNearestEven`, banker's rounding, as the original Decimal fields did):
//! 5 % of $50.10 is $2.505, which pays $2.50; 5 % of $50.30 is $2.515, which pays $2.52.

use super::money::Cents;
use rust_decimal::{Decimal, RoundingStrategy};

/// The highest rate an admin can set: half of what the customer pays for flowers.
pub const MAX_RATE_BPS: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(Decimal);

impl Rate {
    /// A stored rate. Out-of-range values (which the database's CHECK refuses) are clamped.
    pub fn from_bps(bps: i64) -> Rate {
        Rate(Decimal::new(bps.clamp(0, MAX_RATE_BPS), 4))
    }

    /// Basis points, for storage: 5 % is 500.
    pub fn bps(self) -> i64 {
        // Exact: a Rate always has at most four decimal places and lies within 0..=0.5.
        i64::try_from((self.0 * Decimal::from(10_000)).trunc()).unwrap_or(0)
    }

    /// `amount × rate`, rounded half-to-even to the cent.
    pub fn of(self, amount: Cents) -> Cents {
        let exact = Decimal::new(amount.0, 2).checked_mul(self.0);
        let rounded =
            exact.map(|d| d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven));
        rounded
            .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
            .and_then(|d| i64::try_from(d).ok())
            .map_or(Cents(i64::MAX), Cents)
    }

    /// For people: `5%`, `7.5%`, `12.25%`.
    pub fn percent_label(self) -> String {
        format!("{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }

    /// For a form field: `5`, `7.5`.
    pub fn percent_value(self) -> String {
        (self.0 * Decimal::ONE_HUNDRED).normalize().to_string()
    }
}

/// Parses a percentage an admin typed: `5`, `5%`, `7.5`, `12.25`. At most two decimals (basis
/// points), between 0 and [`MAX_RATE_BPS`].
pub fn parse_percent(raw: &str) -> Result<Rate, String> {
    let cleaned = raw.trim().trim_end_matches('%').trim();
    if cleaned.is_empty() {
        return Err("Enter a percentage, like 5 or 7.5.".into());
    }
    // Plain digits and one point only: no signs, exponents or separators.
    let plain = cleaned.chars().all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.matches('.').count() <= 1
        && cleaned != ".";
    let percent: Decimal = plain
        .then(|| cleaned.parse().ok())
        .flatten()
        .ok_or_else(|| "Enter a percentage, like 5 or 7.5.".to_owned())?;
    if percent.normalize().scale() > 2 {
        return Err("Use at most two decimal places, like 7.25.".into());
    }
    let bps = (percent * Decimal::ONE_HUNDRED).trunc();
    match i64::try_from(bps) {
        Ok(bps) if (0..=MAX_RATE_BPS).contains(&bps) => Ok(Rate::from_bps(bps)),
        _ => Err(format!(
            "Choose a rate between 0% and {}%.",
            Rate::from_bps(MAX_RATE_BPS).percent_value()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: `value × bps / 10 000` as an exact fraction, rounded to the nearer whole
    /// cent, ties to the even one (compares distances to both neighbours; no floats, no Decimal).
    fn exact_half_even(value: i64, bps: i64) -> i64 {
        let (num, den) = (i128::from(value) * i128::from(bps), 10_000_i128);
        let lower = num / den;
        let (below, above) = (num - lower * den, (lower + 1) * den - num);
        let rounded = match below.cmp(&above) {
            std::cmp::Ordering::Less => lower,
            std::cmp::Ordering::Greater => lower + 1,
            std::cmp::Ordering::Equal if lower % 2 == 0 => lower,
            std::cmp::Ordering::Equal => lower + 1,
        };
        i64::try_from(rounded).unwrap()
    }

    #[test]
    fn five_percent_rounds_half_to_even() {
        let five = Rate::from_bps(500);
        assert_eq!(five.of(Cents(7535)), Cents(377)); // 376.75 → 377
        assert_eq!(five.of(Cents(5000)), Cents(250));
        assert_eq!(five.of(Cents(5010)), Cents(250)); // 250.5 → 250 (even)
        assert_eq!(five.of(Cents(5030)), Cents(252)); // 251.5 → 252 (even)
        assert_eq!(five.of(Cents(5050)), Cents(252)); // 252.5 → 252
        assert_eq!(Rate::from_bps(0).of(Cents(5050)), Cents(0));
    }

    #[test]
    fn percentages_read_and_print_as_people_write_them() {
        assert_eq!(parse_percent("5").map(Rate::bps), Ok(500));
        assert_eq!(parse_percent(" 7.5% ").map(Rate::bps), Ok(750));
        assert_eq!(parse_percent("12.25").map(Rate::bps), Ok(1225));
        assert_eq!(parse_percent("0").map(Rate::bps), Ok(0));
        assert_eq!(parse_percent("50").map(Rate::bps), Ok(5000));
        assert_eq!(parse_percent("7.50").map(Rate::bps), Ok(750));
        for bad in [
            "", "-5", "5.125", "50.01", "abc", "1e1", ".", "5,5", "1.2.3",
        ] {
            assert!(parse_percent(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Rate::from_bps(500).percent_label(), "5%");
        assert_eq!(Rate::from_bps(750).percent_label(), "7.5%");
        assert_eq!(Rate::from_bps(1225).percent_value(), "12.25");
        assert_eq!(Rate::from_bps(0).percent_label(), "0%");
    }

    proptest! {
        /// For random budgets and rates the Decimal path equals exact rational half-even rounding.
        #[test]
        fn decimal_equals_exact_rounding(value in 0i64..1_000_000_000_000, bps in 0i64..=MAX_RATE_BPS) {
            prop_assert_eq!(Rate::from_bps(bps).of(Cents(value)).0, exact_half_even(value, bps));
        }

        /// Exact ties (x.5 cents) are where a wrong tie direction shows: 5% of 20k + 10 cents.
        #[test]
        fn ties_go_to_the_even_cent(k in 0i64..5_000_000) {
            let value = 20 * k + 10;
            let got = Rate::from_bps(500).of(Cents(value)).0;
            prop_assert_eq!(got, exact_half_even(value, 500));
            prop_assert_eq!(got % 2, 0, "{} cents at 5% is a tie and must round to even", value);
        }

        #[test]
        fn stored_rates_round_trip(bps in 0i64..=MAX_RATE_BPS) {
            let rate = Rate::from_bps(bps);
            prop_assert_eq!(rate.bps(), bps);
            prop_assert_eq!(parse_percent(&rate.percent_value()), Ok(rate));
            prop_assert_eq!(parse_percent(&rate.percent_label()), Ok(rate));
        }
    }
}
