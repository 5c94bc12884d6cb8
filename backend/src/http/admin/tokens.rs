//! API tokens: admins list, create and revoke them (with a staff session; a token cannot
//! manage tokens).

use super::Admin;
use crate::error::AppError;
use crate::flow::tokens;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use certportal_shared::api::admin::{CreateTokenRequest, CreatedToken, TokenInfo};
use certportal_shared::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::ADMIN_TOKENS, get(list).post(create))
        .route(routes::ADMIN_TOKEN_REVOKE, post(revoke))
}

async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<TokenInfo>>, AppError> {
    let tokens = state.store.list_tokens().await?;
    Ok(Json(tokens.iter().map(tokens::info).collect()))
}

async fn create(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(request): ApiJson<CreateTokenRequest>,
) -> Result<Json<CreatedToken>, AppError> {
    Ok(Json(
        tokens::create(&state, &request, &admin.actor()).await?,
    ))
}

async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Path(name): Path<String>,
) -> Result<Json<TokenInfo>, AppError> {
    Ok(Json(tokens::revoke(&state, &name, &admin.actor()).await?))
}
