//! The one place that turns errors into HTTP responses.
//!
//! Refusals carry a stable [`ErrorCode`] and a plain message; the status follows from the code
//! alone. Internal errors are logged with their cause chain, and the client sees only `INTERNAL`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use certportal_shared::{ApiError, ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An expected refusal, shown to the client as is.
    #[error("{0}")]
    Refused(ApiError),
    /// A fault; the client sees `INTERNAL`.
    #[error(transparent)]
    Internal(#[from] Fault),
}

/// What went wrong inside, for the log; never shown to a client. Each kind of failure the
/// flows can meet has its variant, so `anyhow` stays at the edges (main, startup, tasks).
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
    #[error(transparent)]
    Seal(#[from] crate::secrets::SealError),
    #[error(transparent)]
    Random(#[from] crate::secrets::RandomError),
    #[error(transparent)]
    Auth(#[from] crate::secrets::AuthError),
    #[error(transparent)]
    Hashing(#[from] crate::secrets::HashingStopped),
    #[error("a task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the staff session store failed: {0}")]
    Session(String),
    #[error("the outbox file cannot be read: {0}")]
    Outbox(#[from] std::io::Error),
    /// A stored value that should have been impossible: a record without its certificate,
    /// a digest of the wrong length.
    #[error("stored data does not fit: {0}")]
    Inconsistent(String),
    /// A response header or body that cannot be built from what the portal holds.
    #[error("cannot build the response: {0}")]
    Response(String),
    #[error("the CRL cannot be published: {0}")]
    Crl(String),
}

impl AppError {
    pub fn refuse(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused(ApiError::new(code, message))
    }

    /// An `INVALID_INPUT` refusal listing every bad field.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = fields
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        Self::Refused(ApiError {
            fields,
            ..ApiError::new(ErrorCode::InvalidInput, message)
        })
    }

    /// Adds the tries left on a code.
    pub fn with_attempts_left(self, attempts_left: u32) -> Self {
        self.map_refusal(|error| error.attempts_left = Some(attempts_left))
    }

    /// Adds when to try again.
    pub fn with_retry_after(self, seconds: u64) -> Self {
        self.map_refusal(|error| error.retry_after = Some(seconds))
    }

    fn map_refusal(mut self, change: impl FnOnce(&mut ApiError)) -> Self {
        if let Self::Refused(error) = &mut self {
            change(error);
        }
        self
    }

    /// The refusal's code, or `INTERNAL`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Refused(error) => error.code.clone(),
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

macro_rules! internal_from {
    ($($source:ty),*) => {
        $(impl From<$source> for AppError {
            fn from(error: $source) -> Self {
                Self::Internal(Fault::from(error))
            }
        })*
    };
}

internal_from!(
    crate::store::StoreError,
    crate::pki::PkiError,
    crate::secrets::SealError,
    crate::secrets::RandomError,
    crate::secrets::AuthError,
    crate::secrets::HashingStopped,
    tokio::task::JoinError,
    std::io::Error
);

impl AppError {
    /// A fault from stored data that should have been impossible.
    pub fn inconsistent(what: impl Into<String>) -> Self {
        Self::Internal(Fault::Inconsistent(what.into()))
    }
}

/// The HTTP status for a refusal code.
pub fn status_for(code: &ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        InvalidInput | MalformedRequest | WrongCode | CodeExpired | DigestMismatch
        | ChallengeInvalid | ChallengeExpired => StatusCode::BAD_REQUEST,
        // The contract: every refused request is a 400 with its CSR_* code, its size too.
        CsrMalformed
        | CsrTooLarge
        | CsrBadSignature
        | CsrWeakKey
        | CsrKeyReused
        | CsrBlockedKey
        | CsrUnsupportedAlgorithm => StatusCode::BAD_REQUEST,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Unauthenticated | SessionInvalid | LoginFailed => StatusCode::UNAUTHORIZED,
        Forbidden
        | CrossSiteRequest
        | PasswordChangeRequired
        | CertificateRevoked
        | CertificateExpired
        | SignatureInvalid => StatusCode::FORBIDDEN,
        NotFound | UnknownSerial | UnknownLink => StatusCode::NOT_FOUND,
        AlreadyRevoked | InvalidState | NoServerKey | CsrNotExpected | RenewalUnderWay
        | ChallengeUsed | WebhookLimit => StatusCode::CONFLICT,
        LinkExpired | LinkUsed | LinkCancelled | BundleGone => StatusCode::GONE,
        CodeLocked | ResendCooldown | ResendLimit | RateLimited | LoginThrottled
        | DownloadLimit => StatusCode::TOO_MANY_REQUESTS,
        NotPkcs12 | FileTooLarge | WrongPassword | UnsupportedAlgorithm | TooManyIterations
        | NoPrivateKey | NoCertificate | KeyMismatch | UntrustedIssuer | Malformed => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Internal | Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let error = match self {
            Self::Refused(error) => error,
            Self::Internal(error) => {
                tracing::error!("internal error: {error:#}");
                ApiError::new(
                    ErrorCode::Internal,
                    "Something went wrong on our side. Please try again later.",
                )
            }
        };
        let status = status_for(&error.code);
        let retry_after = error.retry_after;
        let code = error.code.clone();
        let mut response = (status, axum::Json(error)).into_response();
        // For the metrics, which count refusals by code without reading the body.
        response.extensions_mut().insert(code);
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_statuses_follow_from_the_codes() {
        assert_eq!(status_for(&ErrorCode::WrongCode), StatusCode::BAD_REQUEST);
        assert_eq!(
            status_for(&ErrorCode::CodeLocked),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(status_for(&ErrorCode::LinkUsed), StatusCode::GONE);
        assert_eq!(status_for(&ErrorCode::LinkExpired), StatusCode::GONE);
    }

    #[tokio::test]
    async fn an_internal_error_hides_its_cause() {
        let cause = std::io::Error::other("disk full at /secret/path");
        let response = AppError::from(cause).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(body["code"], "INTERNAL");
        let text = body.to_string();
        assert!(
            !text.contains("disk full") && !text.contains("/secret/path"),
            "the cause stays in the log: {text}"
        );
    }
}
