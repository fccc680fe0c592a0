//! Fixed-window rate limits kept in memory, per server instance.
//!
//! Behind a load balancer each instance counts on its own, so the effective limit is `instances ×
//! limit`; that still stops password guessing at scale, which is what these are for.

use crate::api::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt for `key`; refuses once `limit` attempts fall within the current window.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let retry_after = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(AppError::RateLimited {
                retry_after_secs: retry_after.as_secs().max(1),
            });
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The limits the app enforces (DESIGN §6).
pub struct RateLimits {
    /// Per client address and email.
    pub login: RateLimiter,
    /// Per client address.
    pub signup: RateLimiter,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login: RateLimiter::new(10, Duration::from_secs(15 * 60)),
            signup: RateLimiter::new(20, Duration::from_secs(60 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_and_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(matches!(
            limiter.check("a"),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limiter.check("b").is_ok());
    }

    #[test]
    fn window_resets() {
        let limiter = RateLimiter::new(1, Duration::from_millis(0));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
    }
}
