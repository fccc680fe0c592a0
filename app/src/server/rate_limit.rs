//! Rate limits kept in memory, per server instance (keyed GCRA buckets from `governor`).
//!
//! Invariants: keys are bounded in size (an IP address, or a normalised email cut to 254
//! characters, or a user id), and idle keys are forgotten by the maintenance pass, so memory stays
//! bounded however many distinct keys an attacker sends; checking a key never scans the map.
//! Behind a load balancer each instance counts on its own, so the effective limit is
//! `instances × limit`; that still stops guessing at scale, which is what these are for.

use crate::dto::AppError;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::time::Duration;

/// At most `burst` attempts at once per key, refilled evenly over `window`.
pub struct RateLimiter {
    /// `None` allows everything (limits turned off for load testing, see [`RateLimits::off`]).
    inner: Option<DefaultKeyedRateLimiter<String>>,
}

/// The longest key kept (an email address is at most 254 characters).
const MAX_KEY_CHARS: usize = 254;

impl RateLimiter {
    pub fn new(burst: u32, window: Duration) -> Self {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = (window / burst.get()).max(Duration::from_millis(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            inner: Some(DefaultKeyedRateLimiter::keyed(quota)),
        }
    }

    /// A limiter that allows every attempt.
    pub fn unlimited() -> Self {
        Self { inner: None }
    }

    /// Counts one attempt for `key`; refuses while the key's bucket is empty.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let key: String = key.chars().take(MAX_KEY_CHARS).collect();
        inner.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    /// Forgets keys whose bucket is full again (they would behave as new keys anyway).
    pub fn forget_idle(&self) {
        if let Some(inner) = &self.inner {
            inner.retain_recent();
            inner.shrink_to_fit();
        }
    }

    /// How many keys are remembered (for tests and the maintenance log).
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |inner| inner.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The limits the app enforces (DESIGN §6).
pub struct RateLimits {
    /// Log-in attempts per client address, across every email tried from it.
    pub login_per_ip: RateLimiter,
    /// Log-in attempts per account (normalised email), across every address trying it.
    pub login_per_account: RateLimiter,
    /// Sign-ups and partner registrations per client address.
    pub signup: RateLimiter,
    /// Discount-code checks and applications per signed-in user (codes are short and name a
    /// partner's business, so they must not be enumerable).
    pub code_per_user: RateLimiter,
    /// Discount-code checks and applications per client address.
    pub code_per_ip: RateLimiter,
    /// "Forgot password" requests per address, and per email (so nobody floods one inbox).
    pub reset_per_ip: RateLimiter,
    pub reset_per_email: RateLimiter,
    /// Reset-link pages and their form, per address (tokens are unguessable; this stops scanning).
    pub token_pages: RateLimiter,
    /// Delivery-request pages and answers, per address (a shop's florists may share one address).
    pub delivery_pages: RateLimiter,
}

impl RateLimits {
    /// No limits at all: only for load tests against a throwaway database (`RATE_LIMITS=off`),
    /// where thousands of code checks a second from one address are the point.
    pub fn off() -> Self {
        Self {
            login_per_ip: RateLimiter::unlimited(),
            login_per_account: RateLimiter::unlimited(),
            signup: RateLimiter::unlimited(),
            code_per_user: RateLimiter::unlimited(),
            code_per_ip: RateLimiter::unlimited(),
            reset_per_ip: RateLimiter::unlimited(),
            reset_per_email: RateLimiter::unlimited(),
            token_pages: RateLimiter::unlimited(),
            delivery_pages: RateLimiter::unlimited(),
        }
    }

    /// Forgets idle keys in every limiter (called by the maintenance pass).
    pub fn forget_idle(&self) {
        for limiter in [
            &self.login_per_ip,
            &self.login_per_account,
            &self.signup,
            &self.code_per_user,
            &self.code_per_ip,
            &self.reset_per_ip,
            &self.reset_per_email,
            &self.token_pages,
            &self.delivery_pages,
        ] {
            limiter.forget_idle();
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            login_per_ip: RateLimiter::new(30, minutes(15)),
            login_per_account: RateLimiter::new(10, minutes(15)),
            signup: RateLimiter::new(20, minutes(60)),
            code_per_user: RateLimiter::new(15, minutes(15)),
            code_per_ip: RateLimiter::new(40, minutes(15)),
            reset_per_ip: RateLimiter::new(10, minutes(15)),
            reset_per_email: RateLimiter::new(3, minutes(15)),
            token_pages: RateLimiter::new(30, minutes(15)),
            delivery_pages: RateLimiter::new(120, minutes(15)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_burst_and_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        match limiter.check("a") {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limiter.check("b").is_ok());
    }

    #[test]
    fn unlimited_allows_everything() {
        let limiter = RateLimiter::unlimited();
        for _ in 0..1_000 {
            assert!(limiter.check("a").is_ok());
        }
        assert!(limiter.is_empty());
    }

    #[test]
    fn long_keys_are_cut_and_idle_keys_forgotten() {
        let limiter = RateLimiter::new(1, Duration::from_millis(2));
        let long = "x".repeat(10_000);
        assert!(limiter.check(&long).is_ok());
        // The same first 254 characters are the same key.
        assert!(limiter.check(&format!("{long}y")).is_err());
        for i in 0..1_000 {
            let _ = limiter.check(&format!("k{i}"));
        }
        assert_eq!(limiter.len(), 1_001);
        std::thread::sleep(Duration::from_millis(20));
        limiter.forget_idle();
        assert!(limiter.is_empty(), "{} keys kept", limiter.len());
    }
}
