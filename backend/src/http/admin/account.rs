//! Signing in and out, and one's own account.

use super::{STAFF_KEY, SessionStaff, SignedIn, sign_in};
use crate::error::{AppError, Fault};
use crate::flow::staff;
use crate::http::extract::{ApiJson, ClientMeta};
use crate::http::ratelimit;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use certportal_shared::api::admin::{ChangePasswordRequest, LoginRequest, StaffMe};
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use tower_sessions::Session;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    // Per address, before anything else runs, beside the per-account throttle in the flow.
    let limiter = ratelimit::RateLimiter::new(state.config.admin.login_rate_per_minute);
    OpenApiRouter::new()
        .routes(routes!(login).layer(middleware::from_fn_with_state(limiter, ratelimit::limit)))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// Signs a staff member in: sets the session cookie.
#[utoipa::path(
    post,
    path = routes::ADMIN_LOGIN,
    operation_id = "admin_login",
    tag = "admin",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the staff session cookie is set.", body = StaffMe,
            headers(("Set-Cookie" = String, description = "`certportal_admin=…; HttpOnly; SameSite=Strict; Path=/api/admin`"))),
        (status = 400, description = "`MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`LOGIN_FAILED`: wrong user name, password or TOTP code.", body = ApiError),
        (status = 403, description = "`CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`LOGIN_THROTTLED` (with `retry_after`), `RATE_LIMITED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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

/// Signs out: ends the session, if there is one.
#[utoipa::path(
    post,
    path = routes::ADMIN_LOGOUT,
    operation_id = "admin_logout",
    tag = "admin",
    security((), ("staff_session" = [])),
    responses(
        (status = 204, description = "Signed out (or was not signed in)."),
        (status = 403, description = "`CROSS_SITE_REQUEST`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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

/// The signed-in staff member; open with the first password too.
#[utoipa::path(
    get,
    path = routes::ADMIN_ME,
    operation_id = "admin_me",
    tag = "admin",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Who is signed in.", body = StaffMe),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn me(staff: SignedIn) -> Json<StaffMe> {
    Json(StaffMe {
        username: staff.username,
        role: staff.role,
        must_change_password: staff.must_change_password,
    })
}

/// Changes one's own password; the account's other sessions end, this one goes on.
#[utoipa::path(
    post,
    path = routes::ADMIN_ME_PASSWORD,
    operation_id = "admin_change_password",
    tag = "admin",
    security(("staff_session" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed."),
        (status = 400, description = "`INVALID_INPUT` (`new_password` too short or long, `current_password` wrong), `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`.", body = ApiError),
        (status = 403, description = "`CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 429, description = "`RATE_LIMITED`: too many password hashes at once.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
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
