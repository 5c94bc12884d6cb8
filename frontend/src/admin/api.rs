//! The calls the staff app makes. Every call carries the staff session cookie (same origin
//! only); a `401 UNAUTHENTICATED` from any of them means the session has ended. Sending them is
//! the kit's work (`kit::http`).

pub use kit::http::ApiFailure;

use certportal_shared::api::admin::{
    AuditPage, CertificateInfo, ChangePasswordRequest, CreateOrderRequest, CreateOrderResponse,
    CreateTokenRequest, CreateWebhookRequest, CreatedToken, CreatedWebhook, Dashboard, Enrolment,
    LoginRequest, NewStaffRequest, OrderDetail, OrderList, RevokeRequest, SiteDraft, SiteInfo,
    StaffMe, StaffSummary, TokenInfo, WebhookDelivery, WebhookInfo,
};
use certportal_shared::model::{OrderState, RevocationReason, Role};
use certportal_shared::routes;
use kit::http::{Call, Cookies};
use kit::url;
use serde::Serialize;
use serde::de::DeserializeOwned;

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    Call::get(path).same_origin().json().await
}

async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiFailure> {
    Call::post(path, body).same_origin().json().await
}

/// A POST whose answer is `204 No Content`.
async fn post_empty(path: &str) -> Result<(), ApiFailure> {
    Call::post_empty(path)
        .same_origin()
        .send()
        .await
        .map(|_| ())
}

/// Signs in; the portal sets the session cookie.
pub async fn login(request: &LoginRequest) -> Result<StaffMe, ApiFailure> {
    post(routes::ADMIN_LOGIN, request).await
}

/// Ends the session.
pub async fn logout() -> Result<(), ApiFailure> {
    post_empty(routes::ADMIN_LOGOUT).await
}

/// Who is signed in; `UNAUTHENTICATED` when nobody.
pub async fn me() -> Result<StaffMe, ApiFailure> {
    get(routes::ADMIN_ME).await
}

/// Changes one's own password.
pub async fn change_password(request: &ChangePasswordRequest) -> Result<(), ApiFailure> {
    Call::post(routes::ADMIN_ME_PASSWORD, request)
        .same_origin()
        .send()
        .await
        .map(|_| ())
}

/// A page of orders, newest first: words to find, a state, how many, after which (the
/// `next` of the page before).
pub async fn orders(
    q: &str,
    state: Option<OrderState>,
    limit: u32,
    before: Option<&str>,
) -> Result<OrderList, ApiFailure> {
    let limit = limit.to_string();
    let query = url::query(&[
        ("q", q.trim()),
        ("state", state.map(OrderState::as_str).unwrap_or_default()),
        ("limit", &limit),
        ("before", before.unwrap_or_default()),
    ]);
    get(&format!("{}{query}", routes::ADMIN_ORDERS)).await
}

/// Issues a certificate and sends the link and code (a renewal when `renews` is set).
pub async fn create_order(request: &CreateOrderRequest) -> Result<CreateOrderResponse, ApiFailure> {
    post(routes::ADMIN_ORDERS, request).await
}

/// One order with its certificate, timeline, messages and the actions open now.
pub async fn order(order_id: &str) -> Result<OrderDetail, ApiFailure> {
    get(&routes::admin_order(&url::encode(order_id), None)).await
}

/// `resend` (a new link and code, same certificate) or `cancel`; the order as it is after.
pub async fn order_action(order_id: &str, action: &str) -> Result<OrderDetail, ApiFailure> {
    Call::post_empty(&routes::admin_order(&url::encode(order_id), Some(action)))
        .same_origin()
        .json()
        .await
}

/// Revokes a certificate.
pub async fn revoke(serial: &str, reason: RevocationReason) -> Result<CertificateInfo, ApiFailure> {
    post(
        &routes::admin_revoke(&url::encode(serial)),
        &RevokeRequest { reason },
    )
    .await
}

/// Counts by state and the certificates that expire soon.
pub async fn dashboard() -> Result<Dashboard, ApiFailure> {
    get(routes::ADMIN_DASHBOARD).await
}

/// Every staff account (admins only).
pub async fn staff() -> Result<Vec<StaffSummary>, ApiFailure> {
    get(routes::ADMIN_STAFF).await
}

/// Adds a staff account; the answer holds its first password and TOTP enrolment, once.
pub async fn add_staff(username: String, role: Role) -> Result<Enrolment, ApiFailure> {
    post(routes::ADMIN_STAFF, &NewStaffRequest { username, role }).await
}

/// `disable` or `enable` an account.
pub async fn staff_switch(username: &str, action: &str) -> Result<(), ApiFailure> {
    post_empty(&routes::admin_staff(&url::encode(username), action)).await
}

/// `reset-password` or `reset-totp`: the new credential, shown once.
pub async fn staff_reset(username: &str, action: &str) -> Result<Enrolment, ApiFailure> {
    Call::post_empty(&routes::admin_staff(&url::encode(username), action))
        .same_origin()
        .json()
        .await
}

/// Every API token (admins only).
pub async fn tokens() -> Result<Vec<TokenInfo>, ApiFailure> {
    get(routes::ADMIN_TOKENS).await
}

/// Makes a token; the answer holds it, once.
pub async fn create_token(request: &CreateTokenRequest) -> Result<CreatedToken, ApiFailure> {
    post(routes::ADMIN_TOKENS, request).await
}

/// Revokes a token.
pub async fn revoke_token(name: &str) -> Result<TokenInfo, ApiFailure> {
    Call::post_empty(&routes::path(
        routes::ADMIN_TOKEN_REVOKE,
        &url::encode(name),
    ))
    .same_origin()
    .json()
    .await
}

/// Every webhook endpoint (admins only).
pub async fn webhooks() -> Result<Vec<WebhookInfo>, ApiFailure> {
    get(routes::ADMIN_WEBHOOKS).await
}

/// Registers an endpoint; the answer holds its secret, once.
pub async fn create_webhook(request: &CreateWebhookRequest) -> Result<CreatedWebhook, ApiFailure> {
    post(routes::ADMIN_WEBHOOKS, request).await
}

/// Disables an endpoint.
pub async fn disable_webhook(id: &str) -> Result<WebhookInfo, ApiFailure> {
    Call::post_empty(&routes::path(
        routes::ADMIN_WEBHOOK_DISABLE,
        &url::encode(id),
    ))
    .same_origin()
    .json()
    .await
}

/// An endpoint's latest deliveries, newest first.
pub async fn webhook_deliveries(id: &str) -> Result<Vec<WebhookDelivery>, ApiFailure> {
    get(&routes::path(
        routes::ADMIN_WEBHOOK_DELIVERIES,
        &url::encode(id),
    ))
    .await
}

/// Every embedding site (admins only).
pub async fn sites() -> Result<Vec<SiteInfo>, ApiFailure> {
    get(routes::ADMIN_SITES).await
}

/// Registers a site; it may frame the collect pages at once.
pub async fn create_site(draft: &SiteDraft) -> Result<SiteInfo, ApiFailure> {
    post(routes::ADMIN_SITES, draft).await
}

/// Replaces a site's origin, page, languages, organisations and theme (its name stays).
pub async fn update_site(name: &str, draft: &SiteDraft) -> Result<SiteInfo, ApiFailure> {
    let path = routes::path(routes::ADMIN_SITE, &url::encode(name));
    // The kit makes no PUT (this is the app's only one), so the call is written out.
    Call {
        method: "PUT",
        path: &path,
        // Serialising plain structs of strings and numbers cannot fail.
        json: serde_json::to_string(draft).ok(),
        bearer: None,
        cookies: Cookies::SameOrigin,
    }
    .json()
    .await
}

/// Disables a site: it can no longer frame the portal.
pub async fn disable_site(name: &str) -> Result<SiteInfo, ApiFailure> {
    Call::post_empty(&routes::path(
        routes::ADMIN_SITE_DISABLE,
        &url::encode(name),
    ))
    .same_origin()
    .json()
    .await
}

/// Staff actions in the audit log, newest first, older than the event `before`.
pub async fn audit(before: Option<i64>, limit: u32) -> Result<AuditPage, ApiFailure> {
    let (before, limit) = (before.map(|id| id.to_string()), limit.to_string());
    let query = url::query(&[
        ("actor", "staff:"),
        ("before", before.as_deref().unwrap_or_default()),
        ("limit", &limit),
    ]);
    get(&format!("{}{query}", routes::ADMIN_AUDIT)).await
}
