//! Program settings: the referral rate and the new-customer discount every partner gets unless an
//! admin gives them their own, and those per-partner terms.
//!
//! Invariants: a change reaches only what happens after it. A commission records the rate it was
//! computed at and an order the discount it was given at checkout, so changing a setting never
//! rewrites an earlier commission, usage or order. Bad input is refused field by field and changes
//! nothing.

use crate::domain::controls::{parse_holding_days, parse_minimum};
use crate::domain::money::Cents;
use crate::domain::partner::{COMMISSIONED_PAYMENTS, parse_discount};
use crate::domain::rate::{Rate, parse_percent};
use crate::domain::validation::FieldErrors;
use crate::dto::AppError;
use crate::dto::partners::{PartnerTerms, ProgramSettings, ProgramTerms};
use crate::server::context::AppState;
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::partners::{self as partner_rows, PartnerRow, Terms};
use crate::server::db::settings::{self, Values};
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
        holding_days: row.holding_days,
        minimum_amount: Cents(row.minimum_payout_cents).to_decimal_string(),
        minimum: state.money(row.minimum_payout_cents),
        approve_payouts: row.approve_payouts,
    })
}

/// The program settings form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ProgramForm {
    pub rate: String,
    pub discount: String,
    pub holding_days: String,
    pub minimum: String,
    pub approve_payouts: bool,
}

/// Sets the program settings from the admin's form (`rate` in percent, amounts as typed). Every
/// field is checked before anything is saved; the change and its audit row commit together.
pub async fn update_program(
    state: &AppState,
    actor: &Actor,
    form: &ProgramForm,
) -> Result<(), AppError> {
    let admin = actor
        .user_id
        .ok_or_else(|| AppError::internal("settings are changed by an admin"))?;
    let mut errors = FieldErrors::default();
    let rate = errors.check("rate", parse_percent(&form.rate));
    let discount = errors.check("discount", parse_discount(&form.discount));
    let holding = errors.check("holding_days", parse_holding_days(&form.holding_days));
    let minimum = errors.check("minimum", parse_minimum(&form.minimum));
    let (Some(rate), Some(discount), Some(holding_days), Some(minimum)) =
        (rate, discount, holding, minimum)
    else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    let values = Values {
        referral_rate_bps: rate.bps(),
        discount_cents: discount.0,
        holding_days,
        minimum_payout_cents: minimum.0,
        approve_payouts: form.approve_payouts,
    };
    let now = Utc::now();
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    settings::lock(&mut tx).await?;
    let before = settings::get_on(&mut tx).await?.values();
    settings::update(&mut tx, &values, admin, now).await?;
    if before != values {
        let change = Change {
            action: "settings.update",
            subject_type: "program_settings",
            subject_id: 1,
            partner_id: None,
            before: before.describe(),
            after: values.describe(),
        };
        audit::record(&mut tx, actor, &change, now).await?;
    }
    tx.commit().await?;
    tracing::info!(admin, ?values, "program settings changed");
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
        holding: days(row.controls().holding_days),
        minimum: state.money(row.controls().minimum.0),
        holding_days: row
            .holding_override_days
            .map(|d| d.to_string())
            .unwrap_or_default(),
        minimum_amount: row
            .minimum_override_cents
            .map(|c| Cents(c).to_decimal_string())
            .unwrap_or_default(),
        program_holding: days(row.program_holding_days),
        program_minimum: state.money(row.program_minimum_cents),
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// A partner's own terms, as typed; an empty field returns that term to the program setting.
#[derive(Debug, Clone, Default)]
pub struct TermsForm {
    pub rate: String,
    pub discount: String,
    pub holding_days: String,
    pub minimum: String,
}

/// Gives a partner their own terms; an empty field returns that term to the program setting.
pub async fn update_partner(
    state: &AppState,
    actor: &Actor,
    partner_id: i64,
    form: &TermsForm,
) -> Result<(), AppError> {
    fn optional<T>(
        errors: &mut FieldErrors,
        field: &'static str,
        raw: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        if raw.trim().is_empty() {
            Some(None)
        } else {
            errors.check(field, parse(raw)).map(Some)
        }
    }
    let mut errors = FieldErrors::default();
    let rate = optional(&mut errors, "rate", &form.rate, parse_percent);
    let discount = optional(&mut errors, "discount", &form.discount, parse_discount);
    let holding = optional(
        &mut errors,
        "holding_days",
        &form.holding_days,
        parse_holding_days,
    );
    let minimum = optional(&mut errors, "minimum", &form.minimum, parse_minimum);
    let (Some(rate), Some(discount), Some(holding_days), Some(minimum)) =
        (rate, discount, holding, minimum)
    else {
        return Err(AppError::Invalid(errors.into_vec()));
    };
    let terms = Terms {
        rate_bps: rate.map(Rate::bps),
        discount_cents: discount.map(|c| c.0),
        holding_days,
        minimum_payout_cents: minimum.map(|c| c.0),
    };
    let now = Utc::now();
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    partner_rows::lock(&mut tx, partner_id).await?;
    let before = partner_rows::find(&mut *tx, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    partner_rows::set_terms(&mut tx, partner_id, &terms, now).await?;
    let before = Terms::of(&before);
    if before != terms {
        let change = Change {
            action: "partner.terms",
            subject_type: "partner",
            subject_id: partner_id,
            partner_id: Some(partner_id),
            before: before.describe(),
            after: terms.describe(),
        };
        audit::record(&mut tx, actor, &change, now).await?;
    }
    tx.commit().await?;
    tracing::info!(partner_id, ?terms, "partner terms changed");
    Ok(())
}
