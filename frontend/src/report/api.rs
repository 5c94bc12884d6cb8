//! The report page's calls to the portal (the shared client's work, `kit::http`).

pub use kit::http::ApiFailure;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use certportal_shared::api::check::RenewResponse;
use certportal_shared::api::collect::TokenRequest;
use certportal_shared::api::renew::{ChallengeResponse, SignedRenewalRequest};
use certportal_shared::api::report::{ReportResponse, ReportRevokeRequest};
use certportal_shared::routes;
use kit::http::Call;

/// Describes the certificate behind a report link.
pub async fn open(token: String) -> Result<ReportResponse, ApiFailure> {
    Call::post(routes::REPORT_OPEN, &TokenRequest { token })
        .json()
        .await
}

/// Sends a code to withdraw with.
pub async fn code(token: String) -> Result<ReportResponse, ApiFailure> {
    Call::post(routes::REPORT_CODE, &TokenRequest { token })
        .json()
        .await
}

/// Withdraws the certificate with the code.
pub async fn revoke(
    token: String,
    code: String,
    reason: String,
) -> Result<ReportResponse, ApiFailure> {
    let request = ReportRevokeRequest {
        token,
        code,
        reason,
    };
    Call::post(routes::REPORT_REVOKE, &request).json().await
}

/// Asks support for a new certificate.
pub async fn renewal(token: String) -> Result<ReportResponse, ApiFailure> {
    Call::post(routes::REPORT_RENEWAL, &TokenRequest { token })
        .json()
        .await
}

/// A challenge for the renewal page to sign with the old key.
pub async fn renew_challenge() -> Result<ChallengeResponse, ApiFailure> {
    Call::post_empty(routes::RENEW_CHALLENGE).json().await
}

/// Starts the renewal with the old certificate and its key's signature over the challenge.
pub async fn renew_signed(
    challenge: String,
    certificate: &[u8],
    signature: &[u8],
) -> Result<RenewResponse, ApiFailure> {
    let request = SignedRenewalRequest {
        challenge,
        certificate: STANDARD.encode(certificate),
        signature: STANDARD.encode(signature),
    };
    Call::post(routes::RENEW_SIGNED, &request).json().await
}
