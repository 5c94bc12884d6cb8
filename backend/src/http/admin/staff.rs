//! Staff accounts and the audit log; admins only.

use super::Admin;
use crate::error::AppError;
use crate::flow::staff;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use certportal_shared::api::admin::{
    AuditPage, AuditQuery, Enrolment, NewStaffRequest, StaffSummary,
};
use certportal_shared::model::Username;
use certportal_shared::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::ADMIN_STAFF, get(list).post(add))
        .route(routes::ADMIN_STAFF_DISABLE, post(disable))
        .route(routes::ADMIN_STAFF_ENABLE, post(enable))
        .route(routes::ADMIN_STAFF_RESET_PASSWORD, post(reset_password))
        .route(routes::ADMIN_STAFF_RESET_TOTP, post(reset_totp))
        .route(routes::ADMIN_AUDIT, get(audit))
}

async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<StaffSummary>>, AppError> {
    Ok(Json(staff::list(&state).await?))
}

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

async fn disable(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    staff::set_disabled(&state, &username, true, &admin.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn enable(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    staff::set_disabled(&state, &username, false, &admin.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn reset_totp(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<Json<Enrolment>, AppError> {
    let (enrolment, epoch) = staff::reset_totp(&state, &username, &admin.actor()).await?;
    keep_own_session(&admin, &username, epoch).await?;
    Ok(Json(enrolment))
}

async fn audit(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(staff::audit_log(&state, &query).await?))
}
