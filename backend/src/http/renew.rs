//! `/api/renew/*`: renewal on the renewal page, from the old certificate and a signature its
//! key makes in the browser. No cookies and no token: the key is the proof. Rate-limited per
//! address like the collect API.

use super::extract::{ApiJson, ClientMeta};
use crate::error::AppError;
use crate::flow::renew;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use certportal_shared::api::check::RenewResponse;
use certportal_shared::api::renew::{ChallengeResponse, SignedRenewalRequest};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(challenge))
        .routes(routes!(signed))
}

/// A short-lived challenge for the old certificate's key to sign. No request body.
#[utoipa::path(
    post,
    path = routes::RENEW_CHALLENGE,
    operation_id = "renew_challenge",
    tag = "renewal",
    responses(
        (status = 200, description = "The challenge, good for one try.", body = ChallengeResponse),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn challenge(State(state): State<AppState>) -> Result<Json<ChallengeResponse>, AppError> {
    Ok(Json(renew::challenge(&state)?))
}

/// The old certificate and its key's signature over the challenge: starts the renewal order,
/// whose contact gets a link and a code as for any order.
#[utoipa::path(
    post,
    path = routes::RENEW_SIGNED,
    operation_id = "renew_signed",
    tag = "renewal",
    request_body = SignedRenewalRequest,
    responses(
        (status = 200, description = "The renewal order.", body = RenewResponse),
        (status = 400, description = "`CHALLENGE_INVALID`, `CHALLENGE_EXPIRED`, `MALFORMED_REQUEST` (the certificate or signature cannot be read).", body = ApiError),
        (status = 403, description = "`SIGNATURE_INVALID`, `CERTIFICATE_REVOKED`, `CERTIFICATE_EXPIRED`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_SERIAL`: not a certificate of this portal.", body = ApiError),
        (status = 409, description = "`CHALLENGE_USED`, `RENEWAL_UNDER_WAY`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn signed(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<SignedRenewalRequest>,
) -> Result<Json<RenewResponse>, AppError> {
    let actor = meta.actor("contact");
    Ok(Json(renew::renew_signed(&state, &request, &actor).await?))
}
