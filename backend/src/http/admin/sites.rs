//! Embedding sites: admins register, change, list and disable them (with a staff session; a
//! token cannot manage them).

use super::Admin;
use crate::error::AppError;
use crate::flow::sites;
use crate::http::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use certportal_shared::api::admin::{SiteDraft, SiteInfo};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(disable))
}

/// The embedding sites, by name.
#[utoipa::path(
    get,
    path = routes::ADMIN_SITES,
    operation_id = "sites_list",
    tag = "sites",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every site, with its snippet.", body = Vec<SiteInfo>),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<SiteInfo>>, AppError> {
    Ok(Json(sites::list(&state).await?))
}

/// Registers a site: it may frame the collect pages at once.
#[utoipa::path(
    post,
    path = routes::ADMIN_SITES,
    operation_id = "sites_create",
    tag = "sites",
    security(("staff_session" = [])),
    request_body = SiteDraft,
    responses(
        (status = 200, description = "The new site, with its snippet.", body = SiteInfo),
        (status = 400, description = "`INVALID_INPUT` (`name`, `origin`, `page`, `languages`, `organisations`, `theme.<field>`: a colour, or text without 4.5:1 contrast), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(draft): ApiJson<SiteDraft>,
) -> Result<Json<SiteInfo>, AppError> {
    Ok(Json(sites::create(&state, &draft, &admin.actor()).await?))
}

/// Replaces a working site's origin, page, languages, organisations and theme.
#[utoipa::path(
    put,
    path = routes::ADMIN_SITE,
    operation_id = "sites_update",
    tag = "sites",
    security(("staff_session" = [])),
    params(("name" = String, Path, description = "The site's name.")),
    request_body = SiteDraft,
    responses(
        (status = 200, description = "The site as it is now.", body = SiteInfo),
        (status = 400, description = "`INVALID_INPUT` (as for a new site; `name` when it is not the path's), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: the site is disabled.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn update(
    State(state): State<AppState>,
    admin: Admin,
    Path(name): Path<String>,
    ApiJson(draft): ApiJson<SiteDraft>,
) -> Result<Json<SiteInfo>, AppError> {
    Ok(Json(
        sites::update(&state, &name, &draft, &admin.actor()).await?,
    ))
}

/// Disables a site: it can no longer frame the portal, and new orders no longer use it.
#[utoipa::path(
    post,
    path = routes::ADMIN_SITE_DISABLE,
    operation_id = "sites_disable",
    tag = "sites",
    security(("staff_session" = [])),
    params(("name" = String, Path, description = "The site's name.")),
    responses(
        (status = 200, description = "The site, disabled.", body = SiteInfo),
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
    Path(name): Path<String>,
) -> Result<Json<SiteInfo>, AppError> {
    Ok(Json(sites::disable(&state, &name, &admin.actor()).await?))
}
