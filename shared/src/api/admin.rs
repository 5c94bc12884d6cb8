//! The admin API: staff issue, follow, revoke and renew.

use crate::model::{OrderState, RevocationReason};
use serde::{Deserialize, Serialize};

/// Body of `POST /api/admin/orders`: the order's fields as typed (see [`crate::model::OrderDraft`]).
pub type CreateOrderRequest = crate::model::OrderDraft;

/// A new order and its certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderResponse {
    /// The order's id.
    pub order_id: String,
    /// The certificate's serial, lower-case hex.
    pub serial: String,
}

/// One order in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// The order's id.
    pub order_id: String,
    /// The certificate's serial, lower-case hex.
    pub serial: String,
    /// Where the order is.
    pub state: OrderState,
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
    /// When the certificate stops being valid, RFC 3339.
    pub not_after: String,
}

/// Body of `POST /api/admin/certificates/{serial}/revoke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why; `unspecified` when absent.
    #[serde(default = "default_reason")]
    pub reason: RevocationReason,
}

fn default_reason() -> RevocationReason {
    RevocationReason::Unspecified
}

/// Body of `POST /api/admin/login`.
#[derive(Clone, Serialize, Deserialize)]
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
