//! The certificate authority: its key and certificate, client certificates, PKCS#12 files and
//! CRLs.

mod ca;
mod crl;
mod issue;
mod ocsp;
mod pkcs12;
mod request;

pub use ca::Ca;
pub(crate) use ca::generate_key;
pub use crl::{Revoked, build_crl};
pub use issue::{Certified, ClientCertRequest, IssuedCertificate, StatusUrls, certify, issue};
pub use ocsp::OcspSigner;
pub use pkcs12::write_pkcs12;
pub use request::{RequestKey, verify_request};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PkiError {
    #[error("certificate generation failed: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("PKCS#12 writing failed: {0}")]
    Pkcs12(String),
    #[error("the CA certificate or key cannot be read: {0}")]
    BadCa(String),
    #[error(transparent)]
    Random(#[from] crate::secrets::RandomError),
}

/// The SHA-256 of some bytes: files, certificates, inline scripts.
pub fn sha256(bytes: &[u8]) -> certportal_shared::model::Sha256Digest {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    let mut raw = [0u8; 32];
    raw.copy_from_slice(digest.as_ref());
    certportal_shared::model::Sha256Digest::from_bytes(raw)
}

/// The lower-case hex SHA-256 of DER bytes: how certificates are fingerprinted everywhere.
pub fn sha256_hex(der: &[u8]) -> String {
    sha256(der).to_hex()
}

/// The lower-case hex SHA-256 of a certificate's SubjectPublicKeyInfo: one key, one value,
/// whether the portal or the customer made it. `None` when the DER is not a certificate.
pub fn key_sha256(cert_der: &[u8]) -> Option<String> {
    ca::spki_of(cert_der).ok().map(|spki| sha256_hex(&spki))
}
