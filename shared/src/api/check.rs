//! The mTLS check: a TLS endpoint that asks for a client certificate and says whether it is
//! one of the portal's and still good, so that a customer can test an installed certificate.

use serde::{Deserialize, Serialize};

/// The answer for a certificate that works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
