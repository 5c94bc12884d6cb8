//! Signing in and out, and one's own account.

use super::{STAFF_KEY, SessionStaff, Staff};
use crate::error::AppError;
use crate::flow::staff;
use crate::http::extract::{ApiJson, ClientMeta};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use certportal_shared::api::admin::{ChangePasswordRequest, LoginRequest, StaffMe};
use certportal_shared::routes;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::ADMIN_LOGIN, post(login))
        .route(routes::ADMIN_LOGOUT, post(logout))
        .route(routes::ADMIN_ME, get(me))
        .route(routes::ADMIN_ME_PASSWORD, post(change_password))
}

async fn login(
    State(state): State<AppState>,
    session: Session,
    meta: ClientMeta,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<StaffMe>, AppError> {
    let record = staff::login(&state, &request, &meta.actor("anonymous")).await?;
    // A new session id at sign-in: an id planted before it is worth nothing after.
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    session
        .insert(
            STAFF_KEY,
            SessionStaff {
                username: record.username.clone(),
            },
        )
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(Json(StaffMe {
        username: record.username,
        role: record.role,
        must_change_password: record.must_change_password,
    }))
}

async fn logout(
    State(state): State<AppState>,
    session: Session,
    meta: ClientMeta,
) -> Result<StatusCode, AppError> {
    let signed_in: Option<SessionStaff> = session.get(STAFF_KEY).await.ok().flatten();
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    if let Some(staff) = signed_in {
        let now = crate::clock::unix(state.clock.now());
        state
            .store
            .record(&meta.actor(&format!("staff:{}", staff.username)).event(
                now,
                "staff.logout",
                None,
                None,
                None,
            ))
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(staff: Staff) -> Json<StaffMe> {
    Json(StaffMe {
        username: staff.username,
        role: staff.role,
        must_change_password: staff.must_change_password,
    })
}

async fn change_password(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    staff::change_password(
        &state,
        &staff.username,
        &request.current_password,
        &request.new_password,
        &staff.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
