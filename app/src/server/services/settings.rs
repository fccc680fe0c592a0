//! Program settings: the referral rate and the new-customer discount every partner gets unless an
//! admin gives them their own, and those per-partner terms.
//!
//! Invariants: a change reaches only what happens after it. A commission records the rate it was
//! computed at and an order the discount it was given at checkout, so changing a setting never
//! rewrites an earlier commission, usage or order. Bad input is refused field by field and changes
//! nothing.

use crate::domain::money::Cents;
use crate::domain::partner::{COMMISSIONED_PAYMENTS, parse_discount};
use crate::domain::rate::{Rate, parse_percent};
use crate::domain::validation::FieldErrors;
use crate::dto::AppError;
use crate::dto::partners::{PartnerTerms, ProgramSettings, ProgramTerms};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::partners::{self as partner_rows, PartnerRow};
use crate::server::db::settings;
use chrono::Utc;

/// What partners earn and customers save, for the public partner pages.
pub async fn program_terms(state: &AppState) -> Result<ProgramTerms, AppError> {
    let row = settings::get(&state.db).await?;
    Ok(ProgramTerms {
        rate: Rate::from_bps(row.referral_rate_bps).percent_label(),
        discount: state.money(row.discount_cents),
        commissioned_payments: COMMISSIONED_PAYMENTS,
    })
}

pub async fn program_settings(state: &AppState) -> Result<ProgramSettings, AppError> {
    let row = settings::get(&state.db).await?;
    let rate = Rate::from_bps(row.referral_rate_bps);
    let updated = row.updated_at.map(|at| {
        let day = at
            .with_timezone(&state.settings.business_tz)
            .format("%-d %b %Y %H:%M");
        match &row.updated_by {
            Some(name) => format!("{day} by {name}"),
            None => day.to_string(),
        }
    });
    Ok(ProgramSettings {
        rate_percent: rate.percent_value(),
        discount_amount: Cents(row.discount_cents).to_decimal_string(),
        rate: rate.percent_label(),
        discount: state.money(row.discount_cents),
        updated,
        overrides: row.overrides,
    })
}

/// Sets the program's rate and discount from the admin's form (`rate` in percent, `discount` as an
/// amount). Both are checked before anything is saved.
pub async fn update_program(
    state: &AppState,
    admin: &CurrentUser,
    rate: &str,
    discount: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let rate = errors.check("rate", parse_percent(rate));
    let discount = errors.check("discount", parse_discount(discount));
    let (Some(rate), Some(discount)) = (rate, discount) else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    settings::update(&state.db, rate.bps(), discount.0, admin.id, Utc::now()).await?;
    tracing::info!(
        admin = admin.id,
        rate_bps = rate.bps(),
        discount_cents = discount.0,
        "program settings changed"
    );
    Ok(())
}

/// One partner's terms for the admin page.
pub fn partner_terms(row: &PartnerRow, state: &AppState) -> PartnerTerms {
    PartnerTerms {
        rate: Rate::from_bps(row.rate_bps()).percent_label(),
        discount: state.money(row.discount_cents()),
        rate_is_custom: row.rate_override_bps.is_some(),
        discount_is_custom: row.discount_override_cents.is_some(),
        rate_percent: row
            .rate_override_bps
            .map(|bps| Rate::from_bps(bps).percent_value())
            .unwrap_or_default(),
        discount_amount: row
            .discount_override_cents
            .map(|c| Cents(c).to_decimal_string())
            .unwrap_or_default(),
        program_rate: Rate::from_bps(row.program_rate_bps).percent_label(),
        program_discount: state.money(row.program_discount_cents),
    }
}

/// Gives a partner their own rate and discount; an empty field returns that term to the program
/// setting.
pub async fn update_partner(
    state: &AppState,
    admin: &CurrentUser,
    partner_id: i64,
    rate: &str,
    discount: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let optional = |raw: &str| (!raw.trim().is_empty()).then(|| raw.to_owned());
    let rate = match optional(rate) {
        Some(raw) => errors.check("rate", parse_percent(&raw)).map(Some),
        None => Some(None),
    };
    let discount = match optional(discount) {
        Some(raw) => errors.check("discount", parse_discount(&raw)).map(Some),
        None => Some(None),
    };
    let (Some(rate), Some(discount)) = (rate, discount) else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    let (rate_bps, discount_cents) = (rate.map(Rate::bps), discount.map(|c| c.0));
    if !partner_rows::set_terms(&state.db, partner_id, rate_bps, discount_cents, Utc::now()).await?
    {
        return Err(AppError::NotFound);
    }
    tracing::info!(
        admin = admin.id,
        partner_id,
        ?rate_bps,
        ?discount_cents,
        "partner terms changed"
    );
    Ok(())
}
