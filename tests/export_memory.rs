//! A CSV export of 100,000 commissions streams in bounded memory and re-parses to the same rows.
//!
//! Its own test binary: it measures this process's heap (the server runs in it) with a counting
//! allocator, which other tests running alongside would disturb. The bound is far below what the
//! rows, or the CSV itself (about 9 MB), would take if either were held whole.

#[path = "api/csv_read.rs"]
mod csv_read;
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
// smtp.rs allows its own dead code (items only some binaries use).
#[path = "api/smtp.rs"]
mod smtp;

use helpers::{PASSWORD, TestApp};
use peak_alloc::PeakAlloc;
use std::io::Write as _;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const ROWS: i64 = 100_000;
/// What the download may add to the heap at its peak.
const BOUND_MB: f32 = 8.0;

#[tokio::test(flavor = "multi_thread")]
async fn a_csv_of_100k_commissions_streams_in_bounded_memory_and_reparses_to_the_same_rows() {
    let app = TestApp::spawn().await;
    let earned = chrono::Utc::now() - chrono::Duration::days(3);
    sqlx::query(
        "INSERT INTO users (email, password_hash, first_name, last_name, created_at, updated_at)
         VALUES ('bulk@example.com', 'x', 'Bea', 'Bulk', $1, $1)",
    )
    .bind(earned)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO partners (user_id, partner_type, status, business_name, created_at, updated_at)
         SELECT id, 'non_delivery', 'active', 'Bulk, \"Blooms\" & Co', $1, $1 FROM users",
    )
    .bind(earned)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS} - 1)
         INSERT INTO commissions (partner_id, commission_type, amount_cents, status, note, created_at, updated_at)
         SELECT (SELECT MIN(id) FROM partners), 'fulfillment', 100 + i % 997,
                CASE WHEN i % 3 = 0 THEN 'rejected' ELSE 'pending' END,
                CASE WHEN i % 3 = 0 THEN 'Declined, \"twice\"' ELSE '' END, $1, $1 FROM n"
    ))
    .bind(earned)
    .execute(&app.pool)
    .await
    .unwrap();
    app.make_admin("admin@example.com").await;
    app.log_in("admin@example.com", PASSWORD).await;

    let file = tempfile::NamedTempFile::new().unwrap();
    let mut out = std::io::BufWriter::new(file.reopen().unwrap());
    let before = HEAP.current_usage_as_mb();
    HEAP.reset_peak_usage();
    let mut response = app.get("/admin/exports/commissions.csv?status=all").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.content_length().is_none(),
        "streamed, not sized up front"
    );
    let mut bytes = 0;
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        bytes += chunk.len();
        chunks += 1;
        out.write_all(&chunk).unwrap();
    }
    out.flush().unwrap();
    let added = HEAP.peak_usage_as_mb() - before;
    println!("{ROWS} commissions: {bytes} bytes in {chunks} chunks; heap peak +{added:.1} MB");
    assert!(bytes > 8_000_000, "{bytes} bytes");
    assert!(
        added < BOUND_MB,
        "the export added {added:.1} MB to the heap (bound {BOUND_MB} MB)"
    );

    // Re-parsed, it is the database's rows.
    let text = std::fs::read_to_string(file.path()).unwrap();
    let mut records = csv_read::parse_csv(&text).into_iter();
    assert_eq!(records.next().unwrap()[0], "id");
    let db: Vec<(i64, i64, String, String)> =
        sqlx::query_as("SELECT id, amount_cents, status, note FROM commissions ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let mut n = 0;
    for (record, (id, cents, status, note)) in records.zip(&db) {
        assert_eq!(record[0], id.to_string());
        assert_eq!(record[3], "Bulk, \"Blooms\" & Co");
        assert_eq!(record[7], format!("{}.{:02}", cents / 100, cents % 100));
        assert_eq!(&record[9], status);
        assert_eq!(&record[11], note);
        n += 1;
    }
    assert_eq!(n, ROWS);
}
