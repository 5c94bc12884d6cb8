//! `/api/renew/*`: renewal on the renewal page, from the old certificate and a signature its
//! key makes in the browser. No cookies and no token: the key is the proof. Rate-limited per
//! address like the collect API.

use super::extract::{ApiJson, ClientMeta};
use crate::error::AppError;
use crate::flow::renew;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use certportal_shared::api::check::RenewResponse;
use certportal_shared::api::renew::{ChallengeResponse, SignedRenewalRequest};
use certportal_shared::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::RENEW_CHALLENGE, post(challenge))
        .route(routes::RENEW_SIGNED, post(signed))
}

async fn challenge(State(state): State<AppState>) -> Result<Json<ChallengeResponse>, AppError> {
    Ok(Json(renew::challenge(&state)?))
}

async fn signed(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(request): ApiJson<SignedRenewalRequest>,
) -> Result<Json<RenewResponse>, AppError> {
    let actor = meta.actor("contact");
    Ok(Json(renew::renew_signed(&state, &request, &actor).await?))
}
