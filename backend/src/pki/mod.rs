//! The certificate authority: its key and certificate, client certificates, PKCS#12 files and
//! CRLs.

mod ca;
mod crl;
mod issue;
mod pkcs12;

pub use ca::Ca;
pub use crl::{Revoked, build_crl};
pub use issue::{ClientCertRequest, IssuedCertificate, issue};
pub use pkcs12::write_pkcs12;

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
