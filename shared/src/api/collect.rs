//! The collect flow: the contact opens the link, proves the code, downloads, confirms.

use crate::model::{Custody, KeyType, OrderState, Profile, Sha256Digest};
use serde::{Deserialize, Serialize};

/// Body of `open` and `resend`: the token from the link's fragment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The link token.
    pub token: String,
}

/// What the collect page shows on arrival.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Who makes the private key: `server` (a file to download), `csr` (the contact sends a
    /// certificate request) or `browser`.
    pub custody: Custody,
    /// The certificate's subject as `openssl req -subj` takes it (`/O=…/OU=…/CN=…`), for the
    /// request the contact makes; the portal writes this subject whatever the request says.
    pub subject: String,
    /// For custody `browser` only: how the page makes the key and seals the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<PageBuild>,
}

/// How the collect page makes the key and seals the PKCS#12 file itself (custody `browser`):
/// the order's key and profile, and the portal's own iteration count and password length, so
/// that the file is as strong as one the portal would have made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageBuild {
    /// The key to make (`rsa2048`, `rsa3072` or `p256`).
    pub key: KeyType,
    /// How the file is protected (`modern` or `compatible`).
    pub profile: Profile,
    /// The iteration count of the file's key derivations and MAC.
    pub iterations: u32,
    /// Characters in the file's password.
    pub password_length: u32,
}

/// Body of `verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The link token.
    pub token: String,
    /// The one-time code from the SMS.
    pub code: String,
}

/// A collect session, opened by the right code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Wrong tries the new code allows.
    pub attempts_left: u32,
}

/// Body of `POST /api/collect/csr`: the contact's certificate request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CsrRequest {
    /// A PKCS#10 request, PEM or base64 DER.
    pub csr: String,
}

/// The certificate for the contact's own key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsrResponse {
    /// The certificate, PEM.
    pub certificate: String,
    /// The CA certificate it chains to, PEM.
    pub chain: String,
    /// The certificate's serial, lower-case hex.
    pub serial: String,
}

/// Body of `receipt`: the SHA-256 of the file as the browser received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// Hex or base64.
    pub sha256: Sha256Digest,
}

/// The receipt was taken; the password is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptResponse {
    /// Where the password goes, with most digits hidden.
    pub masked_mobile: String,
    /// The order's state after the receipt (`collected`).
    pub state: OrderState,
}

/// The SHA-256 in a `Repr-Digest` header (RFC 9530) of the `bundle` response: the member
/// `sha-256=:<base64>:`, possibly among members for other algorithms. `None` when there is none
/// or it is not a SHA-256 digest.
pub fn repr_digest_sha256(header: &str) -> Option<Sha256Digest> {
    header.split(',').find_map(|member| {
        let (algorithm, value) = member.trim().split_once('=')?;
        if !algorithm.trim().eq_ignore_ascii_case("sha-256") {
            return None;
        }
        let base64 = value.trim().strip_prefix(':')?.strip_suffix(':')?;
        Sha256Digest::parse(base64).ok()
    })
}

/// The file name in a `Content-Disposition: attachment; filename="..."` header of the `bundle`
/// response, reduced to ASCII letters, digits, `-`, `_` and `.` with no leading dot, so that it
/// is safe as a download name and inside the shell commands a page shows. `None` when the
/// header names no usable file.
pub fn attachment_filename(header: &str) -> Option<String> {
    let start = header.find("filename=")? + "filename=".len();
    let rest = &header[start..];
    let name = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest.split(';').next()?.trim(),
    };
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let safe = safe.trim_start_matches('.');
    (!safe.is_empty()).then(|| safe.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sha256_is_read_from_a_repr_digest_among_other_members() {
        let digest = Sha256Digest::from_bytes([7; 32]);
        let header = format!("sha-512=:AAAA:, sha-256=:{}:", digest.to_base64());
        assert_eq!(repr_digest_sha256(&header), Some(digest));
        assert_eq!(
            repr_digest_sha256(&format!("sha-256=:{}:", digest.to_base64())),
            Some(digest)
        );
        assert_eq!(repr_digest_sha256("sha-256=nope"), None);
        assert_eq!(repr_digest_sha256("sha-512=:AAAA:"), None);
    }

    #[test]
    fn the_attachment_name_loses_paths_quotes_and_leading_dots() {
        assert_eq!(
            attachment_filename("attachment; filename=\"e-banking-0a1b.p12\"").as_deref(),
            Some("e-banking-0a1b.p12")
        );
        assert_eq!(
            attachment_filename("attachment; filename=\"../../etc/x y.p12\"").as_deref(),
            Some("etcxy.p12")
        );
        assert_eq!(
            attachment_filename("attachment; filename=plain.p12; size=3").as_deref(),
            Some("plain.p12")
        );
        assert_eq!(attachment_filename("attachment"), None);
        assert_eq!(attachment_filename("attachment; filename=\"..\""), None);
    }
}
