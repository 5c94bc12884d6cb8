//! The stable error codes of the protocol and the JSON error body.
//!
//! Every refusal the portal or the inspector makes carries one of these codes. They are part of
//! the public contract: tests and the browser app branch on them, so a code is never renamed.
//! An SPA older than the server still understands a response with a new code: it deserialises
//! into [`ErrorCode::Other`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// A stable, machine-readable reason for a refusal.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
            /// A code this build does not know (sent by a newer server).
            Other(String),
        }

        impl ErrorCode {
            /// The code as it travels on the wire, in SCREAMING_SNAKE_CASE.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(text) => text,
                }
            }

            /// Reads a code from its wire form; unknown codes become [`ErrorCode::Other`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        // Serde writes the code as its string (by hand, for the catch-all), so the schema is
        // written by hand too: a string, one of the codes this build knows.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for ErrorCode {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(
                        "A stable, machine-readable reason for a refusal. A code is never \
                         renamed; new ones may be added, so a client should treat one it does \
                         not know as a failure. The NOT_PKCS12 to MALFORMED codes are the \
                         inspector's (the browser's and the CLI's), not the server's.",
                    ))
                    .enum_values(Some([$($text),*]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for ErrorCode {}
    };
}

error_codes! {
    /// A request field failed validation; `fields` names which.
    InvalidInput => "INVALID_INPUT",
    /// The request body is not the JSON the endpoint expects.
    MalformedRequest => "MALFORMED_REQUEST",
    /// The request body is larger than the endpoint accepts.
    PayloadTooLarge => "PAYLOAD_TOO_LARGE",
    /// The request body is not of the media type the endpoint takes.
    UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
    /// The path exists but not with this method; the `Allow` header names those it takes.
    MethodNotAllowed => "METHOD_NOT_ALLOWED",
    /// No such resource.
    NotFound => "NOT_FOUND",
    /// No certificate has that serial number.
    UnknownSerial => "UNKNOWN_SERIAL",
    /// The certificate was already revoked.
    AlreadyRevoked => "ALREADY_REVOKED",
    /// The link token matches no order.
    UnknownLink => "UNKNOWN_LINK",
    /// The link is older than its lifetime.
    LinkExpired => "LINK_EXPIRED",
    /// The certificate behind the link has been collected already.
    LinkUsed => "LINK_USED",
    /// Support cancelled or revoked the order behind the link.
    LinkCancelled => "LINK_CANCELLED",
    /// The one-time code is wrong; `attempts_left` says how many tries remain.
    WrongCode => "WRONG_CODE",
    /// The one-time code is older than its lifetime; ask for a new one.
    CodeExpired => "CODE_EXPIRED",
    /// Too many wrong codes: this code is ended; ask for a new one.
    CodeLocked => "CODE_LOCKED",
    /// A new code was sent too recently; `retry_after` says when to ask again.
    ResendCooldown => "RESEND_COOLDOWN",
    /// No more new codes can be sent for this order.
    ResendLimit => "RESEND_LIMIT",
    /// The collect session is missing, unknown or expired.
    SessionInvalid => "SESSION_INVALID",
    /// The file was downloaded as often as allowed before a receipt.
    DownloadLimit => "DOWNLOAD_LIMIT",
    /// The digest in the receipt is not that of the file the server sent.
    DigestMismatch => "DIGEST_MISMATCH",
    /// The file is no longer held by the server.
    BundleGone => "BUNDLE_GONE",
    /// The order's key is made by the customer (custody `browser` or `csr`): the server never
    /// had a key or a file to hand out.
    NoServerKey => "NO_SERVER_KEY",
    /// A certificate request for an order whose key the server makes (custody `server`), or
    /// for an order whose request was signed already.
    CsrNotExpected => "CSR_NOT_EXPECTED",
    /// The certificate request is not a PKCS#10 request in PEM or base64 DER.
    CsrMalformed => "CSR_MALFORMED",
    /// The certificate request is larger than 16 KiB.
    CsrTooLarge => "CSR_TOO_LARGE",
    /// The request's signature does not verify with its own key (no proof of possession).
    CsrBadSignature => "CSR_BAD_SIGNATURE",
    /// The request's key: RSA outside 2048-4096 bits, an exponent other than 65537, a
    /// modulus with a small factor, or an EC point not on its curve.
    CsrWeakKey => "CSR_WEAK_KEY",
    /// The request's key is that of another live certificate (or of the CA).
    CsrKeyReused => "CSR_KEY_REUSED",
    /// The request's key is on the blocked list: a certificate with it was revoked as
    /// `keyCompromise`.
    CsrBlockedKey => "CSR_BLOCKED_KEY",
    /// The request's key or signature algorithm is not RSA or ECDSA P-256/P-384 with
    /// SHA-256/384/512.
    CsrUnsupportedAlgorithm => "CSR_UNSUPPORTED_ALGORITHM",
    /// Too many requests from this client; `retry_after` says when to try again.
    RateLimited => "RATE_LIMITED",
    /// No staff session, or it has ended.
    Unauthenticated => "UNAUTHENTICATED",
    /// The staff member's role does not allow this.
    Forbidden => "FORBIDDEN",
    /// A state-changing request came from another site.
    CrossSiteRequest => "CROSS_SITE_REQUEST",
    /// Wrong user name, password or TOTP code.
    LoginFailed => "LOGIN_FAILED",
    /// Too many failed logins; `retry_after` says when to try again.
    LoginThrottled => "LOGIN_THROTTLED",
    /// The staff member still has the first password they were given; only the password
    /// change (and signing out) is open until they choose their own.
    PasswordChangeRequired => "PASSWORD_CHANGE_REQUIRED",
    /// The order is not in a state that allows this action.
    InvalidState => "INVALID_STATE",
    /// The mTLS check: the client certificate was revoked.
    CertificateRevoked => "CERTIFICATE_REVOKED",
    /// The mTLS check: the client certificate is past its end (or not yet valid).
    CertificateExpired => "CERTIFICATE_EXPIRED",
    /// A certificate asked to renew itself while its renewal is under way or collected.
    RenewalUnderWay => "RENEWAL_UNDER_WAY",
    /// Renewal: the challenge is not one this portal gave.
    ChallengeInvalid => "CHALLENGE_INVALID",
    /// Renewal: the challenge is older than its lifetime; ask for a new one.
    ChallengeExpired => "CHALLENGE_EXPIRED",
    /// Renewal: the challenge was used already (each is good for one try).
    ChallengeUsed => "CHALLENGE_USED",
    /// Renewal: the signature does not verify with the certificate's key.
    SignatureInvalid => "SIGNATURE_INVALID",
    /// There are as many working webhook endpoints as allowed; disable one first.
    WebhookLimit => "WEBHOOK_LIMIT",
    /// Something went wrong on the server; the log has the cause.
    Internal => "INTERNAL",
    /// The inspector: the file is not a PKCS#12 file.
    NotPkcs12 => "NOT_PKCS12",
    /// The inspector: the file is larger than the inspector accepts (1 MiB), or holds more
    /// than 16 keys or 256 certificates.
    FileTooLarge => "FILE_TOO_LARGE",
    /// The inspector: the password does not open the file.
    WrongPassword => "WRONG_PASSWORD",
    /// The inspector: the file uses an algorithm the inspector does not support.
    UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
    /// The inspector: an iteration count is over 1,000,000, or the file's key derivations
    /// together need more work than `bundle::MAX_WORK`.
    TooManyIterations => "TOO_MANY_ITERATIONS",
    /// The inspector: the file holds no private key.
    NoPrivateKey => "NO_PRIVATE_KEY",
    /// The inspector: the file holds no certificate for its private key.
    NoCertificate => "NO_CERTIFICATE",
    /// The inspector: the private key does not belong to the certificate.
    KeyMismatch => "KEY_MISMATCH",
    /// The inspector: the certificate was not issued by the given CA.
    UntrustedIssuer => "UNTRUSTED_ISSUER",
    /// The inspector: the file's structure is damaged inside.
    Malformed => "MALFORMED",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::parse(&text))
    }
}

/// One field that failed validation, with what is wrong in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as it appears in the request (`mobile`, `email`, ...).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The JSON body of every error response: `{"code": "...", "message": "..."}` plus details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// The stable code to branch on.
    pub code: ErrorCode,
    /// A plain sentence for people; never holds a secret.
    pub message: String,
    /// The fields that failed validation, for [`ErrorCode::InvalidInput`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Tries left before the code is ended, for [`ErrorCode::WrongCode`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// Seconds to wait before trying again, for cooldowns and throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code and a message and no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
            attempts_left: None,
            retry_after: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip_through_their_wire_form() {
        for code in [
            ErrorCode::WrongCode,
            ErrorCode::NotPkcs12,
            ErrorCode::LinkUsed,
        ] {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
        }
    }

    #[test]
    fn an_unknown_code_survives_as_other() {
        let error: ApiError =
            serde_json::from_str(r#"{"code":"BRAND_NEW","message":"m"}"#).expect("parses");
        assert_eq!(error.code, ErrorCode::Other("BRAND_NEW".into()));
        assert_eq!(
            serde_json::to_value(&error).expect("serialises")["code"],
            "BRAND_NEW"
        );
    }

    #[test]
    fn optional_details_are_left_out_of_the_json() {
        let json = serde_json::to_string(&ApiError::new(ErrorCode::Internal, "m")).expect("json");
        assert_eq!(json, r#"{"code":"INTERNAL","message":"m"}"#);
    }
}
