//! Staff accounts and the audit log; admins only.

use super::Admin;
use crate::error::AppError;
use crate::flow::staff;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use certportal_shared::api::admin::{
    AuditPage, AuditQuery, Enrolment, NewStaffRequest, StaffSummary,
};
use certportal_shared::error::ApiError;
use certportal_shared::model::Username;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(disable))
        .routes(routes!(enable))
        .routes(routes!(reset_password))
        .routes(routes!(reset_totp))
        .routes(routes!(audit))
}

/// The staff accounts.
#[utoipa::path(
    get,
    path = routes::ADMIN_STAFF,
    operation_id = "staff_list",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every staff account.", body = Vec<StaffSummary>),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<StaffSummary>>, AppError> {
    Ok(Json(staff::list(&state).await?))
}

/// Adds a staff account: its first password and TOTP enrolment, shown this once.
#[utoipa::path(
    post,
    path = routes::ADMIN_STAFF,
    operation_id = "staff_add",
    tag = "staff",
    security(("staff_session" = [])),
    request_body = NewStaffRequest,
    responses(
        (status = 200, description = "The new account's credentials.", body = Enrolment),
        (status = 400, description = "`INVALID_INPUT` (the user name, or one that is taken), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`: too many password hashes at once.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn add(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(request): ApiJson<NewStaffRequest>,
) -> Result<Json<Enrolment>, AppError> {
    let username =
        Username::parse(&request.username).map_err(|error| AppError::invalid(vec![error]))?;
    Ok(Json(
        staff::add(&state, &username, request.role, &admin.actor()).await?,
    ))
}

/// Disables a staff account: it cannot sign in, and its sessions end.
#[utoipa::path(
    post,
    path = routes::ADMIN_STAFF_DISABLE,
    operation_id = "staff_disable",
    tag = "staff",
    security(("staff_session" = [])),
    params(("username" = String, Path, description = "The staff member's user name.")),
    responses(
        (status = 204, description = "Disabled."),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`: no such staff member.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: one's own account.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn disable(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    staff::set_disabled(&state, &username, true, &admin.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enables a staff account again.
#[utoipa::path(
    post,
    path = routes::ADMIN_STAFF_ENABLE,
    operation_id = "staff_enable",
    tag = "staff",
    security(("staff_session" = [])),
    params(("username" = String, Path, description = "The staff member's user name.")),
    responses(
        (status = 204, description = "Enabled."),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`: no such staff member.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn enable(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    staff::set_disabled(&state, &username, false, &admin.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new first password for a staff account; its other sessions end.
#[utoipa::path(
    post,
    path = routes::ADMIN_STAFF_RESET_PASSWORD,
    operation_id = "staff_reset_password",
    tag = "staff",
    security(("staff_session" = [])),
    params(("username" = String, Path, description = "The staff member's user name.")),
    responses(
        (status = 200, description = "The new first password, shown this once.", body = Enrolment),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`: no such staff member.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn reset_password(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<Json<Enrolment>, AppError> {
    let (enrolment, epoch) = staff::reset_password(&state, &username, &admin.actor()).await?;
    keep_own_session(&admin, &username, epoch).await?;
    Ok(Json(enrolment))
}

/// A reset of one's own credentials ends one's other sessions, not the one that made it: it
/// goes on at exactly the epoch the reset made.
async fn keep_own_session(admin: &Admin, username: &str, epoch: i64) -> Result<(), AppError> {
    if admin.username == username {
        admin.keep_after_change(epoch).await?;
    }
    Ok(())
}

/// A new TOTP enrolment for a staff account; its other sessions end.
#[utoipa::path(
    post,
    path = routes::ADMIN_STAFF_RESET_TOTP,
    operation_id = "staff_reset_totp",
    tag = "staff",
    security(("staff_session" = [])),
    params(("username" = String, Path, description = "The staff member's user name.")),
    responses(
        (status = 200, description = "The new enrolment, shown this once.", body = Enrolment),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`: no such staff member.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn reset_totp(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<Json<Enrolment>, AppError> {
    let (enrolment, epoch) = staff::reset_totp(&state, &username, &admin.actor()).await?;
    keep_own_session(&admin, &username, epoch).await?;
    Ok(Json(enrolment))
}

/// The audit log, newest first.
#[utoipa::path(
    get,
    path = routes::ADMIN_AUDIT,
    operation_id = "audit_log",
    tag = "staff",
    security(("staff_session" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of events.", body = AuditPage),
        (status = 400, description = "`MALFORMED_REQUEST`: an unknown or malformed query parameter.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (not an admin), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn audit(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(staff::audit_log(&state, &query).await?))
}
