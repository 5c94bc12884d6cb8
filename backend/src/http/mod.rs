//! The HTTP surface: one router per resource, the SPA, and the layers every response passes.

mod admin;
mod assets;
mod collect;
mod dev;
mod embed;
pub mod extract;
mod headers;
pub mod mtls;
mod ocsp;
mod openapi;
mod public;
mod ratelimit;
mod renew;
mod report;

pub use headers::SecurityHeaders;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use certportal_shared::{ErrorCode, routes};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The largest JSON body the API takes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A browser app's files, gzip-compressed for clients that take it (the wasm shrinks to
/// about a third) and cached by kind. Only static files are compressed: API answers that
/// carry secrets are not, which keeps compression side channels out of the question.
fn static_app(files: ServeDir<ServeFile>) -> Router {
    Router::new()
        .fallback_service(files)
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(assets::cache_control))
}

/// Builds the whole application for `state`, serving the browser app from `dist`.
pub fn app(state: AppState, dist: &Path) -> Result<Router, String> {
    let config = state.config.clone();
    // Each app's entry page carries Trunk's inline loader, which the policy allows by hash.
    // The apps besides the collect app, each a wasm of its own under its page's path: staff's
    // under /admin, so that customers never download it; the contact's pages after
    // collection (one app) under /report and /renew, so that collecting does not download
    // them either.
    let apps = [
        (routes::ADMIN_PAGE, dist.join("admin")),
        (routes::REPORT_PAGE, dist.join("report")),
        (routes::RENEW_PAGE, dist.join("report")),
    ];
    let pages: Vec<String> = std::iter::once(dist.join("index.html"))
        .chain(apps[..2].iter().map(|(_, app)| app.join("index.html")))
        .filter_map(|page| std::fs::read_to_string(page).ok())
        .collect();
    let security = SecurityHeaders::new(&config.http.frame_ancestors, config.is_https(), &pages)?;
    let limiter = ratelimit::RateLimiter::new(config.http.collect_rate_per_minute);
    let client_ip_header = extract::ClientIpHeader {
        name: config.http.client_ip_header.as_str().into(),
        trusted_hops: usize::try_from(config.http.trusted_proxy_hops).unwrap_or(1),
    };

    // The report and renewal APIs share the collect API's limit per address: all three guess
    // at tokens, codes or challenges. So does the embedding's site lookup, a read for any name.
    let collect = collect::router()
        .merge(report::router())
        .merge(renew::router())
        .merge(embed::limited())
        .layer(middleware::from_fn_with_state(limiter, ratelimit::limit));
    let not_found =
        || async { AppError::refuse(ErrorCode::NotFound, "There is no such page or endpoint.") };
    // Each router registers its routes with their operations; the document is what they add
    // up to, served with Swagger UI over it.
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(collect)
        .merge(public::router())
        .merge(embed::router())
        .merge(ocsp::router())
        .merge(admin::router(&state))
        .split_for_parts();
    let api = api.merge(openapi::docs(openapi::with_links(&document)));
    // Not in the document: the inbox, a page for trial portals only (and the mTLS listener,
    // which `mtls.rs` serves on its own port). The inbox exists only for a trial portal (both
    // channels in the outbox, no proxy, no https); elsewhere its path is a plain not-found
    // rather than the app's fallback page.
    let api = if config.dev_inbox() {
        api.merge(dev::router())
    } else {
        api.route(routes::DEV_INBOX, axum::routing::any(not_found))
    };
    let spa = static_app(ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html"))));
    let mut api = api;
    for (path, app_dist) in &apps {
        if app_dist.join("index.html").exists() {
            let app = ServeDir::new(app_dist).fallback(ServeFile::new(app_dist.join("index.html")));
            api = api.nest_service(path, static_app(app));
        }
    }
    let method_not_allowed = || async {
        AppError::refuse(
            ErrorCode::MethodNotAllowed,
            "This endpoint does not take that method; the Allow header names those it takes.",
        )
    };
    Ok(api
        .route("/api/{*rest}", axum::routing::any(not_found))
        .fallback_service(spa)
        // A known path with another method: the API's error body rather than an empty 405
        // (axum still adds the `Allow` header). Every route is registered by now.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::record,
        ))
        .layer(axum::Extension(client_ip_header))
        .layer(middleware::from_fn_with_state(
            (security, state.clone()),
            headers::add,
        ))
        // One line per request at `info`: method, path, status, latency. The path only: no
        // query string and no header, so the bearer and the staff cookie stay out of the log.
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|request: &axum::extract::Request| {
                    tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
                })
                .on_request(())
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state))
}
