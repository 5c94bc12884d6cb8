//! The HTTP surface: one router per resource, the SPA, and the layers every response passes.

mod admin;
mod collect;
mod dev;
pub mod extract;
mod headers;
mod public;
mod ratelimit;

pub use headers::SecurityHeaders;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use certportal_shared::{ErrorCode, routes};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// The largest JSON body the API takes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Builds the whole application for `state`, serving the browser app from `dist`.
pub fn app(state: AppState, dist: &Path) -> Result<Router, String> {
    let config = state.config.clone();
    let index = std::fs::read_to_string(dist.join("index.html")).ok();
    let security = SecurityHeaders::new(
        &config.http.frame_ancestors,
        config.is_https(),
        index.as_deref(),
    )?;
    let limiter = ratelimit::RateLimiter::new(config.http.collect_rate_per_minute);
    let client_ip_header = extract::ClientIpHeader(config.http.client_ip_header.as_str().into());

    let collect =
        collect::router().layer(middleware::from_fn_with_state(limiter, ratelimit::limit));
    let not_found =
        || async { AppError::refuse(ErrorCode::NotFound, "There is no such page or endpoint.") };
    let api = Router::new()
        .merge(collect)
        .merge(public::router())
        .merge(admin::router(&state));
    // The inbox exists only in outbox mode; elsewhere its path is a plain not-found rather
    // than the app's fallback page.
    let api = if config.uses_outbox() {
        api.merge(dev::router())
    } else {
        api.route(routes::DEV_INBOX, axum::routing::any(not_found))
    };
    let spa = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    Ok(api
        .route("/api/{*rest}", axum::routing::any(not_found))
        .fallback_service(spa)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::Extension(client_ip_header))
        .layer(middleware::from_fn_with_state(security, headers::add))
        .with_state(state))
}
