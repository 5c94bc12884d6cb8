//! Orders on the admin page: list, create (and renew), detail, resend, cancel, revoke,
//! dashboard.

use super::{Caller, ReadOrders, RevokeCertificates, WriteOrders};
use crate::error::AppError;
use crate::flow::admin;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use certportal_shared::api::admin::{
    CertificateInfo, CreateOrderRequest, CreateOrderResponse, Dashboard, OrderDetail, OrderList,
    OrderQuery, RevokeRequest,
};
use certportal_shared::error::ApiError;
use certportal_shared::model::Serial;
use certportal_shared::{ErrorCode, routes};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(resend))
        .routes(routes!(cancel))
        .routes(routes!(revoke))
        .routes(routes!(dashboard))
}

/// Orders with their state, newest first; `q` searches. A page's `next` is the `before` of
/// the page after it.
#[utoipa::path(
    get,
    path = routes::ADMIN_ORDERS,
    operation_id = "orders_list",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:read"])),
    params(OrderQuery),
    responses(
        (status = 200, description = "A page of orders.", body = OrderList),
        (status = 400, description = "`MALFORMED_REQUEST`: an unknown or malformed query parameter; `INVALID_INPUT` naming `q` (no word of 3 characters or more), `before` (not a `next`) or `offset` (over 10,000).", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn list(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrderList>, AppError> {
    Ok(Json(admin::list(&state, &query).await?))
}

/// Issues a certificate and queues the link e-mail and the code SMS, as `certportal order
/// create` does; with `renews`, a renewal of that certificate.
#[utoipa::path(
    post,
    path = routes::ADMIN_ORDERS,
    operation_id = "orders_create",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:write"])),
    request_body = CreateOrderRequest,
    responses(
        (status = 200, description = "The new order.", body = CreateOrderResponse),
        (status = 400, description = "`INVALID_INPUT`, with `fields` naming each field that failed; `MALFORMED_REQUEST`.", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_SERIAL`: `renews` names no certificate.", body = ApiError),
        (status = 409, description = "`RENEWAL_UNDER_WAY`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller<WriteOrders>,
    ApiJson(request): ApiJson<CreateOrderRequest>,
) -> Result<Json<CreateOrderResponse>, AppError> {
    let created = admin::create(&state, &request, &caller.actor()).await?;
    Ok(Json(CreateOrderResponse {
        order_id: created.order_id,
        serial: created.serial,
    }))
}

/// One order with its certificate, timeline and messages.
#[utoipa::path(
    get,
    path = routes::ADMIN_ORDER,
    operation_id = "orders_detail",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:read"])),
    params(("id" = String, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order.", body = OrderDetail),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn detail(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    Ok(Json(admin::detail(&state, &id).await?))
}

/// A new link and code for the order (the same certificate).
#[utoipa::path(
    post,
    path = routes::ADMIN_ORDER_RESEND,
    operation_id = "orders_resend",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:write"])),
    params(("id" = String, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order after the resend.", body = OrderDetail),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: the order is past collecting.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn resend(
    State(state): State<AppState>,
    caller: Caller<WriteOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    admin::resend(&state, &id, &caller.actor()).await?;
    Ok(Json(admin::detail(&state, &id).await?))
}

/// Cancels the order: wipes the file and revokes the uncollected certificate.
#[utoipa::path(
    post,
    path = routes::ADMIN_ORDER_CANCEL,
    operation_id = "orders_cancel",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:write"])),
    params(("id" = String, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order after the cancellation.", body = OrderDetail),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`NOT_FOUND`.", body = ApiError),
        (status = 409, description = "`INVALID_STATE`: the order is past cancelling.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller<WriteOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    admin::cancel(&state, &id, &caller.actor()).await?;
    Ok(Json(admin::detail(&state, &id).await?))
}

/// Withdraws a certificate.
#[utoipa::path(
    post,
    path = routes::ADMIN_REVOKE,
    operation_id = "certificates_revoke",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["revoke"])),
    params(("serial" = String, Path, description = "The certificate's serial, hex (`:` separators and either case allowed).")),
    request_body = RevokeRequest,
    responses(
        (status = 200, description = "The certificate, revoked.", body = CertificateInfo),
        (status = 400, description = "`INVALID_INPUT` (the serial), `MALFORMED_REQUEST` (the reason).", body = ApiError),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`, `CROSS_SITE_REQUEST`.", body = ApiError),
        (status = 404, description = "`UNKNOWN_SERIAL`.", body = ApiError),
        (status = 409, description = "`ALREADY_REVOKED`.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller<RevokeCertificates>,
    Path(serial): Path<String>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Json<CertificateInfo>, AppError> {
    let serial = Serial::parse(&serial).map_err(|error| AppError::invalid(vec![error]))?;
    crate::flow::revoke::revoke(&state, &serial, request.reason, &caller.actor()).await?;
    let record = state
        .store
        .certificate(serial.as_str())
        .await?
        .ok_or_else(|| {
            AppError::refuse(
                ErrorCode::UnknownSerial,
                format!("no certificate has serial {serial}"),
            )
        })?;
    Ok(Json(admin::certificate_info(record)))
}

/// Counts by state, certificates that end soon, reminders sent and renewal requests.
#[utoipa::path(
    get,
    path = routes::ADMIN_DASHBOARD,
    operation_id = "orders_dashboard",
    tag = "orders",
    security(("staff_session" = []), ("api_token" = ["orders:read"])),
    responses(
        (status = 200, description = "The dashboard.", body = Dashboard),
        (status = 401, description = "`UNAUTHENTICATED`: no staff session, or an unknown, revoked or expired token.", body = ApiError),
        (status = 403, description = "`FORBIDDEN` (the token lacks the scope), `PASSWORD_CHANGE_REQUIRED`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn dashboard(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(admin::dashboard(&state).await?))
}
