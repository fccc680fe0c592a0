//! Configuration from the environment (and an optional `.env` file).
//!
//! Invariants: a missing or malformed setting stops start-up with one line naming the variable and
//! what it should look like; secrets are wrapped in [`Secret`] and never appear in `Debug` output.

use std::fmt;
use std::net::SocketAddr;

/// A value that must not be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone)]
pub struct StripeKeys {
    pub secret_key: Secret,
    pub publishable_key: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    pub listen_addr: SocketAddr,
    /// Public base URL, no trailing slash.
    pub site_url: String,
    pub business_tz: chrono_tz::Tz,
    pub currency: String,
    /// Where the built site (`pkg/` with the wasm, js and css) lives.
    pub site_root: String,
    /// Trust `X-Forwarded-For` for the client address (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Rate limits on log-in, sign-up and discount codes. Only `RATE_LIMITS=off`, set explicitly,
    /// turns them off: for load tests on a throwaway database (`scripts/load.sh`), never production.
    pub rate_limits: bool,
    /// `None` runs the offline payment simulator.
    pub stripe: Option<StripeKeys>,
    pub stripe_api_base: Option<String>,
    /// Longest wait for one Stripe API call before the customer is told to try again.
    pub stripe_timeout: std::time::Duration,
    /// How often the in-process maintenance pass runs (expired sessions, unconfirmed cancellations).
    pub maintenance_interval: std::time::Duration,
    /// How long a session read from the database is reused by this process (`0` = never): a
    /// log-out or password change on *another* server sharing the database shows within this time.
    pub session_cache_ttl: std::time::Duration,
    /// `None` with the simulator: a random secret is made at start-up.
    pub webhook_secret: Option<Secret>,
    pub order_rules: app::domain::order::OrderRules,
    /// `None` writes mail as `.eml` files under `mail_dir`.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub mail_dir: String,
    /// Delivery photos florists upload (`PHOTO_DIR`, default `data/photos`).
    pub photo_dir: String,
    /// SMTP connections kept open; each carries one mail at a time.
    pub smtp_connections: u32,
    /// How often the mail sender looks for due mail (retries, and mail queued by other instances);
    /// mail queued by this instance is sent at once.
    pub mail_poll_interval: std::time::Duration,
    /// How often each server runs the delivery-notifications job (`DELIVERY_JOB_MINUTES`, default 60).
    pub delivery_job_interval: std::time::Duration,
    /// Verifies `Stripe-Signature` on `/stripe/connect-webhook` (Connect events have their own
    /// endpoint secret). `None`: random at start-up, so only the simulator's events verify.
    pub connect_webhook_secret: Option<Secret>,
    /// How often each server looks at the payout schedule (`PAYOUT_JOB_MINUTES`, default 60):
    /// due runs (fulfillment weekly, commissions monthly) and unsettled payouts.
    pub payout_job_interval: std::time::Duration,
    /// The first wait between attempts at one transfer (`PAYOUT_RETRY_MS`, default 500; doubled
    /// per attempt).
    pub payout_retry_base: std::time::Duration,
}

/// A setting that is missing or malformed.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {} {}", self.name, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn bad(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        problem: problem.into(),
    }
}

/// The variable `name` as a number of seconds within `range`, or `default` when it is unset.
fn seconds(
    var: impl Fn(&str) -> Option<String>,
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<std::time::Duration, ConfigError> {
    let Some(v) = var(name) else {
        return Ok(std::time::Duration::from_secs(default));
    };
    v.parse::<u64>()
        .ok()
        .filter(|s| range.contains(s))
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| {
            bad(
                name,
                format!(
                    "{v:?} is not a number of seconds from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// The default database: a SQLite file under `data/` in the working directory.
pub const DEFAULT_SQLITE_URL: &str = "sqlite://data/futureflower.db";

impl Config {
    /// The mail transport this configuration names (see `adapters::mail`).
    pub fn mailer(&self) -> anyhow::Result<std::sync::Arc<dyn app::server::ports::Mailer>> {
        crate::adapters::mail::mailer(
            self.smtp_url.as_ref().map(Secret::expose),
            self.smtp_connections,
            &self.mail_from,
            &self.mail_dir,
        )
    }

    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A malformed .env line is reported rather than silently ignored.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(bad(".env", format!("could not be read: {e}"))),
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let database_url = match var("DATABASE_URL") {
            Some(url) => url,
            None if cfg!(feature = "sqlite") => DEFAULT_SQLITE_URL.to_owned(),
            None => {
                return Err(bad(
                    "DATABASE_URL",
                    "is required for the PostgreSQL build, e.g. postgres://user@127.0.0.1:5432/futureflower",
                ));
            }
        };
        let expected_scheme = if cfg!(feature = "sqlite") {
            "sqlite:"
        } else {
            "postgres"
        };
        if !database_url.starts_with(expected_scheme) {
            return Err(bad(
                "DATABASE_URL",
                format!(
                    "must start with `{expected_scheme}` for this build (it was built with the {} backend)",
                    app::server::db::BACKEND
                ),
            ));
        }

        let listen_addr: SocketAddr = match var("LISTEN_ADDR") {
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "LISTEN_ADDR",
                    format!("{v:?} is not an address like 127.0.0.1:3000"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };

        let site_url = match var("SITE_URL") {
            Some(v) => {
                let parsed = url::Url::parse(&v).map_err(|_| {
                    bad(
                        "SITE_URL",
                        format!("{v:?} is not a URL like https://partners.example.com"),
                    )
                })?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                    return Err(bad(
                        "SITE_URL",
                        format!("{v:?} must be an http(s) URL with a host"),
                    ));
                }
                v.trim_end_matches('/').to_owned()
            }
            None => format!("http://{listen_addr}"),
        };

        let business_tz = match var("BUSINESS_TIME_ZONE") {
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "BUSINESS_TIME_ZONE",
                    format!("{v:?} is not an IANA time zone like Australia/Sydney"),
                )
            })?,
            None => chrono_tz::UTC,
        };

        let currency = match var("CURRENCY") {
            Some(v) if v.len() == 3 && v.chars().all(|c| c.is_ascii_alphabetic()) => {
                v.to_ascii_uppercase()
            }
            Some(v) => {
                return Err(bad(
                    "CURRENCY",
                    format!("{v:?} is not a three-letter ISO 4217 code like USD"),
                ));
            }
            None => "USD".to_owned(),
        };

        let stripe = match (var("STRIPE_SECRET_KEY"), var("STRIPE_PUBLISHABLE_KEY")) {
            (None, None) => None,
            (Some(secret), Some(publishable)) => {
                if !(secret.starts_with("sk_") || secret.starts_with("rk_")) {
                    return Err(bad(
                        "STRIPE_SECRET_KEY",
                        "must start with sk_ (or rk_ for a restricted key)",
                    ));
                }
                if !publishable.starts_with("pk_") {
                    return Err(bad("STRIPE_PUBLISHABLE_KEY", "must start with pk_"));
                }
                Some(StripeKeys {
                    secret_key: Secret(secret),
                    publishable_key: publishable,
                })
            }
            (Some(_), None) => {
                return Err(bad(
                    "STRIPE_PUBLISHABLE_KEY",
                    "is required when STRIPE_SECRET_KEY is set",
                ));
            }
            (None, Some(_)) => {
                return Err(bad(
                    "STRIPE_SECRET_KEY",
                    "is required when STRIPE_PUBLISHABLE_KEY is set",
                ));
            }
        };

        let webhook_secret = match var("STRIPE_WEBHOOK_SECRET") {
            Some(w) if w.starts_with("whsec_") => Some(Secret(w)),
            Some(_) => return Err(bad("STRIPE_WEBHOOK_SECRET", "must start with whsec_")),
            None if stripe.is_some() => {
                return Err(bad(
                    "STRIPE_WEBHOOK_SECRET",
                    "is required with Stripe keys (Dashboard → Developers → Webhooks → signing secret)",
                ));
            }
            None => None,
        };

        let defaults = app::domain::order::OrderRules::default();
        let amount = |name: &'static str, default: app::domain::money::Cents| match var(name) {
            Some(v) => {
                app::domain::money::parse_amount(&v).map_err(|e| bad(name, format!("{v:?}: {e}")))
            }
            None => Ok(default),
        };
        let order_rules = app::domain::order::OrderRules {
            min_budget: amount("ORDER_MIN_BUDGET", defaults.min_budget)?,
            max_budget: amount("ORDER_MAX_BUDGET", defaults.max_budget)?,
            lead_days: match var("ORDER_LEAD_DAYS") {
                Some(v) => v.parse().ok().filter(|d| *d <= 60).ok_or_else(|| {
                    bad(
                        "ORDER_LEAD_DAYS",
                        format!("{v:?} is not a number of days from 0 to 60"),
                    )
                })?,
                None => defaults.lead_days,
            },
            max_years: defaults.max_years,
        };
        if order_rules.min_budget.0 < 50 || order_rules.min_budget > order_rules.max_budget {
            return Err(bad(
                "ORDER_MIN_BUDGET",
                "must be at least 0.50 and not above ORDER_MAX_BUDGET",
            ));
        }

        let stripe_api_base = match var("STRIPE_API_BASE") {
            Some(v) => {
                url::Url::parse(&v)
                    .map_err(|_| bad("STRIPE_API_BASE", format!("{v:?} is not a URL")))?;
                Some(v)
            }
            None => None,
        };

        let stripe_timeout = seconds(var, "STRIPE_TIMEOUT_SECS", 1..=120, 20)?;
        let maintenance_interval = seconds(var, "MAINTENANCE_INTERVAL_SECS", 1..=86_400, 300)?;
        let session_cache_ttl = seconds(var, "SESSION_CACHE_SECONDS", 0..=3_600, 30)?;

        let smtp_url = match var("SMTP_URL") {
            Some(v)
                if (v.starts_with("smtp://") || v.starts_with("smtps://"))
                    && url::Url::parse(&v).is_ok_and(|u| u.host_str().is_some()) =>
            {
                Some(Secret(v))
            }
            Some(_) => {
                return Err(bad(
                    "SMTP_URL",
                    "must look like smtp://user:password@host:587 or smtps://host:465",
                ));
            }
            None => None,
        };

        let mail_from = var("MAIL_FROM")
            .unwrap_or_else(|| "FutureFlower <no-reply@futureflower.localhost>".to_owned());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "MAIL_FROM",
                format!("{mail_from:?} must look like FutureFlower <partners@example.com>"),
            ));
        }
        let mail_poll_interval = seconds(var, "MAIL_POLL_SECS", 1..=3_600, 10)?;
        let delivery_job_interval = seconds(var, "DELIVERY_JOB_MINUTES", 1..=1_440, 60)? * 60;
        let payout_job_interval = seconds(var, "PAYOUT_JOB_MINUTES", 1..=1_440, 60)? * 60;
        let payout_retry_base = match var("PAYOUT_RETRY_MS") {
            None => std::time::Duration::from_millis(500),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|ms| (1..=60_000).contains(ms))
                .map(std::time::Duration::from_millis)
                .ok_or_else(|| {
                    bad(
                        "PAYOUT_RETRY_MS",
                        format!("{v:?} is not a number of milliseconds from 1 to 60000"),
                    )
                })?,
        };
        let connect_webhook_secret = match var("STRIPE_CONNECT_WEBHOOK_SECRET") {
            Some(w) if w.starts_with("whsec_") => Some(Secret(w)),
            Some(_) => {
                return Err(bad(
                    "STRIPE_CONNECT_WEBHOOK_SECRET",
                    "must start with whsec_",
                ));
            }
            None => None,
        };
        let smtp_connections = match var("SMTP_CONNECTIONS") {
            None => 8,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| {
                    bad(
                        "SMTP_CONNECTIONS",
                        format!("{v:?} is not a number from 1 to 64"),
                    )
                })?,
        };

        let trust_proxy = match var("TRUST_PROXY").as_deref() {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(v) => return Err(bad("TRUST_PROXY", format!("{v:?} must be true or false"))),
        };

        let rate_limits = match var("RATE_LIMITS").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(v) => {
                return Err(bad(
                    "RATE_LIMITS",
                    format!("{v:?} must be on or off (off is for load tests only)"),
                ));
            }
        };

        Ok(Self {
            database_url: Secret(database_url),
            listen_addr,
            site_url,
            business_tz,
            currency,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            trust_proxy,
            rate_limits,
            stripe,
            stripe_api_base,
            stripe_timeout,
            maintenance_interval,
            session_cache_ttl,
            webhook_secret,
            order_rules,
            smtp_url,
            mail_from,
            mail_poll_interval,
            delivery_job_interval,
            connect_webhook_secret,
            payout_job_interval,
            payout_retry_base,
            smtp_connections,
            mail_dir: var("MAIL_DIR").unwrap_or_else(|| "data/mail".to_owned()),
            photo_dir: var("PHOTO_DIR").unwrap_or_else(|| "data/photos".to_owned()),
        })
    }

    /// True when the site is served over https, so cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.site_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let map = if cfg!(feature = "postgres") && !map.contains_key("DATABASE_URL") {
            let mut m = map;
            m.insert("DATABASE_URL".into(), "postgres://localhost/x".into());
            m
        } else {
            map
        };
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_nothing() {
        let c = config(&[]).unwrap();
        assert_eq!(c.site_url, "http://127.0.0.1:3000");
        assert_eq!(c.currency, "USD");
        assert_eq!(c.business_tz, chrono_tz::UTC);
        assert!(c.stripe.is_none() && c.smtp_url.is_none());
        assert!(
            c.rate_limits,
            "rate limits are on unless turned off explicitly"
        );
        assert!(!config(&[("RATE_LIMITS", "off")]).unwrap().rate_limits);
        assert_eq!(c.session_cache_ttl, std::time::Duration::from_secs(30));
        assert!(
            config(&[("SESSION_CACHE_SECONDS", "0")])
                .unwrap()
                .session_cache_ttl
                .is_zero()
        );
    }

    #[test]
    fn malformed_settings_name_the_variable() {
        for (name, value) in [
            ("BUSINESS_TIME_ZONE", "Mars/Olympus"),
            ("CURRENCY", "dollars"),
            ("LISTEN_ADDR", "localhost"),
            ("SITE_URL", "not a url"),
            ("SMTP_URL", "mail.example.com"),
            ("SMTP_URL", "smtp://"),
            ("MAIL_FROM", "FutureFlower"),
            ("MAIL_POLL_SECS", "0"),
            ("SMTP_CONNECTIONS", "0"),
            ("TRUST_PROXY", "maybe"),
            ("RATE_LIMITS", "false"),
            ("SESSION_CACHE_SECONDS", "7200"),
            ("MAINTENANCE_INTERVAL_SECS", "0"),
            ("DATABASE_URL", "mysql://x"),
            ("ORDER_MIN_BUDGET", "cheap"),
            ("ORDER_LEAD_DAYS", "-1"),
            ("STRIPE_WEBHOOK_SECRET", "secret"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert_eq!(err.name, name, "{err}");
            assert!(err.to_string().starts_with("configuration error: "));
        }
    }

    #[test]
    fn stripe_keys_come_in_pairs() {
        assert_eq!(
            config(&[("STRIPE_SECRET_KEY", "sk_test_1")])
                .unwrap_err()
                .name,
            "STRIPE_PUBLISHABLE_KEY"
        );
        let pair = [
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_test_1"),
        ];
        assert_eq!(config(&pair).unwrap_err().name, "STRIPE_WEBHOOK_SECRET");
        let c = config(&[pair[0], pair[1], ("STRIPE_WEBHOOK_SECRET", "whsec_1")]).unwrap();
        assert!(
            !format!("{c:?}").contains("sk_test_1"),
            "secrets must not be Debug-printed"
        );
    }

    #[test]
    fn site_url_loses_trailing_slash_and_decides_cookie_security() {
        let c = config(&[("SITE_URL", "https://partners.example.com/")]).unwrap();
        assert_eq!(c.site_url, "https://partners.example.com");
        assert!(c.is_https());
    }
}
