//! `/api/report/*`: the contact's own withdrawal, from the link in the receipt e-mail. Like
//! the collect API: no cookies, the token in the body, rate-limited per address.

use super::extract::{ApiJson, ClientMeta};
use crate::error::AppError;
use crate::flow::report;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use certportal_shared::api::collect::TokenRequest;
use certportal_shared::api::report::{ReportResponse, ReportRevokeRequest};
use certportal_shared::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::REPORT_OPEN, post(open))
        .route(routes::REPORT_CODE, post(code))
        .route(routes::REPORT_REVOKE, post(revoke))
        .route(routes::REPORT_RENEWAL, post(renewal))
}

async fn open(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ReportResponse>, AppError> {
    Ok(Json(report::open(&state, &request.token).await?))
}

async fn code(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ReportResponse>, AppError> {
    let actor = meta.actor("contact");
    Ok(Json(
        report::send_code(&state, &request.token, &actor).await?,
    ))
}

async fn revoke(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<ReportRevokeRequest>,
) -> Result<Json<ReportResponse>, AppError> {
    let actor = meta.actor("contact");
    Ok(Json(
        report::revoke(
            &state,
            &request.token,
            &request.code,
            &request.reason,
            &actor,
        )
        .await?,
    ))
}

async fn renewal(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ReportResponse>, AppError> {
    let actor = meta.actor("contact");
    Ok(Json(
        report::request_renewal(&state, &request.token, &actor).await?,
    ))
}
