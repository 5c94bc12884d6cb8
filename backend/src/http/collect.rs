//! `/api/collect/*`: the customer's side. No cookies: the session is a bearer token the page
//! keeps in memory, so the flow works inside an iframe with third-party cookies blocked.

use super::extract::{ApiJson, Bearer, ClientMeta};
use super::openapi::Binary;
use crate::error::{AppError, Fault};
use crate::flow::collect;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use certportal_shared::api::collect::{
    CsrRequest, CsrResponse, OpenResponse, ReceiptRequest, ReceiptResponse, ResendResponse,
    TokenRequest, VerifyRequest, VerifyResponse,
};
use certportal_shared::error::ApiError;
use certportal_shared::{ErrorCode, routes};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open))
        .routes(routes!(verify))
        .routes(routes!(resend))
        .routes(routes!(bundle))
        .routes(routes!(receipt))
        .routes(routes!(csr))
}

/// Describes the order behind a link, without using the link up.
#[utoipa::path(
    post,
    path = routes::COLLECT_OPEN,
    operation_id = "collect_open",
    tag = "collect",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The order as the collect page shows it.", body = OpenResponse),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`, `LINK_USED`, `LINK_CANCELLED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`, with `retry_after`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn open(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<OpenResponse>, AppError> {
    Ok(Json(
        collect::open(&state, &request.token, &meta.actor("contact")).await?,
    ))
}

/// Checks the one-time code; the right one opens a collect session.
#[utoipa::path(
    post,
    path = routes::COLLECT_VERIFY,
    operation_id = "collect_verify",
    tag = "collect",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "The collect session, a bearer token.", body = VerifyResponse),
        (status = 400, description = "`WRONG_CODE` (with `attempts_left`), `CODE_EXPIRED`, `INVALID_INPUT`, `MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`, `LINK_USED`, `LINK_CANCELLED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`CODE_LOCKED` (too many wrong codes), `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn verify(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<VerifyResponse>, AppError> {
    Ok(Json(
        collect::verify(
            &state,
            &request.token,
            &request.code,
            &meta.actor("contact"),
        )
        .await?,
    ))
}

/// Sends a new one-time code by SMS, within the cooldown and the cap.
#[utoipa::path(
    post,
    path = routes::COLLECT_RESEND,
    operation_id = "collect_resend",
    tag = "collect",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The new code is on its way.", body = ResendResponse),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_LINK`.", body = ApiError),
        (status = 410, description = "`LINK_EXPIRED`, `LINK_USED`, `LINK_CANCELLED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RESEND_COOLDOWN` (with `retry_after`), `RESEND_LIMIT`, `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn resend(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ResendResponse>, AppError> {
    Ok(Json(
        collect::resend(&state, &request.token, &meta.actor("contact")).await?,
    ))
}

/// Downloads the encrypted PKCS#12 file (custody `server`). No request body.
#[utoipa::path(
    post,
    path = routes::COLLECT_BUNDLE,
    operation_id = "collect_bundle",
    tag = "collect",
    security(("collect_session" = [])),
    responses(
        (status = 200, description = "The password-encrypted PKCS#12 file.",
            content_type = "application/x-pkcs12", body = inline(Binary),
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"<client>-<serial>.p12\"`"),
                ("Repr-Digest" = String, description = "`sha-256=:<base64>:` (RFC 9530), for the receipt"),
                ("Cache-Control" = String, description = "`no-store`"),
            )),
        (status = 401, description = "`SESSION_INVALID`: no session, or it has ended.", body = ApiError),
        (status = 409, description = "`NO_SERVER_KEY`: the customer makes this order's key.", body = ApiError),
        (status = 410, description = "`BUNDLE_GONE`.", body = ApiError),
        (status = 429, description = "`DOWNLOAD_LIMIT`, `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn bundle(
    State(state): State<AppState>,
    meta: ClientMeta,
    Bearer(session): Bearer,
) -> Result<Response, AppError> {
    let download = collect::bundle(&state, &session, &meta.actor("contact")).await?;
    let header_value = |text: String| {
        HeaderValue::from_str(&text).map_err(|e| AppError::Internal(Fault::Response(e.to_string())))
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-pkcs12"),
        ),
        (
            header::CONTENT_DISPOSITION,
            header_value(format!("attachment; filename=\"{}\"", download.filename))?,
        ),
        (
            header::HeaderName::from_static("repr-digest"),
            header_value(format!("sha-256=:{}:", download.sha256.to_base64()))?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    // The file goes out without another copy, and its buffer is wiped once sent.
    let body = axum::body::Body::from(bytes::Bytes::from_owner(download.bytes));
    Ok((headers, body).into_response())
}

/// Confirms the download with the file's SHA-256: the password goes out by SMS, the server
/// wipes the file and the password, and the link is used up.
#[utoipa::path(
    post,
    path = routes::COLLECT_RECEIPT,
    operation_id = "collect_receipt",
    tag = "collect",
    security(("collect_session" = [])),
    request_body = ReceiptRequest,
    responses(
        (status = 200, description = "The receipt was taken; the password is on its way.", body = ReceiptResponse),
        (status = 400, description = "`DIGEST_MISMATCH`, `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`SESSION_INVALID`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE` (not downloaded yet), `NO_SERVER_KEY`.", body = ApiError),
        (status = 410, description = "`BUNDLE_GONE`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn receipt(
    State(state): State<AppState>,
    meta: ClientMeta,
    Bearer(session): Bearer,
    ApiJson(request): ApiJson<ReceiptRequest>,
) -> Result<Json<ReceiptResponse>, AppError> {
    Ok(Json(
        collect::receipt(&state, &session, &request.sha256, &meta.actor("contact")).await?,
    ))
}

/// Signs the contact's certificate request (custody `csr`).
#[utoipa::path(
    post,
    path = routes::COLLECT_CSR,
    operation_id = "collect_csr",
    tag = "collect",
    security(("collect_session" = [])),
    request_body = CsrRequest,
    responses(
        (status = 200, description = "The certificate for the contact's own key.", body = CsrResponse),
        (status = 400, description = "A `CSR_*` code (`CSR_MALFORMED`, `CSR_TOO_LARGE`, `CSR_BAD_SIGNATURE`, `CSR_WEAK_KEY`, `CSR_KEY_REUSED`, `CSR_BLOCKED_KEY`, `CSR_UNSUPPORTED_ALGORITHM`), or `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`SESSION_INVALID`.", body = ApiError),
        (status = 409, description = "`CSR_NOT_EXPECTED`: the server makes this order's key, or its request was signed already.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn csr(
    State(state): State<AppState>,
    meta: ClientMeta,
    Bearer(session): Bearer,
    request: Result<ApiJson<CsrRequest>, AppError>,
) -> Result<Json<CsrResponse>, AppError> {
    let request = match request {
        Ok(ApiJson(request)) => request,
        // A request is at most 16 KiB; a body over the server's limit is one too large.
        Err(AppError::Refused(error)) if error.code == ErrorCode::PayloadTooLarge => {
            return Err(AppError::refuse(
                ErrorCode::CsrTooLarge,
                "This request is larger than 16 KiB; a certificate request is a few kilobytes at most.",
            ));
        }
        Err(error) => return Err(error),
    };
    Ok(Json(
        collect::sign_request(&state, &session, request.csr, &meta.actor("contact")).await?,
    ))
}
