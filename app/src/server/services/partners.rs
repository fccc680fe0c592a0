//! Partners: registration, the partner dashboard, and the admin list, detail and status changes.

use crate::domain::delivery;
use crate::domain::partner::{
    self, COMMISSION_STATUSES, COMMISSIONED_PAYMENTS, PartnerStatus, PartnerType,
};
use crate::domain::rate::Rate;
use crate::dto::AppError;
use crate::dto::Paged;
use crate::dto::metrics::Bar;
use crate::dto::partners::{AdminPartnerDetail, AdminPartnerRow, CommissionLine, PartnerDashboard};
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::commissions::{self as commission_rows, CommissionFilter};
use crate::server::db::florists;
use crate::server::db::partners::{self as partner_rows, PartnerFilter};
use crate::server::services::{accounts, commissions, notices, settings};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::Rng;
use std::sync::Arc;

pub const PER_PAGE: i64 = 20;
/// Attempts at a unique code before giving up (each clash picks a new random suffix).
const CODE_ATTEMPTS: usize = 8;

pub struct Registration {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub business_name: String,
    pub phone: String,
    pub partner_type: String,
    /// What a delivery florist adds (ignored for referral partners).
    pub florist: FloristForm,
}

/// The delivery-florist part of the registration form, as posted.
#[derive(Debug, Clone, Default)]
pub struct FloristForm {
    pub booking_slug: String,
    pub address: delivery::ShopAddress,
    pub areas: Vec<delivery::AreaInput>,
}

/// Creates user + partner (pending) + discount code in one transaction; returns the user id.
/// A code clash (two "Rosie's Roses" at once) retries with another suffix inside the transaction.
pub async fn register(state: &AppState, form: &Registration) -> Result<i64, AppError> {
    let new = partner::validate_registration(
        &form.email,
        &form.password,
        &form.first_name,
        &form.last_name,
        &form.business_name,
        &form.phone,
        &form.partner_type,
    );
    // A florist sees every problem at once: the account's and the shop's.
    let florist = (form.partner_type == PartnerType::Delivery.as_str()).then(|| {
        delivery::validate_florist(
            &form.florist.booking_slug,
            &form.florist.address,
            &form.florist.areas,
        )
    });
    let (new, florist) = match (new, florist) {
        (Ok(new), None) => (new, None),
        (Ok(new), Some(Ok(f))) => (new, Some(f)),
        (Err(mut errors), Some(Err(more))) => {
            errors.extend(more);
            return Err(AppError::Invalid(errors));
        }
        (Err(errors), _) | (Ok(_), Some(Err(errors))) => return Err(AppError::Invalid(errors)),
    };
    if let Some(f) = &florist
        && florists::slug_taken(&state.db, &f.booking_slug).await?
    {
        return Err(AppError::field(
            "booking_slug",
            format!("\"{}\" is taken. Try adding your suburb.", f.booking_slug),
        ));
    }
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    let user_id = accounts::create_account(&mut tx, &new.account, false, now).await?;
    let partner_id = partner_rows::insert(
        &mut tx,
        user_id,
        new.partner_type.as_str(),
        &new.business_name,
        &new.phone,
        now,
    )
    .await?;
    if let Some(f) = &florist {
        florists::set_details(&mut tx, partner_id, f)
            .await
            .map_err(|e| slug_clash(e, &f.booking_slug))?;
        florists::replace_areas(&mut tx, partner_id, &f.areas, now).await?;
    }
    if new.partner_type == PartnerType::NonDelivery {
        let mut saved = false;
        for _ in 0..CODE_ATTEMPTS {
            let code = {
                let mut rng = rand::thread_rng();
                partner::generate_code(&new.business_name, |n| rng.gen_range(0..n))
            };
            if partner_rows::insert_code(&mut tx, partner_id, &code, now)
                .await?
                .is_some()
            {
                saved = true;
                break;
            }
        }
        if !saved {
            return Err(AppError::internal(
                "no free discount code after several attempts",
            ));
        }
    }
    notices::partner_application(&mut tx, &state.settings, partner_id, &new, now).await?;
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(partner_id, user_id, "partner registered");
    Ok(user_id)
}

/// Two florists racing for one slug: the second gets the same message as a taken slug.
fn slug_clash(error: sqlx::Error, slug: &str) -> AppError {
    if crate::server::db::is_unique_violation(&error) {
        AppError::field(
            "booking_slug",
            format!("\"{slug}\" is taken. Try adding your suburb."),
        )
    } else {
        error.into()
    }
}

fn date(at: DateTime<Utc>, state: &AppState) -> String {
    at.with_timezone(&state.settings.business_tz)
        .format("%-d %b %Y")
        .to_string()
}

/// The first instant of each of the last `n` months (business time zone), plus the next month's.
fn month_bounds(state: &AppState, n: u32) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let settings = &state.settings;
    let today = settings.day_of(Utc::now());
    let this_month = today.with_day(1).unwrap_or(today);
    (0..=n)
        .rev()
        .filter_map(|back| {
            // From n-1 months ago up to next month (the end bound).
            let first = if back == 0 {
                this_month.checked_add_months(chrono::Months::new(1))?
            } else {
                this_month.checked_sub_months(chrono::Months::new(back - 1))?
            };
            Some((first, settings.day_start(first)))
        })
        .collect()
}

/// The expensive part of a dashboard (totals over every commission and the monthly chart), kept per
/// partner and reused while the partner's stats version (`db::partners::stats_version`) and the current month are unchanged. The
/// version is bumped in the same transaction as every change, so a hit is never stale, on any
/// instance; the check costs one primary-key lookup.
///
/// A miss is computed once: concurrent views of the same partner wait for the first computation
/// and reuse it, instead of all scanning the partner's commissions at once (a stampede that, with
/// 10,000 commissions and 32 connections, put every waiting request into the latency tail).
#[derive(Default)]
pub struct DashboardCache {
    entries: std::sync::Mutex<std::collections::HashMap<i64, CachedTotals>>,
    computing: std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone)]
struct CachedTotals {
    version: i64,
    month: NaiveDate,
    totals: commission_rows::PartnerTotals,
    months: Vec<Bar>,
}

/// Bounds memory: past this many partners the cache starts over.
const DASHBOARD_CACHE_ENTRIES: usize = 10_000;

impl DashboardCache {
    fn get(&self, partner_id: i64, version: i64, month: NaiveDate) -> Option<CachedTotals> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&partner_id)
            .filter(|c| c.version == version && c.month == month)
            .cloned()
    }

    /// The lock that lets one request at a time compute this partner's totals.
    fn flight(&self, partner_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut computing = self
            .computing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        computing.entry(partner_id).or_default().clone()
    }

    /// Forgets the partner's lock once no request holds or waits for it (counted under the map's
    /// lock, where every clone is made, so a newcomer never gets a lock about to be forgotten).
    fn land(&self, partner_id: i64, flight: Arc<tokio::sync::Mutex<()>>) {
        let mut computing = self
            .computing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        drop(flight);
        if computing
            .get(&partner_id)
            .is_some_and(|f| Arc::strong_count(f) == 1)
        {
            computing.remove(&partner_id);
        }
    }

    fn put(&self, partner_id: i64, entry: CachedTotals) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= DASHBOARD_CACHE_ENTRIES {
                entries.clear();
            }
            entries.insert(partner_id, entry);
        }
    }
}

/// The partner's totals and monthly bars as of stats `version`, read by the caller *before*: a
/// change racing this render bumps it again, so at worst the next view recomputes; a stale entry is
/// never stored under a newer version.
async fn totals_and_months(
    state: &AppState,
    partner_id: i64,
    version: i64,
) -> Result<(commission_rows::PartnerTotals, Vec<Bar>), AppError> {
    let bounds = month_bounds(state, 12);
    let this_month = bounds
        .iter()
        .rev()
        .nth(1)
        .map_or_else(|| Utc::now().date_naive(), |(first, _)| *first);
    let cache = &state.dashboard_cache;
    if let Some(hit) = cache.get(partner_id, version, this_month) {
        return Ok((hit.totals, hit.months));
    }
    let flight = cache.flight(partner_id);
    let result = {
        let _turn = flight.lock().await;
        // Whoever held the turn before may have just computed this very version.
        match cache.get(partner_id, version, this_month) {
            Some(hit) => Ok((hit.totals, hit.months)),
            None => compute_totals(state, partner_id, version, &bounds, this_month).await,
        }
    };
    cache.land(partner_id, flight);
    result
}

async fn compute_totals(
    state: &AppState,
    partner_id: i64,
    version: i64,
    bounds: &[(NaiveDate, DateTime<Utc>)],
    this_month: NaiveDate,
) -> Result<(commission_rows::PartnerTotals, Vec<Bar>), AppError> {
    let totals = commission_rows::totals(&state.db, partner_id).await?;
    let instants: Vec<_> = bounds.iter().map(|(_, at)| *at).collect();
    let sums =
        crate::server::db::metrics::earned_per_bar(&state.db, Some(partner_id), &instants).await?;
    let months: Vec<Bar> = bounds
        .iter()
        .zip(sums)
        .map(|((first, _), cents)| Bar {
            label: first.format("%b").to_string(),
            title: first.format("%B %Y").to_string(),
            cents,
            amount: state.money(cents),
        })
        .collect();
    state.dashboard_cache.put(
        partner_id,
        CachedTotals {
            version,
            month: this_month,
            totals: totals.clone(),
            months: months.clone(),
        },
    );
    Ok((totals, months))
}

pub async fn dashboard(
    state: &AppState,
    user: &CurrentUser,
    status: Option<&str>,
    page: i64,
) -> Result<PartnerDashboard, AppError> {
    let mut reader = state.readers.get().await?;
    let partner = partner_rows::find_by_user(&mut *reader, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = partner_rows::stats_version(&mut *reader, partner.id).await?;
    let (totals, months) = totals_and_months(state, partner.id, version).await?;
    let status = status.filter(|s| COMMISSION_STATUSES.contains(s));
    let filter = CommissionFilter {
        partner_id: Some(partner.id),
        status: status.map(str::to_owned),
    };
    // Unfiltered, the count is already in the (cached) totals.
    let known_total = status.is_none().then_some(totals.commissions);
    let table = commissions::page(state, &mut reader, &filter, page, false, known_total).await?;
    drop(reader);
    let florist = if partner.partner_type == PartnerType::Delivery.as_str() {
        Some(crate::server::services::florists::panel(state, partner.id, Utc::now()).await?)
    } else {
        None
    };
    let status_enum = PartnerStatus::parse(&partner.status).unwrap_or(PartnerStatus::Pending);
    let code = partner.code.as_ref().map(|c| c.to_uppercase());
    let (discount, rate) = (partner.discount_cents(), Rate::from_bps(partner.rate_bps()));
    Ok(PartnerDashboard {
        business_name: partner.business_name,
        partner_type: PartnerType::parse(&partner.partner_type)
            .map_or("Partner", PartnerType::label)
            .to_owned(),
        status: partner.status.clone(),
        status_label: status_enum.label().to_owned(),
        share_link: code
            .as_ref()
            .map(|c| format!("{}/order?code={c}", state.settings.site_url)),
        code,
        code_active: partner.code_active.unwrap_or(false) && status_enum == PartnerStatus::Active,
        discount: state.money(discount),
        rate: rate.percent_label(),
        commissioned_payments: COMMISSIONED_PAYMENTS,
        uses: totals.uses,
        customers: totals.customers,
        pending: state.money(totals.pending_cents),
        approved: state.money(totals.approved_cents),
        paid: state.money(totals.paid_cents),
        rejected: state.money(totals.rejected_cents),
        months,
        commissions: table,
        status_filter: status.map(str::to_owned),
        email_commissions: partner.email_commissions,
        florist,
        payout_setup: crate::server::services::connect::setup(state, partner.id).await?,
    })
}

fn admin_row(row: &partner_rows::PartnerRow, state: &AppState) -> AdminPartnerRow {
    AdminPartnerRow {
        id: row.id,
        business_name: row.business_name.clone(),
        contact: format!("{} {} <{}>", row.first_name, row.last_name, row.email),
        partner_type: PartnerType::parse(&row.partner_type)
            .map_or("Partner", PartnerType::label)
            .to_owned(),
        status: row.status.clone(),
        status_label: PartnerStatus::parse(&row.status)
            .map_or("Unknown", PartnerStatus::label)
            .to_owned(),
        code: row
            .code
            .as_ref()
            .map_or_else(|| "—".to_owned(), |c| c.to_uppercase()),
        joined: date(row.created_at, state),
    }
}

/// Unknown filter values (a hand-edited URL) are ignored; a page past the end shows the last page.
pub async fn admin_list(
    state: &AppState,
    partner_type: Option<String>,
    status: Option<String>,
    search: Option<String>,
    page: i64,
) -> Result<Paged<AdminPartnerRow>, AppError> {
    let filter = PartnerFilter {
        partner_type: partner_type.filter(|t| PartnerType::parse(t).is_some()),
        status: status.filter(|s| PartnerStatus::parse(s).is_some()),
        search: search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
    };
    let total = partner_rows::count(&state.db, &filter).await?;
    let (page, pages) = Paged::<()>::window(total, PER_PAGE, page);
    let rows = partner_rows::page(&state.db, &filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    Ok(Paged {
        rows: rows.iter().map(|r| admin_row(r, state)).collect(),
        page,
        pages,
        total,
    })
}

pub async fn admin_detail(
    state: &AppState,
    partner_id: i64,
) -> Result<AdminPartnerDetail, AppError> {
    let row = partner_rows::find(&state.db, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let totals = commission_rows::totals(&state.db, partner_id).await?;
    let filter = CommissionFilter {
        partner_id: Some(partner_id),
        status: None,
    };
    let recent = commissions::page(
        state,
        &mut *state.db.acquire().await?,
        &filter,
        1,
        true,
        None,
    )
    .await?;
    Ok(AdminPartnerDetail {
        row: admin_row(&row, state),
        phone: row.phone.clone(),
        terms: settings::partner_terms(&row, state),
        uses: totals.uses,
        customers: totals.customers,
        pending: state.money(totals.pending_cents),
        has_pending: totals.pending_cents > 0,
        approved: state.money(totals.approved_cents),
        paid: state.money(totals.paid_cents),
        commissions: recent.rows,
        florist: crate::server::services::florists::record(state, partner_id).await?,
        payout_setup: crate::server::services::connect::setup(state, partner_id).await?,
    })
}

/// Approve, suspend or reactivate. A status that does not allow the action is a clear 4xx, and a
/// second click changes nothing.
pub async fn change_status(
    state: &AppState,
    actor: &Actor,
    partner_id: i64,
    action: &str,
) -> Result<(), AppError> {
    let (from, to): (&[&str], &str) = match action {
        "approve" => (&["pending"], "active"),
        "suspend" => (&["active", "pending"], "suspended"),
        "reactivate" => (&["suspended"], "active"),
        _ => return Err(AppError::field("action", "Unknown action.")),
    };
    let row = partner_rows::find(&state.db, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status == to {
        return Ok(());
    }
    let now = Utc::now();
    let mut tx = state.db.begin().await?;
    if !partner_rows::set_status(&mut tx, partner_id, from, to, now).await? {
        return Err(AppError::field(
            "action",
            format!(
                "This partner is {}, so it cannot be changed that way.",
                PartnerStatus::parse(&row.status)
                    .map_or("in another state", PartnerStatus::label)
                    .to_lowercase()
            ),
        ));
    }
    notices::partner_status(&mut tx, &state.settings, &row, to, now).await?;
    let change = Change {
        action: &format!("partner.{action}"),
        subject_type: "partner",
        subject_id: partner_id,
        partner_id: Some(partner_id),
        before: row.status.clone(),
        after: to.to_owned(),
    };
    audit::record(&mut tx, actor, &change, now).await?;
    tx.commit().await?;
    state.mail_wake.queued();
    tracing::info!(partner_id, to, "partner status changed");
    Ok(())
}

/// The signed-in partner turns commission-review mails on or off.
pub async fn set_commission_emails(
    state: &AppState,
    user: &CurrentUser,
    on: bool,
) -> Result<(), AppError> {
    let partner = partner_rows::find_by_user(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    partner_rows::set_email_commissions(&state.db, partner.id, on).await?;
    Ok(())
}

/// Keeps `CommissionLine` construction in one place for both audiences.
/// The referred customer's name as its reader may see it, on pages and in CSVs alike: admins the
/// whole name; partners a first name and an initial, not who exactly bought what. `None` when the
/// commission has no customer (a florist's delivery).
pub fn customer_name(row: &commission_rows::CommissionRow, for_admin: bool) -> Option<String> {
    let (first, last) = (
        row.customer_first_name.as_ref()?,
        row.customer_last_name.as_ref()?,
    );
    Some(if for_admin {
        format!("{first} {last}")
    } else {
        format!(
            "{first} {}.",
            last.chars().next().map(String::from).unwrap_or_default()
        )
    })
}

pub(crate) fn commission_line(
    row: &commission_rows::CommissionRow,
    state: &AppState,
    for_admin: bool,
) -> CommissionLine {
    let customer = match customer_name(row, for_admin) {
        Some(name) if for_admin => format!(
            "{name} <{}>",
            row.customer_email.as_deref().unwrap_or_default()
        ),
        Some(name) => name,
        None => "—".to_owned(),
    };
    CommissionLine {
        id: row.id,
        date: date(row.created_at, state),
        partner: row.business_name.clone(),
        partner_id: row.partner_id,
        customer,
        payment: match (row.order_id, row.payment_cents) {
            (Some(order), Some(cents)) => format!("Order #{order} · {}", state.money(cents)),
            _ => "—".to_owned(),
        },
        amount: state.money(row.amount_cents),
        rate: row
            .rate_bps
            .map_or_else(|| "—".to_owned(), |bps| Rate::from_bps(bps).percent_label()),
        status: row.status.clone(),
        status_label: commission_status(row, state),
        note: row.note.clone(),
    }
}

/// The status as the tables show it: held commissions say so, and an approved one still in its
/// holding period says when it becomes payable.
fn commission_status(row: &commission_rows::CommissionRow, state: &AppState) -> String {
    let label = partner::commission_status_label(&row.status);
    let open = matches!(row.status.as_str(), "pending" | "approved");
    if row.held && open {
        return format!("{label} · held for review");
    }
    let controls = crate::domain::controls::Controls {
        holding_days: row.holding_days,
        ..Default::default()
    };
    let payable_on = controls.payable_on(row.created_at);
    if row.status == "approved" && payable_on > Utc::now() {
        format!("{label} · payable on {}", date(payable_on, state))
    } else {
        label.to_owned()
    }
}
