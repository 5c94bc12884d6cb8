//! The mTLS check: a TLS endpoint that asks for a client certificate and says whether it is
//! one of the portal's and still good, so that a customer can test an installed certificate.

use serde::{Deserialize, Serialize};

/// The answer for a certificate that works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResponse {
    /// Always `valid`: other outcomes are refusals (`CERTIFICATE_REVOKED`,
    /// `CERTIFICATE_EXPIRED`, `UNKNOWN_SERIAL`).
    pub status: String,
    /// `CN=...,OU=...,O=...`.
    pub subject: String,
    /// Lower-case hex.
    pub serial: String,
    /// RFC 3339.
    pub not_after: String,
    /// Whole days until the certificate ends.
    pub days_left: i64,
}

/// The answer to `POST /api/renew` on the mTLS listener: the renewal order the certificate
/// started. Its contact gets the link and code as for any order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewResponse {
    pub order_id: String,
    /// The new certificate's serial; `null` until the customer's request is signed (custody
    /// `browser` or `csr`).
    pub serial: Option<String>,
    /// The serial of the certificate that asked, which the new one supersedes once collected.
    pub renews: String,
    /// Where the code goes, with most digits hidden (the contact's e-mail is not told).
    pub masked_mobile: String,
}
