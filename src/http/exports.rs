//! CSV exports, streamed: admins download commissions, payouts, a partner's ledger and the
//! activity log (filtered as on screen); partners their own commissions, payouts and ledger.
//!
//! Invariant: memory stays bounded whatever the size. Rows come from the database as a stream
//! (`fetch`), are written into chunks of about [`CHUNK`] bytes, and at most [`IN_FLIGHT`] chunks
//! wait for a slow client (a bounded channel: the query waits when the client does). A database
//! error mid-way breaks the download rather than ending it as if it were complete.

use app::server::auth::AuthSession;
use app::server::context::{AppState, CurrentUser};
use app::server::csv::{self, Cell};
use app::server::db::audit::{self as audit_rows, AuditRow};
use app::server::db::commissions::{self as commission_rows, CommissionFilter, CommissionRow};
use app::server::db::ledger::{self as ledger_rows, Movement};
use app::server::db::partners;
use app::server::db::payouts::{self as payout_rows, PayoutFilter, PayoutRow};
use app::server::services::{
    activity, commissions, ledger, partners as partner_views, payout_views,
};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use std::collections::HashMap;
use tokio::sync::mpsc;

/// Bytes written before a chunk is handed to the client.
pub const CHUNK: usize = 32 * 1024;
/// Chunks waiting for the client at most.
pub const IN_FLIGHT: usize = 4;

type Params = Query<HashMap<String, String>>;
type Chunk = Result<Bytes, std::io::Error>;

/// Where an export writes its records.
struct Sink {
    buffer: Vec<u8>,
    chunks: mpsc::Sender<Chunk>,
}

impl Sink {
    /// Writes one record; false when the client went away (stop producing).
    async fn record(&mut self, cells: &[Cell]) -> bool {
        csv::push_record(&mut self.buffer, cells);
        if self.buffer.len() < CHUNK {
            return true;
        }
        self.flush().await
    }

    async fn flush(&mut self) -> bool {
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK + 1024),
        ));
        self.chunks.send(Ok(chunk)).await.is_ok()
    }
}

/// Answers with a CSV attachment whose records `produce` writes (after the header).
fn attachment<F, Fut>(filename: &str, header_names: &'static [&'static str], produce: F) -> Response
where
    F: FnOnce(Sink) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), sqlx::Error>> + Send + 'static,
{
    let (sender, mut receiver) = mpsc::channel::<Chunk>(IN_FLIGHT);
    let failed = sender.clone();
    let mut buffer = Vec::with_capacity(CHUNK + 1024);
    // A byte-order mark, so spreadsheets open the file as UTF-8 (names with accents).
    buffer.extend_from_slice("\u{feff}".as_bytes());
    csv::push_header(&mut buffer, header_names);
    let sink = Sink {
        buffer,
        chunks: sender,
    };
    let name = filename.to_owned();
    tokio::spawn(async move {
        if let Err(error) = produce(sink).await {
            tracing::error!(%error, export = %name, "CSV export failed mid-way");
            let _ = failed
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    let stream = futures::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Runs `each` over a row stream into the sink, then flushes the rest.
async fn drain<R>(
    mut sink: Sink,
    mut rows: futures::stream::BoxStream<'_, Result<R, sqlx::Error>>,
    each: impl Fn(R) -> Vec<Cell>,
) -> Result<(), sqlx::Error> {
    while let Some(row) = rows.next().await {
        if !sink.record(&each(row?)).await {
            return Ok(());
        }
    }
    sink.flush().await;
    Ok(())
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

fn admin(auth: &AuthSession) -> Option<&CurrentUser> {
    auth.user.as_ref().filter(|u| u.is_admin)
}

fn partner(auth: &AuthSession) -> Option<i64> {
    auth.user.as_ref()?.partner_id
}

fn id_param(params: &HashMap<String, String>, name: &str) -> Option<i64> {
    params.get(name)?.trim().parse().ok()
}

fn when(state: &AppState, at: DateTime<Utc>) -> Cell {
    Cell::plain(
        at.with_timezone(&state.settings.business_tz)
            .format("%Y-%m-%d %H:%M:%S"),
    )
}

const COMMISSION_COLUMNS: &[&str] = &[
    "id",
    "earned_at",
    "partner_id",
    "partner",
    "type",
    "order_id",
    "customer",
    "amount",
    "currency",
    "status",
    "held",
    "note",
];

fn commission_cells(state: &AppState, row: CommissionRow, admin: bool) -> Vec<Cell> {
    let customer = partner_views::customer_name(&row, admin).unwrap_or_default();
    vec![
        Cell::plain(row.id),
        when(state, row.created_at),
        Cell::plain(row.partner_id),
        Cell::text(row.business_name),
        Cell::plain(row.commission_type),
        Cell::plain(row.order_id.map(|o| o.to_string()).unwrap_or_default()),
        Cell::text(customer),
        Cell::amount(row.amount_cents),
        Cell::plain(&state.settings.currency),
        Cell::plain(row.status),
        Cell::plain(if row.held { "yes" } else { "no" }),
        Cell::text(row.note),
    ]
}

fn commissions_csv(state: AppState, filter: CommissionFilter, admin: bool) -> Response {
    attachment(
        "commissions.csv",
        COMMISSION_COLUMNS,
        move |sink| async move {
            let mut query = commission_rows::export_query(&filter);
            let rows = query.build_query_as::<CommissionRow>().fetch(&state.db);
            drain(sink, rows, |row| commission_cells(&state, row, admin)).await
        },
    )
}

const PAYOUT_COLUMNS: &[&str] = &[
    "id",
    "prepared_at",
    "partner_id",
    "partner",
    "type",
    "amount",
    "currency",
    "status",
    "lines",
    "transfer_id",
    "sent_at",
    "reason",
];

fn payout_cells(state: &AppState, row: PayoutRow, admin: bool) -> Vec<Cell> {
    let reason = payout_views::shown_reason(&row, admin);
    vec![
        Cell::plain(row.id),
        when(state, row.created_at),
        Cell::plain(row.partner_id),
        Cell::text(row.business_name),
        Cell::plain(row.payout_type),
        Cell::amount(row.amount_cents),
        Cell::plain(row.currency),
        Cell::plain(row.status),
        Cell::plain(row.items),
        Cell::plain(if admin {
            row.transfer_id.unwrap_or_default()
        } else {
            String::new()
        }),
        row.completed_at
            .map_or_else(|| Cell::plain(""), |at| when(state, at)),
        Cell::text(reason),
    ]
}

fn payouts_csv(state: AppState, filter: PayoutFilter, admin: bool) -> Response {
    attachment("payouts.csv", PAYOUT_COLUMNS, move |sink| async move {
        let mut query = payout_rows::export_query(&filter);
        let rows = query.build_query_as::<PayoutRow>().fetch(&state.db);
        drain(sink, rows, |row| payout_cells(&state, row, admin)).await
    })
}

const LEDGER_COLUMNS: &[&str] = &[
    "date",
    "movement",
    "reference",
    "detail",
    "amount",
    "balance",
    "status",
];

async fn ledger_csv(state: AppState, partner_id: i64) -> Response {
    let Ok(Some(partner)) = partners::find(&state.db, partner_id).await else {
        return not_found();
    };
    let controls = partner.controls();
    let name = format!("ledger-partner-{partner_id}.csv");
    attachment(&name, LEDGER_COLUMNS, move |sink| async move {
        let now = Utc::now();
        let sql = ledger_rows::sql(false);
        let rows = sqlx::query_as::<_, Movement>(&sql)
            .bind(partner_id)
            .fetch(&state.db);
        drain(sink, rows, |m| {
            let entry = ledger::entry(&state, controls, m.clone(), now);
            vec![
                when(&state, m.at),
                Cell::plain(m.kind),
                Cell::plain(m.ref_id),
                Cell::text(entry.what),
                Cell::amount(m.amount_cents),
                Cell::amount(m.balance_cents),
                Cell::plain(entry.status.unwrap_or_default()),
            ]
        })
        .await
    })
}

const ACTIVITY_COLUMNS: &[&str] = &[
    "id",
    "at",
    "actor",
    "actor_id",
    "action",
    "subject",
    "partner_id",
    "partner",
    "before",
    "after",
    "request_id",
];

fn activity_cells(state: &AppState, row: AuditRow) -> Vec<Cell> {
    vec![
        Cell::plain(row.id),
        when(state, row.created_at),
        Cell::text(row.actor),
        Cell::plain(row.actor_id.map(|a| a.to_string()).unwrap_or_default()),
        Cell::plain(row.action),
        Cell::plain(format!("{} #{}", row.subject_type, row.subject_id)),
        Cell::plain(row.partner_id.map(|p| p.to_string()).unwrap_or_default()),
        Cell::text(row.business_name.unwrap_or_default()),
        Cell::text(row.before_value),
        Cell::text(row.after_value),
        Cell::text(row.request_id),
    ]
}

pub async fn admin_commissions(
    State(state): State<AppState>,
    auth: AuthSession,
    Query(params): Params,
) -> Response {
    if admin(&auth).is_none() {
        return not_found();
    }
    let filter = commissions::admin_filter(
        params.get("status").map(String::as_str),
        id_param(&params, "partner_id"),
    );
    commissions_csv(state, filter, true)
}

pub async fn admin_payouts(
    State(state): State<AppState>,
    auth: AuthSession,
    Query(params): Params,
) -> Response {
    if admin(&auth).is_none() {
        return not_found();
    }
    let filter = PayoutFilter {
        partner_id: id_param(&params, "partner_id"),
        status: params
            .get("status")
            .filter(|s| app::domain::payout::PayoutStatus::parse(s).is_some())
            .cloned(),
    };
    payouts_csv(state, filter, true)
}

pub async fn admin_ledger(
    State(state): State<AppState>,
    auth: AuthSession,
    Query(params): Params,
) -> Response {
    match (admin(&auth), id_param(&params, "partner_id")) {
        (Some(_), Some(partner_id)) => ledger_csv(state, partner_id).await,
        _ => not_found(),
    }
}

pub async fn admin_activity(
    State(state): State<AppState>,
    auth: AuthSession,
    Query(params): Params,
) -> Response {
    if admin(&auth).is_none() {
        return not_found();
    }
    let filter = activity::filter(
        params.get("action").cloned(),
        id_param(&params, "partner_id"),
        params.get("by").map(String::as_str),
    );
    attachment("activity.csv", ACTIVITY_COLUMNS, move |sink| async move {
        let mut query = audit_rows::export_query(&filter);
        let rows = query.build_query_as::<AuditRow>().fetch(&state.db);
        drain(sink, rows, |row| activity_cells(&state, row)).await
    })
}

pub async fn my_commissions(State(state): State<AppState>, auth: AuthSession) -> Response {
    let Some(partner_id) = partner(&auth) else {
        return not_found();
    };
    let filter = CommissionFilter {
        partner_id: Some(partner_id),
        status: None,
    };
    commissions_csv(state, filter, false)
}

pub async fn my_payouts(State(state): State<AppState>, auth: AuthSession) -> Response {
    let Some(partner_id) = partner(&auth) else {
        return not_found();
    };
    let filter = PayoutFilter {
        partner_id: Some(partner_id),
        status: None,
    };
    payouts_csv(state, filter, false)
}

pub async fn my_ledger(State(state): State<AppState>, auth: AuthSession) -> Response {
    match partner(&auth) {
        Some(partner_id) => ledger_csv(state, partner_id).await,
        None => not_found(),
    }
}
