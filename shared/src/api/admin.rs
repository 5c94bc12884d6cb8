//! The admin API: staff issue, follow, revoke and renew. Every call but login needs the staff
//! session cookie; state-changing calls must come from the portal's own origin.

use crate::model::{
    Custody, Locale, MessageState, OrderState, RevocationReason, Role, Scope, ThemeDraft,
    WebhookEvent,
};
use serde::{Deserialize, Serialize};

/// Body of `POST /api/admin/orders`: the order's fields as typed (see
/// [`crate::model::OrderDraft`]), with `renews`/`supersede` for a renewal.
pub type CreateOrderRequest = crate::model::OrderDraft;

/// A new order and its certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateOrderResponse {
    /// The order's id.
    pub order_id: String,
    /// The certificate's serial, lower-case hex; `null` for an order whose key the customer
    /// makes, until the portal signs its request.
    pub serial: Option<String>,
}

/// One order in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    /// The order's id.
    pub order_id: String,
    /// The certificate's serial, lower-case hex; `None` until a customer-made key's request
    /// is signed.
    pub serial: Option<String>,
    /// Where the order is.
    pub state: OrderState,
    /// Who makes the private key.
    pub custody: Custody,
    /// The customer organisation.
    pub org: String,
    /// The service.
    pub service: String,
    /// The short client name.
    pub client: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's e-mail address.
    pub email: String,
    /// The contact's mobile number.
    pub mobile: String,
    /// When the order was made, RFC 3339.
    pub created_at: String,
    /// Who made it (`staff:alice`, `cli:root`).
    pub created_by: String,
    /// When the certificate stops being valid, RFC 3339; `None` before there is one.
    pub not_after: Option<String>,
    /// The serial of the certificate this order renews, if it is a renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<String>,
}

/// Query of `GET /api/admin/orders`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// Words to find in organisation, service, client, contact, e-mail, mobile, serial or id,
    /// each anywhere in a field; at least one of 3 characters or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only orders in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<OrderState>,
    /// At most this many (default 50; more than 200 is 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, maximum = 4294967295_u64))]
    pub limit: Option<u32>,
    /// Skip this many, up to 10,000 (beyond, `before` pages at the same cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // The whole u32 range (utoipa would call it int32, whose top is 2^31 - 1), as `limit`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, maximum = 4294967295_u64))]
    pub offset: Option<u32>,
    /// Orders after the last of an earlier page: that page's `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// A page of orders, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderList {
    /// The orders on this page.
    pub orders: Vec<OrderSummary>,
    /// How many orders match in all; a search counts up to 1,000 (see `total_exact`).
    pub total: u64,
    /// False when `total` is a lower bound: a search that matches more than 1,000 orders.
    pub total_exact: bool,
    /// The `before` of the next page, older; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The certificate of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateInfo {
    /// Lower-case hex.
    pub serial: String,
    /// `CN=...,OU=...,O=...`.
    pub subject: String,
    /// SHA-256 of the certificate, lower-case hex.
    pub fingerprint: String,
    /// `rsa2048`, `rsa3072` or `p256`.
    pub key_type: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// When it was revoked, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<RevocationReason>,
}

/// One event in an order's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: String,
    /// `contact`, `staff:alice`, `system`, `cli:root`.
    pub actor: String,
    /// `order.created`, `code.failed`, `bundle.downloaded`, ...
    pub action: String,
    /// The order it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The certificate it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The client's browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// More, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A message of an order and how its delivery went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageInfo {
    /// `sms` or `email`.
    pub channel: String,
    /// `collect_link`, `otp`, `password`, `certificate_issued`, `expiry_reminder`.
    pub purpose: String,
    /// A reminder's stage: days before the certificate ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<u32>,
    /// Queued, sent, failed (the portal gave up) or dropped (its order ended first).
    #[serde(default)]
    pub status: MessageState,
    /// When it was queued, RFC 3339.
    pub queued_at: String,
    /// When the provider took it, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// When it failed for good or was dropped, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
    /// Tries so far.
    pub attempts: u32,
    /// The last failure, if the latest try failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// What staff may do with an order now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderActions {
    /// Send a new link and code (same certificate).
    pub resend: bool,
    /// Cancel: wipe the file and revoke the uncollected certificate.
    pub cancel: bool,
    /// Revoke the certificate.
    pub revoke: bool,
    /// Start a new order from this one.
    pub renew: bool,
}

/// An order with its certificate, timeline and messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderDetail {
    /// The order.
    pub order: OrderSummary,
    /// `rsa2048`, `rsa3072` or `p256`.
    pub key: String,
    /// `modern` or `compatible`.
    pub profile: String,
    /// `en` or `nb`.
    pub locale: String,
    /// When the link ends, RFC 3339.
    pub link_expires_at: String,
    /// Wrong codes on the current code.
    pub code_attempts: u32,
    /// New codes sent so far.
    pub resends: u32,
    /// Downloads so far.
    pub downloads: u32,
    /// Whether a renewal revokes the old certificate once collected.
    pub supersede_on_collect: bool,
    /// The embedding site whose page the link e-mail points at; `None`: the portal's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The certificate; `None` until a customer-made key's request is signed.
    pub certificate: Option<CertificateInfo>,
    /// Everything that happened, oldest first.
    pub timeline: Vec<AuditEntry>,
    /// The messages and their delivery.
    pub messages: Vec<MessageInfo>,
    /// What staff may do now.
    pub actions: OrderActions,
}

/// Body of `POST /api/admin/certificates/{serial}/revoke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why; `unspecified` when absent.
    #[serde(default)]
    pub reason: RevocationReason,
}

/// How many orders are in one state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCount {
    /// The state.
    pub state: OrderState,
    /// How many orders.
    pub count: u64,
}

/// The dashboard: orders by state and certificates that expire soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Every state with its count (zero included).
    pub counts: Vec<StateCount>,
    /// Collected, unrevoked certificates that expire within `expiring_days`, soonest first.
    pub expiring: Vec<OrderSummary>,
    /// The window of `expiring`, in days.
    pub expiring_days: u32,
    /// Reminders queued in the last `reminded_days` days, newest first.
    #[serde(default)]
    pub reminded: Vec<ReminderInfo>,
    /// The window of `reminded`, in days.
    #[serde(default)]
    pub reminded_days: u32,
    /// Orders whose contact withdrew the certificate and asked for a new one that no order
    /// renews yet, oldest request first: renew them to start the normal flow.
    #[serde(default)]
    pub renewal_requests: Vec<OrderSummary>,
}

/// A reminder before a certificate's end that went to its contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderInfo {
    pub order_id: String,
    pub serial: String,
    /// Days before the end that it was due.
    pub stage: u32,
    /// When it was queued, RFC 3339.
    pub at: String,
}

/// Body of `POST /api/admin/login`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The staff member's user name.
    pub username: String,
    /// The password.
    pub password: String,
    /// The current TOTP code.
    pub totp: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The signed-in staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    /// The user name.
    pub username: String,
    /// What they may do.
    pub role: Role,
    /// Whether they still use the first password they were given.
    pub must_change_password: bool,
}

/// Body of `POST /api/admin/me/password`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password (12 to 128 characters).
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePasswordRequest")
    }
}

/// One staff account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSummary {
    /// The user name.
    pub username: String,
    /// What they may do.
    pub role: Role,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Whether they still use the first password they were given.
    pub must_change_password: bool,
    /// RFC 3339.
    pub created_at: String,
    /// Who added them.
    pub created_by: String,
}

/// Body of `POST /api/admin/staff`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    /// The user name.
    pub username: String,
    /// `admin` or `support` (default).
    #[serde(default)]
    pub role: Role,
}

/// Credentials handed out once: a first password and/or a TOTP enrolment.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// The user name.
    pub username: String,
    /// A first password, to be changed at first sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The `otpauth://totp/...` URI for an authenticator app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_uri: Option<String>,
    /// The same URI as a QR code, an SVG document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_qr_svg: Option<String>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// An API token as the admin page lists it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// RFC 3339; `None`: it does not end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// RFC 3339, to the minute; `None`: never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    /// RFC 3339; `None`: it works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// Body of `POST /api/admin/tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// 2 to 32 letters, digits or `._-`; the audit trail shows `token:<name>`.
    pub name: String,
    /// `orders:read`, `orders:write`, `revoke`: at least one.
    pub scopes: Vec<String>,
    /// Days until it ends (1 to 3650); absent: it does not end.
    #[serde(default)]
    pub expires_days: Option<u32>,
}

/// A new API token: shown this once, stored only as its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    /// `Authorization: Bearer <token>` on the admin API.
    pub token: String,
    pub info: TokenInfo,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// A webhook endpoint as the admin page lists it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookInfo {
    /// `ep_` and 32 hex digits.
    pub id: String,
    /// Where the events are POSTed.
    pub url: String,
    /// What it is told of.
    pub events: Vec<WebhookEvent>,
    /// RFC 3339.
    pub created_at: String,
    /// Who registered it: `staff:<name>`.
    pub created_by: String,
    /// RFC 3339; `None`: it is told of its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<String>,
}

/// Body of `POST /api/admin/webhooks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `https://` (or `http://`) and a host; at most 2,000 characters, no user name or
    /// password, no fragment.
    pub url: String,
    /// At least one of `order.created`, `order.collected`, `certificate.revoked`,
    /// `certificate.expiring`, `code.locked`, `self_service.revoked`.
    pub events: Vec<String>,
}

/// A new webhook endpoint with its signing secret, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    /// `whsec_` and the base64 of 32 random bytes, as the Standard Webhooks libraries take it.
    pub secret: String,
    /// The endpoint as listed.
    pub info: WebhookInfo,
}

impl std::fmt::Debug for CreatedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedWebhook")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// One event's delivery to one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// The `webhook-id` it was sent with, the same on every try.
    pub event_id: String,
    /// What happened.
    pub event: WebhookEvent,
    /// Waiting (or to be tried again), sent (the endpoint answered 2xx), failed (every try
    /// failed) or dropped (its endpoint was disabled first).
    pub status: MessageState,
    /// Tries so far, the one that took it included.
    pub attempts: u32,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: when the endpoint took it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// RFC 3339: when it was given up, or dropped with its endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
    /// What the last failed try met (a status, a timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Query of `GET /api/admin/audit`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only events whose actor starts with this (`staff:` for staff actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Only events older than this id (for paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// At most this many (default 100; more than 500 is 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u64>, maximum = 4294967295_u64))]
    pub limit: Option<u32>,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The events, each a pair `[id, event]`: the id (an integer, for `before`) and the
    /// `AuditEntry`.
    // utoipa writes a tuple as the `items: [...]` of JSON Schema draft 4, which OpenAPI 3.1
    // does not allow; each pair is documented as an array of any values instead.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub events: Vec<(i64, AuditEntry)>,
}

/// An embedding site as typed: what `POST /api/admin/sites` and `PUT /api/admin/sites/{name}`
/// take.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteDraft {
    /// 2 to 40 lower-case letters, digits and `-`: how the embed snippet names the site.
    pub name: String,
    /// The help centre's origin: `https://host[:port]` (`http://` only for localhost).
    pub origin: String,
    /// The page on that origin that embeds the portal; the link e-mail points there, with the
    /// token in the fragment.
    pub page: String,
    /// The languages the page offers (`en`, `nb`), the first the default; all when empty.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The organisations whose orders use the site by default and may use it at all; every
    /// organisation may when empty (and none uses it by default).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Its look; the portal's own where a field is left out.
    #[serde(default)]
    pub theme: ThemeDraft,
}

/// An embedding site as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    /// The site's name.
    pub name: String,
    /// The origin allowed to frame the collect pages.
    pub origin: String,
    /// Where the link e-mail points.
    pub page: String,
    /// `en`, `nb`: the first is the default.
    pub languages: Vec<Locale>,
    /// The organisations that use it; all when empty.
    pub organisations: Vec<String>,
    /// Its theme, normalised.
    pub theme: ThemeDraft,
    /// `/theme/{name}.css`, absolute.
    pub theme_url: String,
    /// The embed script's URL, with its version.
    pub script_url: String,
    /// The embed script's Subresource Integrity hash (`sha384-…`).
    pub integrity: String,
    /// The HTML to paste into the help centre's page.
    pub snippet: String,
    /// RFC 3339.
    pub created_at: String,
    /// `staff:<name>`.
    pub created_by: String,
    /// RFC 3339; `None`: the site can frame the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<String>,
}
