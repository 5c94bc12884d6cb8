//! Public files: the CA certificate, the CRL, and the health check.

use super::openapi::Binary;
use crate::error::AppError;
use crate::flow::crl;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ca_pem))
        .routes(routes!(crl_der))
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The answer of the health checks.
#[derive(Serialize, ToSchema)]
struct Health {
    /// `ok` or `ready`; `database unavailable` or `unavailable` with a 503.
    status: &'static str,
}

fn health(status: StatusCode, text: &'static str) -> Response {
    (status, axum::Json(Health { status: text })).into_response()
}

/// The CA certificate, PEM.
#[utoipa::path(
    get,
    path = routes::CA_PEM,
    operation_id = "ca_pem",
    tag = "public",
    responses(
        (status = 200, description = "The CA certificate.", content_type = "application/x-pem-file", body = String,
            headers(("Cache-Control" = String, description = "`public, max-age=3600`"))),
        (status = "default", description = "A refusal of the layers every request passes (none is expected here).", body = ApiError),
    ),
)]
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
#[utoipa::path(
    get,
    path = routes::CRL,
    operation_id = "crl",
    tag = "public",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the CRL the client has.")),
    responses(
        (status = 200, description = "The current CRL, DER.", content_type = "application/pkix-crl", body = inline(Binary),
            headers(
                ("ETag" = String, description = "`\"crl-<number>\"`"),
                ("Cache-Control" = String, description = "`no-cache`"),
            )),
        (status = 304, description = "The client's copy is the current one."),
        (status = "default", description = "`INTERNAL`: the CRL could not be made.", body = ApiError),
    ),
)]
async fn crl_der(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let crl = crl::current(&state).await?;
    let etag = HeaderValue::from_str(&format!("\"crl-{}\"", crl.number))
        .map_err(|e| AppError::Internal(crate::error::Fault::Response(e.to_string())))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if client_has(&headers, &etag) {
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

/// Whether the request's `If-None-Match` names `etag` (or `*`): the client's copy is current.
pub(super) fn client_has(headers: &axum::http::HeaderMap, etag: &HeaderValue) -> bool {
    let etag = etag.to_str().unwrap_or_default();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*")
}

/// Ready for traffic: the database answers and the message queue can be read (Kubernetes'
/// readiness, beside `/healthz`).
#[utoipa::path(
    get,
    path = routes::READYZ,
    operation_id = "readyz",
    tag = "public",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`.", body = Health),
        (status = 503, description = "`{\"status\": \"unavailable\"}`.", body = Health),
        (status = "default", description = "A refusal of the layers every request passes (none is expected here).", body = ApiError),
    ),
)]
async fn readyz(State(state): State<AppState>) -> Response {
    let ready = async {
        state.store.ping().await?;
        state.store.message_counts().await
    };
    match ready.await {
        Ok(_) => health(StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!("not ready: {error}");
            health(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}

/// Liveness: the server and its database answer.
#[utoipa::path(
    get,
    path = routes::HEALTHZ,
    operation_id = "healthz",
    tag = "public",
    responses(
        (status = 200, description = "`{\"status\": \"ok\"}`.", body = Health),
        (status = 503, description = "`{\"status\": \"database unavailable\"}`.", body = Health),
        (status = "default", description = "A refusal of the layers every request passes (none is expected here).", body = ApiError),
    ),
)]
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => health(StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!("health check: {error}");
            health(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
