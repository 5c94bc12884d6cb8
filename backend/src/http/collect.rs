//! `/api/collect/*`: the customer's side. No cookies: the session is a bearer token the page
//! keeps in memory, so the flow works inside an iframe with third-party cookies blocked.

use super::extract::{ApiJson, Bearer, ClientMeta};
use crate::error::{AppError, Fault};
use crate::flow::collect;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use certportal_shared::api::collect::{
    CsrRequest, CsrResponse, OpenResponse, ReceiptRequest, ReceiptResponse, ResendResponse,
    TokenRequest, VerifyRequest, VerifyResponse,
};
use certportal_shared::{ErrorCode, routes};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::COLLECT_OPEN, post(open))
        .route(routes::COLLECT_VERIFY, post(verify))
        .route(routes::COLLECT_RESEND, post(resend))
        .route(routes::COLLECT_BUNDLE, post(bundle))
        .route(routes::COLLECT_RECEIPT, post(receipt))
        .route(routes::COLLECT_CSR, post(csr))
}

async fn open(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<OpenResponse>, AppError> {
    Ok(Json(
        collect::open(&state, &request.token, &meta.actor("contact")).await?,
    ))
}

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

async fn resend(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ResendResponse>, AppError> {
    Ok(Json(
        collect::resend(&state, &request.token, &meta.actor("contact")).await?,
    ))
}

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
