//! The contact's own withdrawal: from the link in the receipt e-mail, with a code sent to the
//! order's mobile, the contact revokes the certificate and can ask support for a new one.

use crate::model::RevocationReason;
use serde::{Deserialize, Serialize};

/// What the report page shows on arrival, and after each step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportResponse {
    pub org: String,
    pub service: String,
    pub client: String,
    /// The certificate's serial, hex.
    pub serial: String,
    /// When the certificate ends, RFC 3339.
    pub not_after: String,
    /// Where codes go, with most digits hidden.
    pub masked_mobile: String,
    /// When it was withdrawn, RFC 3339; `None` while it works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// Why it was withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<RevocationReason>,
    /// Seconds until the current code ends; 0 when there is none.
    pub code_expires_in: u64,
    /// Wrong tries left on the current code.
    pub attempts_left: u32,
    /// Codes that may still be asked for.
    pub codes_left: u32,
    /// Seconds before a code may be asked for.
    pub code_available_in: u64,
    /// Whether the contact asked support for a new certificate.
    pub renewal_requested: bool,
    /// Whether a new certificate may be asked for now: after a withdrawal, or once the
    /// certificate is as near its end as the first reminder.
    #[serde(default)]
    pub renewal_open: bool,
    /// The order's language (`en`, `nb`).
    pub locale: String,
}

/// Body of `POST /api/report/revoke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportRevokeRequest {
    pub token: String,
    pub code: String,
    /// `keyCompromise` (lost, or someone else may have it) or `cessationOfOperation` (no
    /// longer needed); nothing else.
    pub reason: String,
}
