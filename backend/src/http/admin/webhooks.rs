//! Webhook endpoints: admins register, list and disable them and see their deliveries (with
//! a staff session; a token cannot manage them).

use super::Admin;
use crate::error::AppError;
use crate::flow::webhooks;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use certportal_shared::api::admin::{
    CreateWebhookRequest, CreatedWebhook, WebhookDelivery, WebhookInfo,
};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(disable))
        .routes(routes!(deliveries))
}

/// The webhook endpoints, never their secrets.
#[utoipa::path(
    get,
    path = routes::ADMIN_WEBHOOKS,
    operation_id = "webhooks_list",
    tag = "webhooks",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every endpoint.", body = Vec<WebhookInfo>),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<WebhookInfo>>, AppError> {
    let endpoints = state.store.list_webhooks().await?;
    Ok(Json(endpoints.iter().map(webhooks::info).collect()))
}

/// Registers an endpoint; its signing secret is shown this once.
#[utoipa::path(
    post,
    path = routes::ADMIN_WEBHOOKS,
    operation_id = "webhooks_create",
    tag = "webhooks",
    security(("staff_session" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 200, description = "The new endpoint with its secret.", body = CreatedWebhook),
        (status = 400, description = "`INVALID_INPUT` (`url`, `events`), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 409, description = "`WEBHOOK_LIMIT`: as many working endpoints as allowed.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(request): ApiJson<CreateWebhookRequest>,
) -> Result<Json<CreatedWebhook>, AppError> {
    Ok(Json(
        webhooks::create(&state, &request, &admin.actor()).await?,
    ))
}

/// Disables an endpoint: it is told nothing more.
#[utoipa::path(
    post,
    path = routes::ADMIN_WEBHOOK_DISABLE,
    operation_id = "webhooks_disable",
    tag = "webhooks",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The endpoint's id (`ep_…`).")),
    responses(
        (status = 200, description = "The endpoint, disabled.", body = WebhookInfo),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: disabled already.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn disable(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<WebhookInfo>, AppError> {
    Ok(Json(webhooks::disable(&state, &id, &admin.actor()).await?))
}

/// An endpoint's latest deliveries, newest first.
#[utoipa::path(
    get,
    path = routes::ADMIN_WEBHOOK_DELIVERIES,
    operation_id = "webhooks_deliveries",
    tag = "webhooks",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The endpoint's id (`ep_…`).")),
    responses(
        (status = 200, description = "The deliveries.", body = Vec<WebhookDelivery>),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn deliveries(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Vec<WebhookDelivery>>, AppError> {
    Ok(Json(webhooks::deliveries(&state, &id).await?))
}
