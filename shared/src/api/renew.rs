//! Renewal from the old certificate, in a browser: the renewal page opens the old PKCS#12
//! file, signs the portal's challenge with its key, and the portal starts the renewal order
//! (answered with [`super::check::RenewResponse`], as for the mTLS renewal).

use serde::{Deserialize, Serialize};

/// What the signature covers: this prefix, then the challenge as the portal gave it. The
/// prefix keeps the signature from meaning anything anywhere else.
pub const SIGNED_PREFIX: &str = "certportal renewal v1\n";

/// The bytes to sign for `challenge`.
pub fn signed_message(challenge: &str) -> Vec<u8> {
    [SIGNED_PREFIX.as_bytes(), challenge.as_bytes()].concat()
}

/// The answer to `POST /api/renew/challenge`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeResponse {
    /// Base64url, to be signed as [`signed_message`] says and sent back once.
    pub challenge: String,
    /// Seconds it stays good.
    pub expires_in: u64,
}

/// Body of `POST /api/renew/signed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedRenewalRequest {
    pub challenge: String,
    /// The old certificate, DER in standard base64.
    pub certificate: String,
    /// Its key's signature over [`signed_message`], standard base64: RSASSA-PKCS1-v1_5 with
    /// SHA-256 for an RSA key, ECDSA P-256 with SHA-256 as r || s (64 bytes, WebCrypto's form)
    /// for an EC key.
    pub signature: String,
}
