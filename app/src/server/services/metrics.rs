//! Revenue metrics per period (issue 14): what a partner's referrals brought in a period they
//! pick, and the program's totals with its top partners. Periods are whole days of the business
//! calendar ([`crate::domain::period`]); the definitions are [`crate::server::db::metrics`]'s.

use crate::domain::period::{Period, Step};
use crate::dto::AppError;
use crate::dto::metrics::{
    Bar, PeriodNumbers, PeriodShown, ProgramMetrics, StatusTotal, TopPartnerLine,
};
use crate::server::context::AppState;
use crate::server::db::metrics::{self as rows, Span};
use chrono::{DateTime, Utc};

/// How many partners the program's ranking shows.
pub const TOP_PARTNERS: i64 = 10;

/// The commission statuses in the order the pages list them, with the partner's words for them.
const STATUSES: [(&str, &str); 4] = [
    ("pending", "Awaiting review"),
    ("approved", "Approved"),
    ("paid", "Paid"),
    ("rejected", "Voided"),
];

/// What the picker asked for (`period`, and `from`/`to` for custom dates).
#[derive(Debug, Clone, Default)]
pub struct Pick {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Pick {
    /// The period as of `now`; a wrong pick is a message on the `period` field.
    pub fn resolve(&self, state: &AppState, now: DateTime<Utc>) -> Result<Period, AppError> {
        Period::resolve(
            self.period.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            state.settings.day_of(now),
        )
        .map_err(|message| AppError::field("period", message))
    }
}

fn bars(
    state: &AppState,
    period: &Period,
    bounds: &[chrono::NaiveDate],
    sums: Vec<i64>,
) -> Vec<Bar> {
    let step = period.step();
    bounds
        .iter()
        .zip(sums)
        .map(|(first, cents)| {
            let (label, title) = match step {
                Step::Day => (
                    first.format("%-d").to_string(),
                    first.format("%-d %b %Y").to_string(),
                ),
                Step::Week => (
                    first.format("%-d %b").to_string(),
                    first.format("Week of %-d %b %Y").to_string(),
                ),
                Step::Month => (
                    first.format("%b").to_string(),
                    first.format("%B %Y").to_string(),
                ),
            };
            Bar {
                label,
                title,
                cents,
                amount: state.money(cents),
            }
        })
        .collect()
}

/// The period's instants: from its first day's midnight to the midnight after its last day.
fn span(state: &AppState, period: &Period) -> Span {
    Span {
        from: state.settings.day_start(period.first),
        to: state.settings.day_start(period.end()),
    }
}

/// The numbers of `period` for one partner, or the whole program (`None`).
async fn numbers(
    state: &AppState,
    partner: Option<i64>,
    period: &Period,
) -> Result<PeriodNumbers, AppError> {
    let days = period.bar_bounds();
    let instants: Vec<DateTime<Utc>> = days.iter().map(|d| state.settings.day_start(*d)).collect();
    let span = span(state, period);
    let sales = rows::sales(&state.db, partner, span).await?;
    let by_status = rows::commissions_by_status(&state.db, partner, span).await?;
    let (payouts, paid_out_cents) = rows::paid_out(&state.db, partner, span).await?;
    let sums = rows::earned_per_bar(&state.db, partner, &instants).await?;
    let commissions: Vec<StatusTotal> = STATUSES
        .iter()
        .map(|(status, label)| {
            let found = by_status.iter().find(|s| s.status == *status);
            StatusTotal {
                status: (*status).to_owned(),
                label: (*label).to_owned(),
                count: found.map_or(0, |s| s.count),
                amount: state.money(found.map_or(0, |s| s.cents)),
            }
        })
        .collect();
    let earned_cents: i64 = by_status
        .iter()
        .filter(|s| s.status != "rejected")
        .map(|s| s.cents)
        .sum();
    Ok(PeriodNumbers {
        period: PeriodShown {
            kind: period.kind.as_str().to_owned(),
            title: period.title(),
            from: period.first.format("%Y-%m-%d").to_string(),
            to: period.last.format("%Y-%m-%d").to_string(),
            step: match period.step() {
                Step::Day => "day",
                Step::Week => "week",
                Step::Month => "month",
            }
            .to_owned(),
        },
        revenue: state.money(sales.revenue_cents),
        payments: sales.payments,
        new_customers: sales.new_customers,
        earned: state.money(earned_cents),
        commissions,
        paid_out: state.money(paid_out_cents),
        payouts,
        bars: bars(state, period, &days, sums),
    })
}

/// A partner's own numbers for the period they picked.
pub async fn partner_metrics(
    state: &AppState,
    partner_id: i64,
    pick: &Pick,
    now: DateTime<Utc>,
) -> Result<PeriodNumbers, AppError> {
    let period = pick.resolve(state, now)?;
    numbers(state, Some(partner_id), &period).await
}

/// The program's numbers for the period, with its top partners by referred revenue.
pub async fn program_metrics(
    state: &AppState,
    pick: &Pick,
    now: DateTime<Utc>,
) -> Result<ProgramMetrics, AppError> {
    let period = pick.resolve(state, now)?;
    let numbers = numbers(state, None, &period).await?;
    let top = rows::top_partners(&state.db, span(state, &period), TOP_PARTNERS)
        .await?
        .into_iter()
        .map(|t| TopPartnerLine {
            partner_id: t.partner_id,
            business_name: t.business_name,
            revenue: state.money(t.revenue_cents),
            revenue_cents: t.revenue_cents,
            customers: t.customers,
            earned: state.money(t.earned_cents),
        })
        .collect();
    Ok(ProgramMetrics { numbers, top })
}
