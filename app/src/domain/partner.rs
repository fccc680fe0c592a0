//! Partner program rules (DESIGN §4, Phase 1): partner kinds and states, discount codes, the
//! checkout discount and the referral commission.
//!
//! Invariants: a discounted charge is never below [`MIN_CHARGE`]; a referral commission is the
//! partner's rate (program setting or per-partner override, see [`super::rate`]) of the per-delivery
//! budget, rounded half-to-even to the cent; codes are 3–30 characters of `a-z0-9-`, stored lower
//! case and matched case-insensitively.

use super::account::{NewAccount, validate_signup};
use super::money::{Cents, parse_amount};
use super::validation::{FieldError, FieldErrors};

/// Stripe's smallest charge in USD/AUD/NZD/CAD/EUR-like currencies: a discount never goes below it.
pub const MIN_CHARGE: Cents = Cents(50);
/// The largest discount an admin can set ($1,000.00); a charge still never goes below [`MIN_CHARGE`].
pub const MAX_DISCOUNT: Cents = Cents(100_000);
/// Referral commissions are earned on this many of a referred customer's first succeeded payments.
pub const COMMISSIONED_PAYMENTS: i64 = 3;
pub const MAX_CODE_LEN: usize = 30;
/// Length of the random part appended to the business-name slug.
pub const CODE_SUFFIX_LEN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerType {
    /// Refers customers with a discount code and earns referral commissions.
    NonDelivery,
    /// A florist who fulfils deliveries (Phase 2).
    Delivery,
}

impl PartnerType {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "non_delivery" => Some(Self::NonDelivery),
            "delivery" => Some(Self::Delivery),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NonDelivery => "non_delivery",
            Self::Delivery => "delivery",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::NonDelivery => "Referral partner",
            Self::Delivery => "Delivery florist",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerStatus {
    Pending,
    Active,
    Suspended,
}

impl PartnerStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Awaiting approval",
            Self::Active => "Active",
            Self::Suspended => "Suspended",
        }
    }
}

pub fn commission_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Pending",
        "approved" => "Approved",
        "rejected" => "Rejected",
        "paid" => "Paid",
        _ => "Unknown",
    }
}

pub const COMMISSION_STATUSES: [&str; 4] = ["pending", "approved", "rejected", "paid"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartner {
    pub account: NewAccount,
    pub partner_type: PartnerType,
    pub business_name: String,
    pub phone: String,
}

/// Validates the partner registration form: the account fields as for customers, plus the business.
pub fn validate_registration(
    email: &str,
    password: &str,
    first_name: &str,
    last_name: &str,
    business_name: &str,
    phone: &str,
    partner_type: &str,
) -> Result<NewPartner, Vec<FieldError>> {
    let account = validate_signup(email, password, first_name, last_name);
    let mut errors = FieldErrors::default();
    if let Err(account_errors) = &account {
        for e in account_errors {
            errors.add(&e.field, e.message.clone());
        }
    }
    let business_name = business_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if business_name.chars().count() < 2 {
        errors.add("business_name", "Enter your business or brand name.");
    } else if business_name.chars().count() > 120 {
        errors.add(
            "business_name",
            "Keep the business name under 120 characters.",
        );
    } else if slugify(&business_name).is_empty() {
        errors.add(
            "business_name",
            "The business name needs at least one letter or digit.",
        );
    }
    let phone = errors
        .check("phone", super::validation::optional_phone(phone))
        .unwrap_or_default();
    let partner_type = PartnerType::parse(partner_type);
    if partner_type.is_none() {
        errors.add("partner_type", "Choose a partner type.");
    }
    match (account, partner_type) {
        (Ok(account), Some(partner_type)) if errors.is_empty() => Ok(NewPartner {
            account,
            partner_type,
            business_name,
            phone,
        }),
        _ => Err(errors.into_vec()),
    }
}

/// `a-z0-9` runs joined by single hyphens: "Rosie's Roses & Co." → "rosie-s-roses-co".
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Unambiguous characters for the random part (no 0/o, 1/l/i).
pub const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A code from the business name and a random suffix (`pick(n)` returns a number below `n`):
/// "Rosie's Roses" → "rosie-s-roses-k7q2". At most [`MAX_CODE_LEN`] characters.
pub fn generate_code(business_name: &str, mut pick: impl FnMut(usize) -> usize) -> String {
    let room = MAX_CODE_LEN - CODE_SUFFIX_LEN - 1;
    let slug = slugify(business_name);
    let stem: String = slug.chars().take(room).collect();
    let stem = stem.trim_end_matches('-');
    let suffix: String = (0..CODE_SUFFIX_LEN)
        .map(|_| char::from(CODE_ALPHABET[pick(CODE_ALPHABET.len())]))
        .collect();
    if stem.is_empty() {
        format!("ff-{suffix}")
    } else {
        format!("{stem}-{suffix}")
    }
}

/// How a customer's typed code is matched: trimmed and lower case. `None` if it cannot be a code.
pub fn normalize_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_lowercase();
    let ok = (3..=MAX_CODE_LEN).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then_some(code)
}

/// The first payment after a discount: never below [`MIN_CHARGE`] (nor above the subtotal).
/// Returns `(total, discount actually given)`.
pub fn apply_discount(subtotal: Cents, discount: Cents) -> (Cents, Cents) {
    let floor = MIN_CHARGE.0.min(subtotal.0);
    let total = (subtotal.0 - discount.0.max(0)).max(floor);
    (Cents(total), Cents(subtotal.0 - total))
}

/// Parses the discount an admin typed (`5`, `$7.50`): more than zero and at most [`MAX_DISCOUNT`].
pub fn parse_discount(raw: &str) -> Result<Cents, String> {
    let amount = parse_amount(raw)?;
    if amount.0 <= 0 {
        return Err("A discount must be more than zero.".into());
    }
    if amount > MAX_DISCOUNT {
        return Err(format!(
            "Keep the discount at or below {}.",
            MAX_DISCOUNT.to_decimal_string()
        ));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(slugify("Rosie's Roses & Co."), "rosie-s-roses-co");
        assert_eq!(slugify("  --Bloom 24/7-- "), "bloom-24-7");
        assert_eq!(slugify("Ünïcode Ümlauts"), "n-code-mlauts");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn codes_fit_and_carry_the_name() {
        let mut n = 0;
        let code = generate_code("Rosie's Roses", |len| {
            n += 1;
            n % len
        });
        assert_eq!(code, "rosie-s-roses-bcde");
        let long = generate_code(&"very long business name ".repeat(5), |_| 0);
        assert!(long.len() <= MAX_CODE_LEN, "{long}");
        assert!(!long.contains("--"));
        assert_eq!(generate_code("!!!", |_| 0), "ff-aaaa");
        assert!(normalize_code(&long).is_some());
    }

    #[test]
    fn typed_codes_are_matched_case_insensitively() {
        assert_eq!(normalize_code("  Rosie-K7Q2 "), Some("rosie-k7q2".into()));
        assert_eq!(normalize_code("ab"), None);
        assert_eq!(normalize_code("rosie k7q2"), None);
        assert_eq!(normalize_code(&"a".repeat(31)), None);
    }

    #[test]
    fn discounts_stop_at_fifty_cents() {
        assert_eq!(
            apply_discount(Cents(7535), Cents(500)),
            (Cents(7035), Cents(500))
        );
        assert_eq!(
            apply_discount(Cents(520), Cents(500)),
            (Cents(50), Cents(470))
        );
        assert_eq!(
            apply_discount(Cents(500), Cents(500)),
            (Cents(50), Cents(450))
        );
        assert_eq!(apply_discount(Cents(50), Cents(500)), (Cents(50), Cents(0)));
    }

    #[test]
    fn discounts_admins_can_set() {
        assert_eq!(parse_discount("5"), Ok(Cents(500)));
        assert_eq!(parse_discount("$7.50"), Ok(Cents(750)));
        assert_eq!(parse_discount("1,000"), Ok(MAX_DISCOUNT));
        for bad in ["0", "0.00", "1000.01", "-5", "", "five"] {
            assert!(parse_discount(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn registration_reports_every_field() {
        let errors = validate_registration("x", "short", "", "", " ", "12", "florist").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "email",
            "password",
            "first_name",
            "last_name",
            "business_name",
            "phone",
            "partner_type",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
        let ok = validate_registration(
            "Rosie@Example.com",
            "long enough password",
            "Rosie",
            "Reed",
            " Rosie's   Roses ",
            "+61 2 9999 0000",
            "non_delivery",
        )
        .unwrap();
        assert_eq!(ok.business_name, "Rosie's Roses");
        assert_eq!(ok.account.email, "rosie@example.com");
    }

    proptest! {
        #[test]
        fn discounted_totals_add_up(subtotal in 50i64..10_000_000, discount in 0i64..100_000) {
            let (total, given) = apply_discount(Cents(subtotal), Cents(discount));
            prop_assert_eq!(total.0 + given.0, subtotal);
            prop_assert!(total.0 >= 50);
            prop_assert!(given.0 <= discount);
        }

        #[test]
        fn generated_codes_are_always_valid(name in "\\PC{0,80}", seed in 0usize..1000) {
            let code = generate_code(&name, |len| seed % len);
            prop_assert!(normalize_code(&code).as_deref() == Some(code.as_str()), "{}", code);
        }
    }
}
