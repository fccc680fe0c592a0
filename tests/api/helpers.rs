//! `TestApp`: spawns the real app on a fresh database and a random port.

use crate::smtp::SmtpServer;
use futureflower::config::Config;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, ORIGIN, REFERER};
use reqwest::{Client, Response, StatusCode, redirect};
use std::collections::HashMap;

/// A fresh, empty database that disappears with the test.
pub struct TestDb {
    pub url: String,
    #[cfg(feature = "sqlite")]
    _dir: tempfile::TempDir,
    #[cfg(feature = "postgres")]
    admin_url: String,
    #[cfg(feature = "postgres")]
    name: String,
}

impl TestDb {
    #[cfg(feature = "sqlite")]
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        Self { url, _dir: dir }
    }

    /// PostgreSQL is never skipped: if it is not reachable the test fails and says how to fix it.
    #[cfg(feature = "postgres")]
    pub async fn new() -> Self {
        use sqlx::Connection as _;
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("ff_test_{}", uuid_like());
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {admin_url} is not reachable ({e}). Start it, or point TEST_DATABASE_URL at one.")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Self {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        }
    }
}

#[cfg(feature = "postgres")]
impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async; a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                use sqlx::Connection as _;
                let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

#[cfg(feature = "postgres")]
fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}_{nanos}_{}", std::process::id(), rand_u32())
}

#[cfg(feature = "postgres")]
fn rand_u32() -> u32 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish() as u32
}

/// The server's own runtime, stopped when the test ends.
pub struct Server {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// Held for its `Drop` (stops the server). Declared before `db`, so it stops first.
    pub _server: std::sync::Arc<Server>,
    pub db: TestDb,
    pub pool: app::server::db::Pool,
    /// A browser with a cookie jar that does not follow redirects (tests look at them).
    pub client: Client,
    /// The SMTP server the app's mail goes to (`SMTP_URL`).
    pub smtp: SmtpServer,
    /// The server's configuration, for running its jobs from the test (at a time the test sets).
    pub config: Config,
}

pub const PASSWORD: &str = "correct horse battery";
pub const WEBHOOK_SECRET: &str = "whsec_test_integration";

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Spawns with extra settings (e.g. Stripe keys and `STRIPE_API_BASE` for the fake Stripe).
    pub async fn spawn_with(settings: &[(&str, &str)]) -> Self {
        Self::start(settings, true).await
    }

    /// Spawns without the server's mail sender, for tests that drive the outbox themselves.
    pub async fn spawn_without_mail_sender() -> Self {
        Self::start(&[], false).await
    }

    /// Both: extra settings, and no mail sender (benches that time one job alone).
    #[allow(dead_code)] // Only the benches (which include this file) call it.
    pub async fn spawn_with_without_mail_sender(settings: &[(&str, &str)]) -> Self {
        Self::start(settings, false).await
    }

    async fn start(settings: &[(&str, &str)], mail_sender: bool) -> Self {
        let _ = tracing_init();
        let db = TestDb::new().await;
        let smtp = SmtpServer::start().await;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let vars: HashMap<&str, String> = HashMap::from([
            ("DATABASE_URL", db.url.clone()),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
            ("ORDER_LEAD_DAYS", "2".to_owned()),
            ("SITE_URL", address.clone()),
            ("SMTP_URL", smtp.url.clone()),
            // Mail queued by jobs the test runs reaches the server's sender within a second.
            ("MAIL_POLL_SECS", "1".to_owned()),
            (
                "MAIL_DIR",
                std::env::temp_dir()
                    .join("ff-test-mail")
                    .display()
                    .to_string(),
            ),
        ]);
        let mut vars = vars;
        for (key, value) in settings {
            vars.insert(key, (*value).to_owned());
        }
        let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test config");
        let server_config = config.clone();
        // The server runs as in production: on its own multi-threaded runtime and thread, reached
        // only over TCP; the test's runtime just plays the browser.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let config = server_config;
                let state = match futureflower::http::build_state(&config).await {
                    Ok(state) => state,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("{e:#}")));
                        return;
                    }
                };
                // As `futureflower serve` does.
                let _maintenance = futureflower::http::spawn_maintenance(
                    state.clone(),
                    config.maintenance_interval,
                );
                let _mail = mail_sender.then(|| {
                    futureflower::http::spawn_mail_sender(&state, &config).expect("mailer")
                });
                let router = futureflower::http::router(state, &config);
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = ready_tx.send(Ok(()));
                let _ = futureflower::http::serve(listener, router, async {
                    let _ = stop_rx.await;
                })
                .await;
            });
        });
        ready_rx.recv().expect("server thread").expect("app state");
        // The test's own connections, on the test's runtime.
        let pool = app::server::db::connect(&db.url).await.expect("test pool");
        Self {
            address,
            _server: std::sync::Arc::new(Server {
                stop: Some(stop_tx),
            }),
            db,
            pool,
            client: browser(),
            smtp,
            config,
        }
    }

    /// Runs the delivery-notifications job once, as `futureflower jobs delivery-notifications
    /// --now <now>` does (its mail goes out through the server's sender).
    pub async fn delivery_job(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> app::server::services::delivery_job::Summary {
        use app::server::services::delivery_job::{Run, run};
        let state = futureflower::http::state_with_pool(&self.config, self.pool.clone());
        match run(&state, now, |_, _| {}).await.expect("delivery job") {
            Run::Done(summary) => summary,
            Run::Busy => panic!("the delivery job's lease was held"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET, following redirects within the site, and return the final path and HTML.
    pub async fn page(&self, path: &str) -> (String, String) {
        let mut path = path.to_owned();
        for _ in 0..5 {
            let response = self.get(&path).await;
            if response.status().is_redirection() {
                path = location_path(&response);
                continue;
            }
            // `<!>` are hydration markers between text nodes; a reader does not see them.
            return (path, response.text().await.unwrap().replace("<!>", ""));
        }
        panic!("too many redirects from {path}");
    }

    /// Submits a form the way a browser without JavaScript does: from `page`, same origin.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(action))
            .header(ORIGIN, &self.address)
            .header(REFERER, self.url(page))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_up(&self, email: &str, first_name: &str) -> Response {
        self.submit(
            "/signup",
            "/api/account/signup",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("first_name", first_name),
                ("last_name", "Tester"),
                ("next", ""),
            ],
        )
        .await
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Response {
        self.log_in_from("/login", email, password, "").await
    }

    /// Logs in from the log-in page at `page`, whose form carries `next`.
    pub async fn log_in_from(
        &self,
        page: &str,
        email: &str,
        password: &str,
        next: &str,
    ) -> Response {
        self.submit(
            page,
            "/api/account/login",
            &[("email", email), ("password", password), ("next", next)],
        )
        .await
    }

    pub async fn log_out(&self) -> Response {
        self.submit("/account", "/api/account/logout", &[]).await
    }

    /// Follows a form's redirect and returns the page the browser lands on.
    pub async fn follow(&self, response: Response) -> (String, String) {
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "a form post answers with a redirect"
        );
        let path = location_path(&response);
        if std::env::var("TEST_LOG").is_ok() {
            eprintln!("redirected to {path}");
        }
        self.page(&path).await
    }

    /// Posts a Stripe event to the webhook, signed now with the test secret (or with `header`).
    pub async fn webhook(&self, body: &str, header: Option<String>) -> Response {
        let header = header.unwrap_or_else(|| {
            app::server::stripe::signature::sign(
                body.as_bytes(),
                WEBHOOK_SECRET,
                chrono::Utc::now().timestamp(),
            )
        });
        self.client
            .post(self.url("/stripe/webhook"))
            .header("stripe-signature", header)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("webhook POST")
    }

    /// Places an order through the no-JS form and returns its id (from the checkout redirect).
    pub async fn place_order(&self, fields: &[(&str, &str)]) -> i64 {
        let date = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("kind", "single_delivery"),
            ("budget", "75.35"),
            ("frequency", "monthly"),
            ("years", "1"),
            ("first_delivery_date", &date),
            ("recipient_name", "Grace Lee"),
            ("street_address", "12 Rose Lane"),
            ("suburb", "Newtown"),
            ("city", "Sydney"),
            ("state", "NSW"),
            ("postcode", "2042"),
            ("country", "AU"),
            ("delivery_notes", ""),
            ("message", "Happy birthday"),
        ];
        for (key, value) in fields {
            match form.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => form.push((key, value)),
            }
        }
        let response = self.submit("/order", "/api/orders/create", &form).await;
        let path = location_path(&response);
        path.strip_prefix("/checkout/")
            .and_then(|rest| rest.split('?').next()?.parse().ok())
            .unwrap_or_else(|| panic!("no checkout redirect: {path}"))
    }

    pub async fn pay(&self, order_id: i64) -> Response {
        self.submit(
            &format!("/checkout/{order_id}"),
            "/api/orders/pay",
            &[("order_id", &order_id.to_string())],
        )
        .await
    }

    /// How many deliveries (events) the order has, in any status.
    /// Records an open (pending) PaymentIntent `intent` for `amount_cents` on the order, as checkout
    /// with real Stripe leaves it before the customer confirms the card.
    pub async fn open_intent(&self, order_id: i64, intent: &str, amount_cents: i64) {
        let user = self
            .scalar(&format!("SELECT user_id FROM orders WHERE id = {order_id}"))
            .await;
        let pending = app::server::db::payments::NewPayment {
            user_id: user,
            order_id,
            intent_id: Some(intent),
            invoice_id: None,
            amount_cents,
            currency: "USD",
            status: "pending",
            review: None,
        };
        let mut conn = self.pool.acquire().await.unwrap();
        app::server::db::payments::insert(&mut conn, &pending, chrono::Utc::now())
            .await
            .unwrap();
    }

    pub async fn delivery_count(&self, order_id: i64) -> i64 {
        self.scalar(&format!(
            "SELECT COUNT(*) FROM events WHERE order_id = {order_id}"
        ))
        .await
    }

    /// How many of the order's payments succeeded.
    pub async fn paid_count(&self, order_id: i64) -> i64 {
        self.scalar(&format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {order_id} AND status = 'succeeded'"
        ))
        .await
    }

    /// The order's delivery dates, earliest first.
    pub async fn delivery_dates(&self, order_id: i64) -> Vec<chrono::NaiveDate> {
        sqlx::query_scalar(
            "SELECT delivery_date FROM events WHERE order_id = $1 ORDER BY delivery_date",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    pub async fn scalar_text(&self, sql: &str) -> String {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    pub async fn user_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn make_admin(&self, email: &str) {
        app::server::services::accounts::create_admin(&self.pool, email, PASSWORD, "Ada", "Admin")
            .await
            .expect("create admin");
    }
}

/// The text inside the element carrying `data-testid="{id}"` (first match; empty when absent).
pub fn testid_text(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\"");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(text, _)| text.to_owned())
        .unwrap_or_default()
}

/// The text inside every element carrying `data-testid="{id}"`, in page order.
pub fn testid_texts(html: &str, id: &str) -> Vec<String> {
    let marker = format!("data-testid=\"{id}\"");
    html.split(&marker)
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .filter_map(|(_, rest)| rest.split_once('<'))
        .map(|(text, _)| text.to_owned())
        .collect()
}

/// A client with its own cookie jar that asks for HTML like a browser and does not follow redirects.
pub fn browser() -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        ACCEPT,
        reqwest::header::HeaderValue::from_static("text/html,application/xhtml+xml"),
    );
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The path (and query) of a redirect's `Location`, whether absolute or relative.
pub fn location_path(response: &Response) -> String {
    let location = response
        .headers()
        .get(LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap();
    match url::Url::parse(location) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => location.to_owned(),
    }
}

/// The session cookie a response sets, if any (`Some("")` when it clears it).
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("ff_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

fn tracing_init() -> Result<(), ()> {
    if std::env::var("TEST_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter("info")
            .try_init()
            .map_err(|_| ())
    } else {
        Ok(())
    }
}

/// A Stripe event envelope around `object`, as Stripe posts it to the webhook.
pub fn event(id: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({ "id": id, "object": "event", "type": kind, "created": 1_790_000_000, "data": { "object": object } })
        .to_string()
}
