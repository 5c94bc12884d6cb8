//! The report page's calls to the portal (the shared client's work, `kit::http`).

pub use kit::http::ApiFailure;

use certportal_shared::api::collect::TokenRequest;
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
