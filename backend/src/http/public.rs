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

async fn crl_der(State(state): State<AppState>) -> Result<Response, AppError> {
    let crl = crl::current(&state).await?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pkix-crl"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ),
    ];
    Ok((headers, crl.der).into_response())
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
