//! A per-address token bucket for the collect API, beside the per-order limits.

use crate::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use certportal_shared::ErrorCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Buckets kept before full ones are forgotten.
const MAX_TRACKED: usize = 10_000;

#[derive(Clone)]
pub struct RateLimiter {
    per_minute: f64,
    buckets: Arc<Mutex<HashMap<String, (f64, Instant)>>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Arc::default(),
        }
    }

    /// Takes a token for `key`; `Err(seconds)` says how long until one is free.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let per_second = self.per_minute / 60.0;
        if buckets.len() >= MAX_TRACKED {
            let capacity = self.per_minute;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity
            });
        }
        let (tokens, at) = buckets
            .entry(key.to_owned())
            .or_insert((self.per_minute, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / per_second).ceil() as u64)
        }
    }
}

/// Middleware: refuses with `RATE_LIMITED` once an address has used its tokens.
pub async fn limit(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let key = crate::flow::address_key(&super::extract::client_ip(&parts).unwrap_or_default());
    let request = Request::from_parts(parts, body);
    match limiter.check(&key, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => AppError::refuse(
            ErrorCode::RateLimited,
            "Too many requests. Please wait a moment.",
        )
        .with_retry_after(wait)
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_address_gets_its_burst_then_waits_for_refill() {
        let limiter = RateLimiter::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check("10.0.0.1", start).is_ok());
        }
        let wait = limiter.check("10.0.0.1", start).expect_err("limited");
        assert_eq!(wait, 20);
        assert!(
            limiter.check("10.0.0.2", start).is_ok(),
            "other addresses are not affected"
        );
        assert!(
            limiter
                .check("10.0.0.1", start + Duration::from_secs(20))
                .is_ok()
        );
    }
}
