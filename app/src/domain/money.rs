//! Money: integer minor units (cents) everywhere, one currency per deployment.
//!
//! Invariants: amounts are `i64` cents and never pass through floating point; parsing user input
//! accepts at most two decimals and refuses anything ambiguous; arithmetic is checked, so an
//! overflow is an error rather than a wrapped amount.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    pub fn checked_mul(self, n: i64) -> Option<Cents> {
        self.0.checked_mul(n).map(Cents)
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    pub fn saturating_sub(self, other: Cents) -> Cents {
        Cents(self.0.saturating_sub(other.0))
    }

    /// `12.50` style, with thousands separators: `1,234.50`. Negative amounts get a leading minus.
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}.{:02}", abs % 100)
    }

    /// For people: `$12.50` for dollar-like currencies, else `12.50 EUR`.
    pub fn display(self, currency: &str) -> String {
        match currency_symbol(currency) {
            Some(symbol) if self.0 < 0 => {
                format!("-{symbol}{}", Cents(-self.0).to_decimal_string())
            }
            Some(symbol) => format!("{symbol}{}", self.to_decimal_string()),
            None => format!(
                "{} {}",
                self.to_decimal_string(),
                currency.to_ascii_uppercase()
            ),
        }
    }
}

fn currency_symbol(currency: &str) -> Option<&'static str> {
    match currency.to_ascii_uppercase().as_str() {
        "USD" | "AUD" | "NZD" | "CAD" | "SGD" => Some("$"),
        "GBP" => Some("£"),
        "EUR" => Some("€"),
        _ => None,
    }
}

/// Parses an amount a person typed: `75`, `75.5`, `75.50`, `$1,075.50`. Refuses negatives, more
/// than two decimals, and anything that is not a plain number.
pub fn parse_amount(raw: &str) -> Result<Cents, String> {
    let cleaned: String = raw
        .trim()
        .trim_start_matches(['$', '£', '€'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let cleaned = cleaned.trim();
    let invalid = || "Enter an amount like 75 or 75.50.".to_owned();
    if cleaned.is_empty() {
        return Err("Enter an amount.".into());
    }
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(invalid());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    if frac.len() > 2 {
        return Err("Use at most two decimal places (cents).".into());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| invalid())?
    };
    let frac_cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => frac.parse().map_err(|_| invalid())?,
    };
    whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac_cents))
        .map(Cents)
        .ok_or_else(|| "That amount is too large.".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_amount("75"), Ok(Cents(7500)));
        assert_eq!(parse_amount("75.5"), Ok(Cents(7550)));
        assert_eq!(parse_amount(" $1,075.05 "), Ok(Cents(107_505)));
        assert_eq!(parse_amount(".5"), Ok(Cents(50)));
        for bad in ["", "-5", "7.555", "abc", "1.2.3", "1e3", ".", "$"] {
            assert!(parse_amount(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(Cents(123_456_789).display("usd"), "$1,234,567.89");
        assert_eq!(Cents(5).display("USD"), "$0.05");
        assert_eq!(Cents(-550).display("AUD"), "-$5.50");
        assert_eq!(Cents(1000).display("JPY"), "10.00 JPY");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(cents in 0i64..10_000_000_000) {
            let text = Cents(cents).to_decimal_string();
            prop_assert_eq!(parse_amount(&text), Ok(Cents(cents)));
        }
    }
}
