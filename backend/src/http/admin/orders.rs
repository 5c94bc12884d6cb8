//! Orders on the admin page: list, create (and renew), detail, resend, cancel, revoke,
//! dashboard.

use super::{Caller, ReadOrders, RevokeCertificates, WriteOrders};
use crate::error::AppError;
use crate::flow::admin;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use certportal_shared::api::admin::{
    CertificateInfo, CreateOrderRequest, CreateOrderResponse, Dashboard, OrderDetail, OrderList,
    OrderQuery, RevokeRequest,
};
use certportal_shared::model::Serial;
use certportal_shared::{ErrorCode, routes};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::ADMIN_ORDERS, get(list).post(create))
        .route(routes::ADMIN_ORDER, get(detail))
        .route(routes::ADMIN_ORDER_RESEND, post(resend))
        .route(routes::ADMIN_ORDER_CANCEL, post(cancel))
        .route(routes::ADMIN_REVOKE, post(revoke))
        .route(routes::ADMIN_DASHBOARD, get(dashboard))
}

async fn list(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrderList>, AppError> {
    Ok(Json(admin::list(&state, &query).await?))
}

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

async fn detail(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    Ok(Json(admin::detail(&state, &id).await?))
}

async fn resend(
    State(state): State<AppState>,
    caller: Caller<WriteOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    admin::resend(&state, &id, &caller.actor()).await?;
    Ok(Json(admin::detail(&state, &id).await?))
}

async fn cancel(
    State(state): State<AppState>,
    caller: Caller<WriteOrders>,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    admin::cancel(&state, &id, &caller.actor()).await?;
    Ok(Json(admin::detail(&state, &id).await?))
}

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

async fn dashboard(
    State(state): State<AppState>,
    _caller: Caller<ReadOrders>,
) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(admin::dashboard(&state).await?))
}
