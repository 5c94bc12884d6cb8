//! API tokens: admins list, create and revoke them (with a staff session; a token cannot
//! manage tokens).

use super::Admin;
use crate::error::AppError;
use crate::flow::tokens;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use certportal_shared::api::admin::{CreateTokenRequest, CreatedToken, TokenInfo};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// The API tokens, never the tokens themselves.
#[utoipa::path(
    get,
    path = routes::ADMIN_TOKENS,
    operation_id = "tokens_list",
    tag = "tokens",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every token.", body = Vec<TokenInfo>),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<TokenInfo>>, AppError> {
    let tokens = state.store.list_tokens().await?;
    Ok(Json(tokens.iter().map(tokens::info).collect()))
}

/// Creates an API token, shown this once and stored only as its hash.
#[utoipa::path(
    post,
    path = routes::ADMIN_TOKENS,
    operation_id = "tokens_create",
    tag = "tokens",
    security(("staff_session" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 200, description = "The new token.", body = CreatedToken),
        (status = 400, description = "`INVALID_INPUT` (`name`, taken or malformed; `scopes`; `expires_days`), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(request): ApiJson<CreateTokenRequest>,
) -> Result<Json<CreatedToken>, AppError> {
    Ok(Json(
        tokens::create(&state, &request, &admin.actor()).await?,
    ))
}

/// Revokes an API token: it works no more.
#[utoipa::path(
    post,
    path = routes::ADMIN_TOKEN_REVOKE,
    operation_id = "tokens_revoke",
    tag = "tokens",
    security(("staff_session" = [])),
    params(("name" = String, Path, description = "The token's name.")),
    responses(
        (status = 200, description = "The token, revoked.", body = TokenInfo),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Path(name): Path<String>,
) -> Result<Json<TokenInfo>, AppError> {
    Ok(Json(tokens::revoke(&state, &name, &admin.actor()).await?))
}
