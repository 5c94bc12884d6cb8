//! Signing in and out, and one's own account.

use super::{STAFF_KEY, SessionStaff, SignedIn, sign_in};
use crate::error::{AppError, Fault};
use crate::flow::staff;
use crate::http::extract::{ApiJson, ClientMeta};
use crate::http::ratelimit;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use axum::{Json, Router};
use certportal_shared::api::admin::{ChangePasswordRequest, LoginRequest, StaffMe};
use certportal_shared::routes;
use tower_sessions::Session;

pub fn router(state: &AppState) -> Router<AppState> {
    // Per address, before anything else runs, beside the per-account throttle in the flow.
    let limiter = ratelimit::RateLimiter::new(state.config.admin.login_rate_per_minute);
    let login = post(login).layer(middleware::from_fn_with_state(limiter, ratelimit::limit));
    Router::new()
        .route(routes::ADMIN_LOGIN, login)
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
    sign_in(&session, &record, crate::clock::unix(state.clock.now())).await?;
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
        .map_err(|e| AppError::Internal(Fault::Session(e.to_string())))?;
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

async fn me(staff: SignedIn) -> Json<StaffMe> {
    Json(StaffMe {
        username: staff.username,
        role: staff.role,
        must_change_password: staff.must_change_password,
    })
}

async fn change_password(
    State(state): State<AppState>,
    staff: SignedIn,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    let epoch = staff::change_password(
        &state,
        &staff.username,
        staff.epoch(),
        &request.current_password,
        &request.new_password,
        &staff.actor(),
    )
    .await?;
    // The account's other sessions have ended; this one goes on.
    staff.keep_after_change(epoch).await?;
    Ok(StatusCode::NO_CONTENT)
}
