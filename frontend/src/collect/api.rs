//! The calls the collect app makes: open, verify, resend, bundle, receipt, the certificate
//! request, and the CA certificate. Sending them is the shared client's work (`kit::http`).

pub use kit::http::ApiFailure;

use certportal_shared::api::collect::{
    CsrRequest, CsrResponse, OpenResponse, ReceiptRequest, ReceiptResponse, ResendResponse,
    TokenRequest, VerifyRequest, VerifyResponse, attachment_filename, repr_digest_sha256,
};
use certportal_shared::model::Sha256Digest;
use certportal_shared::routes;
use kit::http::{Call, header, read_body};

/// Describes the order behind the link; never uses the link up.
pub async fn open(token: String) -> Result<OpenResponse, ApiFailure> {
    Call::post(routes::COLLECT_OPEN, &TokenRequest { token })
        .json()
        .await
}

/// Checks the code from the SMS; the right one opens a session.
pub async fn verify(token: String, code: String) -> Result<VerifyResponse, ApiFailure> {
    Call::post(routes::COLLECT_VERIFY, &VerifyRequest { token, code })
        .json()
        .await
}

/// Asks for a new code by SMS.
pub async fn resend(token: String) -> Result<ResendResponse, ApiFailure> {
    Call::post(routes::COLLECT_RESEND, &TokenRequest { token })
        .json()
        .await
}

/// The encrypted file as it arrived, with what the server said about it.
pub struct Download {
    pub bytes: Vec<u8>,
    /// From `Content-Disposition`, when the server named the file.
    pub filename: Option<String>,
    /// The SHA-256 from `Repr-Digest`, when the header was there and readable.
    pub digest: Option<Sha256Digest>,
}

/// Downloads the PKCS#12 file, reporting `(received, expected)` bytes as they arrive.
pub async fn bundle(
    session: &str,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<Download, ApiFailure> {
    let response = Call::post_empty(routes::COLLECT_BUNDLE)
        .bearer(session)
        .send()
        .await?;
    let filename = header(&response, "content-disposition").and_then(|v| attachment_filename(&v));
    let digest = header(&response, "repr-digest").and_then(|v| repr_digest_sha256(&v));
    let bytes = read_body(&response, progress).await?;
    Ok(Download {
        bytes,
        filename,
        digest,
    })
}

/// Confirms the download with the file's digest; the server then sends the password.
pub async fn receipt(session: &str, sha256: Sha256Digest) -> Result<ReceiptResponse, ApiFailure> {
    Call::post(routes::COLLECT_RECEIPT, &ReceiptRequest { sha256 })
        .bearer(session)
        .json()
        .await
}

/// Sends the contact's certificate request (PEM, or base64 DER); the portal signs its key.
pub async fn sign_request(session: &str, csr: String) -> Result<CsrResponse, ApiFailure> {
    Call::post(routes::COLLECT_CSR, &CsrRequest { csr })
        .bearer(session)
        .json()
        .await
}

/// The portal's CA certificate, PEM.
pub async fn ca_pem() -> Result<String, ApiFailure> {
    Call::get(routes::CA_PEM).text().await
}
