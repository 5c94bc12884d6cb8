//! Staff accounts and the audit log; admins only.

use super::Admin;
use crate::error::AppError;
use crate::flow::{admin::audit_entry, staff};
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
        .route("/api/admin/staff/{username}/disable", post(disable))
        .route("/api/admin/staff/{username}/enable", post(enable))
        .route(
            "/api/admin/staff/{username}/reset-password",
            post(reset_password),
        )
        .route("/api/admin/staff/{username}/reset-totp", post(reset_totp))
        .route(routes::ADMIN_AUDIT, get(audit))
}

async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<StaffSummary>>, AppError> {
    let staff = state.store.list_staff().await?;
    Ok(Json(
        staff
            .into_iter()
            .map(|s| StaffSummary {
                username: s.username,
                role: s.role,
                disabled: s.disabled,
                must_change_password: s.must_change_password,
                created_at: crate::clock::rfc3339(crate::clock::from_unix(s.created_at)),
                created_by: s.created_by,
            })
            .collect(),
    ))
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
    let enrolment = staff::reset_password(&state, &username, &admin.actor()).await?;
    keep_own_session(&state, &admin, &username).await?;
    Ok(Json(enrolment))
}

/// A reset of one's own credentials ends one's other sessions, not the one that made it.
async fn keep_own_session(state: &AppState, admin: &Admin, username: &str) -> Result<(), AppError> {
    if admin.username != username {
        return Ok(());
    }
    match state.store.staff(username).await? {
        Some(record) => admin.keep_after_change(record.credentials_epoch).await,
        None => Ok(()),
    }
}

async fn reset_totp(
    State(state): State<AppState>,
    admin: Admin,
    Path(username): Path<String>,
) -> Result<Json<Enrolment>, AppError> {
    let enrolment = staff::reset_totp(&state, &username, &admin.actor()).await?;
    keep_own_session(&state, &admin, &username).await?;
    Ok(Json(enrolment))
}

async fn audit(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let events = state
        .store
        .audit_log(query.actor.as_deref(), query.before, limit)
        .await?;
    Ok(Json(AuditPage {
        events: events
            .into_iter()
            .map(|(id, event)| (id, audit_entry(event)))
            .collect(),
    }))
}
