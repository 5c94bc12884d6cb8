//! `/api/report/*`: the contact's own withdrawal, from the link in the receipt e-mail. Like
//! the collect API: no cookies, the token in the body, rate-limited per address.

use super::extract::{ApiJson, ClientMeta};
use crate::error::AppError;
use crate::flow::report;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use certportal_shared::api::collect::TokenRequest;
use certportal_shared::api::report::{ReportResponse, ReportRevokeRequest};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open))
        .routes(routes!(code))
        .routes(routes!(revoke))
        .routes(routes!(renewal))
}

/// Describes the certificate behind a report link.
#[utoipa::path(
    post,
    path = routes::REPORT_OPEN,
    operation_id = "report_open",
    tag = "report",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The certificate and where its withdrawal is.", body = ReportResponse),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn open(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ReportResponse>, AppError> {
    Ok(Json(report::open(&state, &request.token).await?))
}

/// Sends a one-time code to the order's mobile, to withdraw with.
#[utoipa::path(
    post,
    path = routes::REPORT_CODE,
    operation_id = "report_code",
    tag = "report",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The code is on its way.", body = ReportResponse),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 409, description = "`ALREADY_REVOKED`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RESEND_COOLDOWN`, `RESEND_LIMIT`, `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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

/// Withdraws the certificate, with the code.
#[utoipa::path(
    post,
    path = routes::REPORT_REVOKE,
    operation_id = "report_revoke",
    tag = "report",
    request_body = ReportRevokeRequest,
    responses(
        (status = 200, description = "The certificate is withdrawn.", body = ReportResponse),
        (status = 400, description = "`WRONG_CODE` (with `attempts_left`), `CODE_EXPIRED`, `INVALID_INPUT` (the reason), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 409, description = "`ALREADY_REVOKED`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`CODE_LOCKED`, `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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

/// Asks support for a new certificate, after a withdrawal or near the certificate's end.
#[utoipa::path(
    post,
    path = routes::REPORT_RENEWAL,
    operation_id = "report_renewal",
    tag = "report",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Support has been asked.", body = ReportResponse),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: a new certificate cannot be asked for yet.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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
