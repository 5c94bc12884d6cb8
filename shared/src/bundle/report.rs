//! What the inspector tells its caller; every type serialises for `certportal inspect --json`.

use super::InspectError;
use crate::model::Sha256Digest;
use serde::Serialize;

/// What can be learnt from a file without its password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Envelope {
    /// SHA-256 of the whole file, as in the download's `Repr-Digest` and the receipt.
    pub file_sha256: Sha256Digest,
    /// The integrity MAC; `None` for a file without one (its contents are then unchecked).
    pub mac: Option<MacSummary>,
    /// The file's parts in file order, each with its protection.
    pub parts: Vec<Part>,
}

/// The file's MAC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MacSummary {
    /// `HMAC-SHA256`, `HMAC-SHA1`, ...
    pub algorithm: String,
    /// The PKCS#12 KDF iteration count.
    pub iterations: u32,
}

/// One part of the file: an encrypted container, a key or a certificate stored in the clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// What the part holds.
    pub kind: PartKind,
    /// How it is encrypted; `None` when it is stored in the clear.
    pub encryption: Option<EncryptionScheme>,
}

/// What a [`Part`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// An encrypted container (PKCS#7 encrypted data); openssl puts the certificates here. What
    /// it holds is known only once it is decrypted.
    Container,
    /// A private key (a shrouded key bag, or a plain key bag when not encrypted).
    PrivateKey,
    /// A certificate outside any encrypted container.
    Certificate,
}

/// A password-based encryption scheme and its cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EncryptionScheme {
    /// `PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC`, `pbeWithSHAAnd3-KeyTripleDES-CBC`, ...
    pub name: String,
    /// The key derivation's iteration count.
    pub iterations: u32,
}

/// Everything the inspector found in a file it could open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The file's protection and digest, as [`super::probe`] reports them.
    pub envelope: Envelope,
    /// The certificate the private key belongs to.
    pub certificate: CertificateSummary,
    /// The private key.
    pub key: KeySummary,
    /// Where `now` falls in the certificate's validity period.
    pub validity: ValidityStatus,
    /// Whole days from `now` to the end of validity; negative once expired.
    pub days_left: i64,
    /// The check against the CA certificate the caller gave; `None` when none was given.
    pub chain: Option<ChainCheck>,
    /// The file's other certificates (usually the CA certificate), in file order.
    pub other_certificates: Vec<CertificateSummary>,
}

/// A certificate, as people compare it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateSummary {
    /// The subject name in RFC 4514 order, for example `CN=e-banking,OU=Payments,O=Acme AS`.
    pub subject: String,
    /// The issuer name, in the same form.
    pub issuer: String,
    /// The serial number in lower-case hex without leading zeros, as [`crate::model::Serial`]
    /// writes it (`0` for a zero serial).
    pub serial: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the certificate's DER, what `openssl x509 -fingerprint -sha256` shows (see
    /// [`super::colon_hex`] for that form).
    pub fingerprint_sha256: Sha256Digest,
    /// The signature algorithm, for example `sha256WithRSAEncryption` or `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    /// The public key, for example `RSA 2048` or `EC P-256`.
    pub public_key: String,
}

/// The private key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeySummary {
    /// `RSA` or `EC`.
    pub algorithm: String,
    /// The modulus size for RSA, the field size for EC.
    pub bits: u32,
    /// `RSA 2048`, `EC P-256`.
    pub description: String,
}

/// Where a moment falls in a certificate's validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityStatus {
    /// Before notBefore.
    NotYetValid,
    /// From notBefore to notAfter, both included.
    Valid,
    /// After notAfter.
    Expired,
}

/// The outcome of checking the certificate against the caller's CA certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    /// The CA certificate's subject, when it could be read.
    pub ca_subject: Option<String>,
    /// Whether the CA issued the certificate: its name is the certificate's issuer and its key
    /// verifies the certificate's signature.
    pub trusted: bool,
    /// Why not, when not trusted; its code is `UNTRUSTED_ISSUER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<InspectError>,
}
