//! Public files: the CA certificate, the CRL, and the health check.

use crate::error::AppError;
use crate::flow::crl;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certportal_shared::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::CA_PEM, get(ca_pem))
        .route(routes::CRL, get(crl_der))
        .route(routes::HEALTHZ, get(healthz))
        .route(routes::READYZ, get(readyz))
}

async fn ca_pem(State(state): State<AppState>) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-pem-file"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("inline; filename=\"ca.pem\""),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ),
    ];
    (headers, state.ca.cert_pem().to_owned()).into_response()
}

/// The CRL, with its number as the ETag: caches may keep it but must ask again each time
/// (`no-cache`), so that a withdrawal that has returned is never hidden behind a cached copy,
/// and a gateway that still has the current one gets a 304 without the body.
async fn crl_der(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let crl = crl::current(&state).await?;
    let etag = HeaderValue::from_str(&format!("\"crl-{}\"", crl.number))
        .map_err(|e| AppError::Internal(crate::error::Fault::Response(e.to_string())))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == etag.to_str().unwrap_or_default() || tag.trim() == "*");
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response());
    }
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pkix-crl"),
        ),
        (header::ETAG, etag),
        cache,
    ];
    Ok((headers, crl.der).into_response())
}

/// Ready for traffic: the database answers and the message queue can be read (Kubernetes'
/// readiness, beside `/healthz`).
async fn readyz(State(state): State<AppState>) -> Response {
    let ready = async {
        state.store.ping().await?;
        state.store.message_counts().await
    };
    match ready.await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ready"})),
        )
            .into_response(),
        Err(error) => {
            tracing::warn!("not ready: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(error) => {
            tracing::error!("health check: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}
