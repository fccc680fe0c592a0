//! Reporting periods (revenue metrics): the period a person picks ("this month", "last month",
//! "this quarter", "this year" or their own dates) as whole days of the business calendar, and the
//! bars its chart is split into.
//!
//! Invariants: a period is `first..=last` whole days with `first <= last` and at most
//! [`MAX_DAYS`] days; the bars cover it exactly, without gaps or overlap, the first starting on
//! `first` and the last ending after `last` (days for up to [`DAILY_UP_TO`] days, weeks from
//! `first` up to [`WEEKLY_UP_TO`], calendar months beyond — the first and last bars clipped to
//! the period).

use chrono::{Datelike, Duration, Months, NaiveDate};

/// The longest custom period (about five years): its chart still has at most 61 monthly bars.
pub const MAX_DAYS: i64 = 1_830;
/// Periods up to this many days get a bar per day (a month, or two).
pub const DAILY_UP_TO: i64 = 62;
/// Up to this many days, a bar per week (a quarter, half a year); longer periods get months.
pub const WEEKLY_UP_TO: i64 = 190;

/// What a person picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    ThisMonth,
    LastMonth,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        Self::ThisMonth,
        Self::LastMonth,
        Self::Quarter,
        Self::Year,
        Self::Custom,
    ];

    /// The value in links and forms (`?period=…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThisMonth => "this_month",
            Self::LastMonth => "last_month",
            Self::Quarter => "quarter",
            Self::Year => "year",
            Self::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ThisMonth => "This month",
            Self::LastMonth => "Last month",
            Self::Quarter => "This quarter",
            Self::Year => "This year",
            Self::Custom => "Custom dates",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How wide each bar of a period's chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Day,
    Week,
    Month,
}

/// A resolved period: whole days, `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn add_months(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_add_months(Months::new(n)).unwrap_or(day)
}

/// The last day of the month `n` months after `first`'s (a first of month).
fn end_of_month_after(first: NaiveDate, n: u32) -> NaiveDate {
    add_months(first, n + 1) - Duration::days(1)
}

fn parse_day(value: Option<&str>, which: &str) -> Result<NaiveDate, String> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(format!("Pick a {which} date for a custom period."));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("The {which} date should look like 2026-11-01."))
}

impl Period {
    /// The period for `kind` (default: this month) as of `today` (business calendar). `from` and
    /// `to` (`YYYY-MM-DD`, both included) are read only for a custom period. The error is a
    /// sentence for the person who picked.
    pub fn resolve(
        kind: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, String> {
        let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => PeriodKind::ThisMonth,
            Some(k) => PeriodKind::parse(k).ok_or("Pick one of the periods offered.")?,
        };
        let month = first_of_month(today);
        let (first, last) = match kind {
            PeriodKind::ThisMonth => (month, end_of_month_after(month, 0)),
            PeriodKind::LastMonth => {
                let first = month.checked_sub_months(Months::new(1)).unwrap_or(month);
                (first, month - Duration::days(1))
            }
            PeriodKind::Quarter => {
                let first = month
                    .with_month(month.month0() / 3 * 3 + 1)
                    .unwrap_or(month);
                (first, end_of_month_after(first, 2))
            }
            PeriodKind::Year => {
                let first = month.with_month(1).unwrap_or(month);
                (first, end_of_month_after(first, 11))
            }
            PeriodKind::Custom => {
                let first = parse_day(from, "start")?;
                let last = parse_day(to, "end")?;
                if first > last {
                    return Err("The start date must be on or before the end date.".into());
                }
                if (last - first).num_days() + 1 > MAX_DAYS {
                    return Err("Pick a period of at most five years.".into());
                }
                (first, last)
            }
        };
        Ok(Period { kind, first, last })
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The day after the period (its exclusive end).
    pub fn end(&self) -> NaiveDate {
        self.last + Duration::days(1)
    }

    pub fn step(&self) -> Step {
        match self.days() {
            d if d <= DAILY_UP_TO => Step::Day,
            d if d <= WEEKLY_UP_TO => Step::Week,
            _ => Step::Month,
        }
    }

    /// "November 2026", "1 Oct – 31 Dec 2026", "3 Nov 2025 – 2 Feb 2026".
    pub fn title(&self) -> String {
        let whole_month = self.first.day() == 1 && self.last == end_of_month_after(self.first, 0);
        if whole_month {
            self.first.format("%B %Y").to_string()
        } else if self.first.year() == self.last.year() {
            format!(
                "{} – {}",
                self.first.format("%-d %b"),
                self.last.format("%-d %b %Y")
            )
        } else {
            format!(
                "{} – {}",
                self.first.format("%-d %b %Y"),
                self.last.format("%-d %b %Y")
            )
        }
    }

    /// The first day of each bar, then [`Period::end`]: `n + 1` ascending days for `n` bars.
    pub fn bar_bounds(&self) -> Vec<NaiveDate> {
        let end = self.end();
        let mut bounds = vec![self.first];
        let mut at = self.first;
        while at < end {
            at = match self.step() {
                Step::Day => at + Duration::days(1),
                Step::Week => at + Duration::days(7),
                Step::Month => add_months(first_of_month(at), 1),
            }
            .min(end);
            bounds.push(at);
        }
        bounds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn resolve(kind: &str, today: &str) -> Period {
        Period::resolve(Some(kind), None, None, day(today)).unwrap()
    }

    #[test]
    fn named_periods_are_calendar_months_quarters_and_years() {
        let p = resolve("this_month", "2026-11-24");
        assert_eq!((p.first, p.last), (day("2026-11-01"), day("2026-11-30")));
        assert_eq!(p.title(), "November 2026");
        // Last month across a year end, and February of a leap year.
        let p = resolve("last_month", "2026-01-15");
        assert_eq!((p.first, p.last), (day("2025-12-01"), day("2025-12-31")));
        let p = resolve("last_month", "2028-03-31");
        assert_eq!((p.first, p.last), (day("2028-02-01"), day("2028-02-29")));
        let p = resolve("quarter", "2026-11-24");
        assert_eq!((p.first, p.last), (day("2026-10-01"), day("2026-12-31")));
        assert_eq!(p.title(), "1 Oct – 31 Dec 2026");
        let p = resolve("quarter", "2026-03-31");
        assert_eq!((p.first, p.last), (day("2026-01-01"), day("2026-03-31")));
        let p = resolve("year", "2026-11-24");
        assert_eq!((p.first, p.last), (day("2026-01-01"), day("2026-12-31")));
        // Nothing picked is this month.
        let p = Period::resolve(None, None, None, day("2026-11-24")).unwrap();
        assert_eq!(p.kind, PeriodKind::ThisMonth);
    }

    #[test]
    fn custom_dates_are_checked_with_a_sentence() {
        let today = day("2026-11-24");
        let p = Period::resolve(
            Some("custom"),
            Some("2025-11-03"),
            Some("2026-02-02"),
            today,
        )
        .unwrap();
        assert_eq!(p.days(), 92);
        assert_eq!(p.title(), "3 Nov 2025 – 2 Feb 2026");
        let err = |from: Option<&str>, to: Option<&str>| {
            Period::resolve(Some("custom"), from, to, today).unwrap_err()
        };
        assert_eq!(
            err(Some("2026-11-02"), Some("2026-11-01")),
            "The start date must be on or before the end date."
        );
        assert_eq!(
            err(None, Some("2026-11-01")),
            "Pick a start date for a custom period."
        );
        assert_eq!(
            err(Some("2026-11-01"), Some("1/12/2026")),
            "The end date should look like 2026-11-01."
        );
        assert_eq!(
            err(Some("2020-01-01"), Some("2026-01-01")),
            "Pick a period of at most five years."
        );
        assert_eq!(
            Period::resolve(Some("fortnight"), None, None, today).unwrap_err(),
            "Pick one of the periods offered."
        );
        // One day is a period.
        let p = Period::resolve(
            Some("custom"),
            Some("2026-11-24"),
            Some("2026-11-24"),
            today,
        )
        .unwrap();
        assert_eq!(p.bar_bounds(), vec![day("2026-11-24"), day("2026-11-25")]);
    }

    #[test]
    fn bars_cover_the_period_exactly() {
        let today = day("2026-11-24");
        for (from, to, step, bars) in [
            ("2026-11-01", "2026-11-30", Step::Day, 30),
            ("2026-10-01", "2026-12-31", Step::Week, 14),
            ("2026-01-01", "2026-12-31", Step::Month, 12),
            ("2025-11-15", "2026-02-10", Step::Week, 13),
            ("2025-06-15", "2026-02-10", Step::Month, 9),
        ] {
            let p = Period::resolve(Some("custom"), Some(from), Some(to), today).unwrap();
            let bounds = p.bar_bounds();
            assert_eq!(p.step(), step, "{from}..{to}");
            assert_eq!(bounds.len() - 1, bars, "{from}..{to}: {bounds:?}");
            assert_eq!(bounds[0], p.first);
            assert_eq!(*bounds.last().unwrap(), p.end());
            assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{bounds:?}");
        }
        // Monthly bars after a mid-month start fall on the first of each month.
        let p = Period::resolve(
            Some("custom"),
            Some("2025-06-15"),
            Some("2026-02-10"),
            today,
        )
        .unwrap();
        assert_eq!(p.bar_bounds()[1], day("2025-07-01"));
    }
}
