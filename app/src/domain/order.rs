//! Orders: kinds, delivery frequencies, schedules, totals and the order form's rules.
//!
//! Invariants:
//! - an upfront order's subtotal is exactly `budget × deliveries` in cents (checked arithmetic);
//! - the n-th delivery date is computed from the first date, never from the previous one, so dates
//!   do not drift (the 31st stays the 31st where a month has one, else the month's last day);
//! - a subscription charges one delivery's budget per billing period.

use super::money::{Cents, parse_amount};
use super::validation::{FieldError, FieldErrors};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderKind {
    SingleDelivery,
    Upfront,
    Subscription,
}

impl OrderKind {
    pub const ALL: [OrderKind; 3] = [Self::SingleDelivery, Self::Upfront, Self::Subscription];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleDelivery => "single_delivery",
            Self::Upfront => "upfront",
            Self::Subscription => "subscription",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SingleDelivery => "One delivery",
            Self::Upfront => "Prepaid plan",
            Self::Subscription => "Subscription",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    Weekly,
    Fortnightly,
    Monthly,
    Quarterly,
    BiAnnually,
    Annually,
}

impl Frequency {
    pub const ALL: [Frequency; 6] = [
        Self::Weekly,
        Self::Fortnightly,
        Self::Monthly,
        Self::Quarterly,
        Self::BiAnnually,
        Self::Annually,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Fortnightly => "fortnightly",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::BiAnnually => "bi_annually",
            Self::Annually => "annually",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Weekly => "Every week",
            Self::Fortnightly => "Every two weeks",
            Self::Monthly => "Every month",
            Self::Quarterly => "Every three months",
            Self::BiAnnually => "Every six months",
            Self::Annually => "Every year",
        }
    }

    /// Deliveries in one year of an upfront plan.
    pub fn per_year(self) -> u32 {
        match self {
            Self::Weekly => 52,
            Self::Fortnightly => 26,
            Self::Monthly => 12,
            Self::Quarterly => 4,
            Self::BiAnnually => 2,
            Self::Annually => 1,
        }
    }

    /// The billing period of a subscription, as Stripe names it: (interval, interval_count).
    pub fn stripe_interval(self) -> (&'static str, u32) {
        match self {
            Self::Weekly => ("week", 1),
            Self::Fortnightly => ("week", 2),
            Self::Monthly => ("month", 1),
            Self::Quarterly => ("month", 3),
            Self::BiAnnually => ("month", 6),
            Self::Annually => ("year", 1),
        }
    }

    /// The date of delivery number `n` (0 is `first`). `None` only past the calendar's end.
    pub fn nth_date(self, first: NaiveDate, n: u32) -> Option<NaiveDate> {
        match self {
            Self::Weekly => first.checked_add_days(Days::new(7 * u64::from(n))),
            Self::Fortnightly => first.checked_add_days(Days::new(14 * u64::from(n))),
            Self::Monthly => first.checked_add_months(Months::new(n)),
            Self::Quarterly => first.checked_add_months(Months::new(3 * n)),
            Self::BiAnnually => first.checked_add_months(Months::new(6 * n)),
            Self::Annually => first.checked_add_months(Months::new(12 * n)),
        }
    }
}

/// Every delivery date of an upfront plan of `years` at `frequency`, starting on `first`.
pub fn upfront_schedule(first: NaiveDate, years: u32, frequency: Frequency) -> Vec<NaiveDate> {
    (0..years * frequency.per_year())
        .filter_map(|n| frequency.nth_date(first, n))
        .collect()
}

/// How many deliveries one payment for this order pays for.
pub fn deliveries_paid(kind: OrderKind, years: u32, frequency: Option<Frequency>) -> u32 {
    match (kind, frequency) {
        (OrderKind::Upfront, Some(f)) => years * f.per_year(),
        _ => 1,
    }
}

/// The price of an order before any discount: budget × deliveries paid by the first payment.
pub fn subtotal(
    budget: Cents,
    kind: OrderKind,
    years: u32,
    frequency: Option<Frequency>,
) -> Option<Cents> {
    budget.checked_mul(i64::from(deliveries_paid(kind, years, frequency)))
}

/// Limits the business sets on orders (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRules {
    pub min_budget: Cents,
    pub max_budget: Cents,
    /// The first delivery must be at least this many days after today (business time zone).
    pub lead_days: u32,
    pub max_years: u32,
}

impl Default for OrderRules {
    fn default() -> Self {
        Self {
            min_budget: Cents(5_000),
            max_budget: Cents(50_000),
            lead_days: 3,
            max_years: 5,
        }
    }
}

/// Countries we deliver to (ISO 3166-1 alpha-2) with their names, for the form's select.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
];

/// The country the address form starts on: the one whose money the shop charges in (`USD` → US),
/// else the first we deliver to.
pub fn default_country(currency: &str) -> &'static str {
    let wanted = match currency.to_ascii_uppercase().as_str() {
        "AUD" => "AU",
        "NZD" => "NZ",
        "USD" => "US",
        "CAD" => "CA",
        "GBP" => "GB",
        "EUR" => "IE",
        _ => "",
    };
    COUNTRIES
        .iter()
        .find(|(code, _)| *code == wanted)
        .map_or(COUNTRIES[0].0, |(code, _)| code)
}

/// The order form as posted (all strings, exactly as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderForm {
    pub kind: String,
    pub budget: String,
    pub frequency: String,
    pub years: String,
    pub first_delivery_date: String,
    pub recipient_name: String,
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub delivery_notes: String,
    pub message: String,
    /// Optional; shown only to the florist who accepts a delivery.
    pub recipient_phone: String,
    /// A key of [`crate::domain::delivery::OCCASIONS`] (empty: none).
    pub occasion: String,
}

/// An order that passed every rule; only [`validate_order`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub kind: OrderKind,
    pub budget: Cents,
    pub frequency: Option<Frequency>,
    pub years: u32,
    pub first_delivery_date: NaiveDate,
    pub recipient_name: String,
    pub street_address: String,
    pub suburb: String,
    pub city: String,
    pub state: String,
    pub postcode: String,
    pub country: String,
    pub delivery_notes: String,
    pub message: String,
    pub recipient_phone: String,
    pub occasion: String,
    pub subtotal: Cents,
}

fn required(value: &str, max: usize, what: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        Err(format!("Enter the {what}."))
    } else if v.chars().count() > max {
        Err(format!("Keep the {what} to {max} characters."))
    } else if v.chars().any(char::is_control) {
        Err(format!(
            "The {what} contains characters we cannot print on a card."
        ))
    } else {
        Ok(v.to_owned())
    }
}

fn optional(value: &str, max: usize, what: &str) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        Err(format!("Keep the {what} to {max} characters."))
    } else {
        // Line breaks are fine in notes and card messages; other control characters are not.
        Ok(v.chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .collect::<String>()
            .replace("\r\n", "\n"))
    }
}

pub fn validate_order(
    form: &OrderForm,
    rules: &OrderRules,
    today: NaiveDate,
) -> Result<NewOrder, Vec<FieldError>> {
    let mut errors = FieldErrors::default();
    let kind = errors.check(
        "kind",
        OrderKind::parse(form.kind.trim())
            .ok_or_else(|| "Choose how you want to order.".to_owned()),
    );

    let budget = errors.check(
        "budget",
        parse_amount(&form.budget).and_then(|b| {
            if b < rules.min_budget || b > rules.max_budget {
                Err(format!(
                    "Choose a budget between {} and {} per delivery.",
                    rules.min_budget.to_decimal_string(),
                    rules.max_budget.to_decimal_string()
                ))
            } else {
                Ok(b)
            }
        }),
    );

    let needs_frequency = matches!(kind, Some(OrderKind::Upfront | OrderKind::Subscription));
    let frequency = if needs_frequency {
        errors.check(
            "frequency",
            Frequency::parse(form.frequency.trim())
                .map(Some)
                .ok_or_else(|| "Choose how often the flowers should arrive.".to_owned()),
        )
    } else {
        Some(None)
    };

    let years = if kind == Some(OrderKind::Upfront) {
        errors.check(
            "years",
            form.years
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|y| (1..=rules.max_years).contains(y))
                .ok_or_else(|| format!("Choose from 1 to {} years.", rules.max_years)),
        )
    } else {
        Some(1)
    };

    let earliest = today + Days::new(u64::from(rules.lead_days));
    let first_delivery_date = errors.check(
        "first_delivery_date",
        NaiveDate::parse_from_str(form.first_delivery_date.trim(), "%Y-%m-%d")
            .map_err(|_| "Enter the first delivery date.".to_owned())
            .and_then(|d| {
                if d < earliest {
                    Err(format!(
                        "Florists need {} days' notice: choose {} or later.",
                        rules.lead_days,
                        earliest.format("%-d %B %Y")
                    ))
                } else if d > today + Days::new(366) {
                    Err("Choose a first delivery within the next year.".to_owned())
                } else {
                    Ok(d)
                }
            }),
    );

    let recipient_name = errors.check(
        "recipient_name",
        required(&form.recipient_name, 100, "recipient's name"),
    );
    let street_address = errors.check(
        "street_address",
        required(&form.street_address, 200, "street address").and_then(|s| {
            if s.chars().count() >= 5 && s.chars().any(char::is_alphabetic) {
                Ok(s)
            } else {
                Err("Enter the full street address, like 12 Rose Lane.".to_owned())
            }
        }),
    );
    let suburb = errors.check("suburb", required(&form.suburb, 100, "suburb"));
    let city = errors.check("city", required(&form.city, 100, "city"));
    let state = errors.check("state", optional(&form.state, 100, "state"));
    let postcode = errors.check(
        "postcode",
        required(&form.postcode, 10, "postcode").and_then(|p| {
            if p.len() >= 3
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            {
                Ok(p.to_ascii_uppercase())
            } else {
                Err("Enter a postcode like 2000 or SW1A 1AA.".to_owned())
            }
        }),
    );
    let country = errors.check(
        "country",
        COUNTRIES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(form.country.trim()))
            .map(|(code, _)| (*code).to_owned())
            .ok_or_else(|| "Choose a country we deliver to.".to_owned()),
    );
    let delivery_notes = errors.check(
        "delivery_notes",
        optional(&form.delivery_notes, 500, "delivery notes"),
    );
    let message = errors.check("message", optional(&form.message, 500, "card message"));
    let recipient_phone = errors.check(
        "recipient_phone",
        super::validation::optional_phone(&form.recipient_phone),
    );
    let occasion = errors.check(
        "occasion",
        super::delivery::OCCASIONS
            .iter()
            .find(|(key, _)| *key == form.occasion.trim())
            .map(|(key, _)| (*key).to_owned())
            .ok_or_else(|| "Choose an occasion from the list.".to_owned()),
    );

    let (
        Some(kind),
        Some(budget),
        Some(frequency),
        Some(years),
        Some(first_delivery_date),
        Some(recipient_name),
        Some(street_address),
        Some(suburb),
        Some(city),
        Some(state),
        Some(postcode),
        Some(country),
        Some(delivery_notes),
        Some(message),
        Some(recipient_phone),
        Some(occasion),
    ) = (
        kind,
        budget,
        frequency,
        years,
        first_delivery_date,
        recipient_name,
        street_address,
        suburb,
        city,
        state,
        postcode,
        country,
        delivery_notes,
        message,
        recipient_phone,
        occasion,
    )
    else {
        return Err(errors.into_vec());
    };
    let Some(subtotal) = subtotal(budget, kind, years, frequency) else {
        return Err(vec![FieldError {
            field: "budget".into(),
            message: "That order is too large.".into(),
        }]);
    };
    Ok(NewOrder {
        kind,
        budget,
        frequency,
        years,
        first_delivery_date,
        recipient_name,
        street_address,
        suburb,
        city,
        state,
        postcode,
        country,
        delivery_notes,
        message,
        recipient_phone,
        occasion,
        subtotal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn upfront_totals_for_every_frequency() {
        let budget = Cents(75_35);
        for (frequency, per_year) in [
            (Frequency::Weekly, 52),
            (Frequency::Fortnightly, 26),
            (Frequency::Monthly, 12),
            (Frequency::Quarterly, 4),
            (Frequency::BiAnnually, 2),
            (Frequency::Annually, 1),
        ] {
            for years in 1..=5 {
                let n = per_year * years;
                assert_eq!(
                    subtotal(budget, OrderKind::Upfront, years, Some(frequency)),
                    Some(Cents(75_35 * i64::from(n)))
                );
                assert_eq!(
                    upfront_schedule(date(2026, 1, 31), years, frequency).len(),
                    n as usize,
                    "{frequency:?} × {years}"
                );
            }
        }
        assert_eq!(
            subtotal(budget, OrderKind::SingleDelivery, 1, None),
            Some(budget)
        );
        assert_eq!(
            subtotal(budget, OrderKind::Subscription, 1, Some(Frequency::Weekly)),
            Some(budget)
        );
    }

    #[test]
    fn monthly_dates_do_not_drift_after_short_months() {
        let dates = upfront_schedule(date(2026, 1, 31), 1, Frequency::Monthly);
        assert_eq!(dates[1], date(2026, 2, 28));
        assert_eq!(
            dates[2],
            date(2026, 3, 31),
            "back to the 31st, not stuck on the 28th"
        );
        assert_eq!(dates[11], date(2026, 12, 31));
        let leap = upfront_schedule(date(2028, 2, 29), 2, Frequency::Annually);
        assert_eq!(leap[1], date(2029, 2, 28));
    }

    #[test]
    fn weekly_and_fortnightly_keep_the_weekday() {
        use chrono::Datelike as _;
        for f in [Frequency::Weekly, Frequency::Fortnightly] {
            let dates = upfront_schedule(date(2026, 12, 4), 2, f);
            assert!(
                dates
                    .iter()
                    .all(|d| d.weekday() == date(2026, 12, 4).weekday())
            );
            assert!(dates.windows(2).all(|w| w[0] < w[1]));
        }
    }

    fn form() -> OrderForm {
        OrderForm {
            kind: "upfront".into(),
            budget: "80".into(),
            frequency: "monthly".into(),
            years: "2".into(),
            first_delivery_date: "2026-12-01".into(),
            recipient_name: "Grace Lee".into(),
            street_address: "12 Rose Lane".into(),
            suburb: "Newtown".into(),
            city: "Sydney".into(),
            state: "NSW".into(),
            postcode: "2042".into(),
            country: "au".into(),
            delivery_notes: "Leave with the concierge".into(),
            message: "Happy birthday!\r\nLove, Sam".into(),
            recipient_phone: "0400 000 111".into(),
            occasion: "birthday".into(),
        }
    }

    #[test]
    fn a_good_order_is_priced() {
        let order = validate_order(&form(), &OrderRules::default(), date(2026, 11, 21)).unwrap();
        assert_eq!(order.subtotal, Cents(8_000 * 24));
        assert_eq!(order.country, "AU");
        assert_eq!(order.message, "Happy birthday!\nLove, Sam");
    }

    #[test]
    fn each_rule_names_its_field() {
        let today = date(2026, 11, 21);
        let rules = OrderRules::default();
        for (field, mutate) in [
            (
                "kind",
                (|f: &mut OrderForm| f.kind = "gift".into()) as fn(&mut OrderForm),
            ),
            ("budget", |f| f.budget = "49.99".into()),
            ("budget", |f| f.budget = "500.01".into()),
            ("budget", |f| f.budget = "lots".into()),
            ("frequency", |f| f.frequency = "daily".into()),
            ("years", |f| f.years = "6".into()),
            ("years", |f| f.years = "0".into()),
            ("first_delivery_date", |f| {
                f.first_delivery_date = "2026-11-23".into()
            }),
            ("first_delivery_date", |f| {
                f.first_delivery_date = "tomorrow".into()
            }),
            ("recipient_name", |f| f.recipient_name = "  ".into()),
            ("street_address", |f| f.street_address = "12".into()),
            ("postcode", |f| f.postcode = "!!".into()),
            ("country", |f| f.country = "FR".into()),
        ] {
            let mut bad = form();
            mutate(&mut bad);
            let errors = validate_order(&bad, &rules, today).unwrap_err();
            assert_eq!(errors.len(), 1, "{field}: {errors:?}");
            assert_eq!(errors[0].field, field);
        }
    }

    #[test]
    fn single_delivery_ignores_plan_fields() {
        let mut f = form();
        f.kind = "single_delivery".into();
        f.frequency = String::new();
        f.years = String::new();
        let order = validate_order(&f, &OrderRules::default(), date(2026, 11, 21)).unwrap();
        assert_eq!((order.frequency, order.subtotal), (None, Cents(8_000)));
    }

    proptest! {
        #[test]
        fn schedules_are_strictly_increasing_and_sized(y in 2025i32..2035, m in 1u32..=12, d in 1u32..=28, years in 1u32..=5, fi in 0usize..6) {
            let f = Frequency::ALL[fi];
            let dates = upfront_schedule(date(y, m, d), years, f);
            prop_assert_eq!(dates.len() as u32, years * f.per_year());
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn the_address_form_starts_in_the_currency_s_country() {
        assert_eq!(default_country("USD"), "US");
        assert_eq!(default_country("aud"), "AU");
        assert_eq!(default_country("GBP"), "GB");
        // A currency of no country we deliver to: the first country.
        assert_eq!(default_country("JPY"), "AU");
    }
}
