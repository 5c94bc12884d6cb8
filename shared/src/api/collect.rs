//! The collect flow: the contact opens the link, proves the code, downloads, confirms.

use crate::model::{OrderState, Sha256Digest};
use serde::{Deserialize, Serialize};

/// Body of `open` and `resend`: the token from the link's fragment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The link token.
    pub token: String,
}

/// What the collect page shows on arrival.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenResponse {
    /// The customer organisation.
    pub org: String,
    /// The service the certificate gives access to.
    pub service: String,
    /// The short client name.
    pub client: String,
    /// The contact's name.
    pub contact_name: String,
    /// Where the code went, with most digits hidden.
    pub masked_mobile: String,
    /// Where the order is (`link_sent`, `code_verified`, `downloaded`, ...).
    pub state: OrderState,
    /// When the current code ends, RFC 3339.
    pub code_expires_at: String,
    /// Seconds until the current code ends (0 when it has), free of clock skew.
    pub code_expires_in: u64,
    /// Wrong tries left on the current code.
    pub attempts_left: u32,
    /// New codes that may still be asked for.
    pub resends_left: u32,
    /// Seconds before a new code may be asked for.
    pub resend_available_in: u64,
    /// When the link ends, RFC 3339.
    pub link_expires_at: String,
    /// The language the order was made in (`en`, `nb`).
    pub locale: String,
}

/// Body of `verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The link token.
    pub token: String,
    /// The one-time code from the SMS.
    pub code: String,
}

/// A collect session, opened by the right code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyResponse {
    /// The bearer token for `bundle` and `receipt`; keep it in memory only.
    pub session: String,
    /// When the session ends, RFC 3339.
    pub expires_at: String,
    /// Seconds until the session ends.
    pub expires_in: u64,
    /// Downloads left before a receipt.
    pub downloads_left: u32,
}

/// The state of the code after a new one was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResendResponse {
    /// Where the code went, with most digits hidden.
    pub masked_mobile: String,
    /// When the new code ends, RFC 3339.
    pub code_expires_at: String,
    /// Seconds until the new code ends.
    pub code_expires_in: u64,
    /// New codes that may still be asked for.
    pub resends_left: u32,
    /// Seconds before another code may be asked for.
    pub resend_available_in: u64,
}

/// Body of `receipt`: the SHA-256 of the file as the browser received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// Hex or base64.
    pub sha256: Sha256Digest,
}

/// The receipt was taken; the password is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptResponse {
    /// Where the password goes, with most digits hidden.
    pub masked_mobile: String,
    /// The order's state after the receipt (`collected`).
    pub state: OrderState,
}
