//! Whether the caller's CA issued the certificate: one link, checked by name and signature.
//!
//! Only the CA certificate the caller passes counts; a CA certificate inside the file proves
//! nothing, since whoever made the file chose it.

use super::keys::PublicKey;
use super::{ChainCheck, InspectError};
use crate::error::ErrorCode;
use der::asn1::{AnyRef, ObjectIdentifier as Oid, UintRef};
use der::{Decode, Reader, Sequence, SliceReader};
use rsa::{BoxedUint, Pkcs1v15Sign};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;

const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");

/// Ecdsa-Sig-Value (RFC 3279).
#[derive(Sequence)]
struct EcdsaSignature<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// The algorithm of a certificate signature the inspector can have verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaSha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaSha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaSha512,
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256Sha256,
}

/// The last step of the chain check: the CA key's signature on the certificate, verified by
/// the inspector's engine ([`super::Engine::verify`]): in pure Rust by [`super::RustCrypto`]
/// (what [`super::open`] does), or by the browser's own cryptography (the collect page: native
/// speed, and the page carries no RSA code).
///
/// Its fields are what WebCrypto's `importKey("spki")` and `verify` take; changing them can
/// only make a signature fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignature {
    pub algorithm: SignatureAlgorithm,
    /// The CA's SubjectPublicKeyInfo, DER.
    pub ca_spki: Vec<u8>,
    /// The signed bytes: the certificate's tbsCertificate as it is in the file.
    pub message: Vec<u8>,
    /// The signature: the PKCS#1 v1.5 bytes, or ECDSA's `r || s` (32 bytes each), which is
    /// how WebCrypto takes it.
    pub signature: Vec<u8>,
    ca_subject: String,
    ca_key: PublicKey,
}

impl PendingSignature {
    /// Verifies the signature here, in pure Rust.
    pub fn verify(&self) -> bool {
        let (message, signature) = (&self.message, &self.signature);
        match (&self.ca_key, self.algorithm) {
            (PublicKey::Rsa { modulus, exponent }, SignatureAlgorithm::RsaSha256) => {
                verify_rsa::<Sha256>(modulus, exponent, message, signature)
            }
            (PublicKey::Rsa { modulus, exponent }, SignatureAlgorithm::RsaSha384) => {
                verify_rsa::<Sha384>(modulus, exponent, message, signature)
            }
            (PublicKey::Rsa { modulus, exponent }, SignatureAlgorithm::RsaSha512) => {
                verify_rsa::<Sha512>(modulus, exponent, message, signature)
            }
            (PublicKey::P256(key), SignatureAlgorithm::EcdsaP256Sha256) => {
                verify_p256(key, message, signature)
            }
            // `pending` pairs each algorithm with its key type.
            _ => false,
        }
    }

    /// The chain check, given whether the signature verified.
    pub(crate) fn settle(self, verified: bool) -> ChainCheck {
        if verified {
            ChainCheck {
                ca_subject: Some(self.ca_subject),
                trusted: true,
                error: None,
            }
        } else {
            untrusted(
                Some(self.ca_subject),
                "the CA's key does not verify the certificate's signature",
            )
        }
    }
}

/// Where the chain check stands before any signature is verified.
pub(crate) enum ChainStep {
    /// Decided already: the CA certificate is unreadable, names another issuer, or holds a
    /// key or algorithm that cannot have made the signature.
    Done(ChainCheck),
    /// Only the signature is left.
    Pending(PendingSignature),
}

/// Checks that `ca_der` names the certificate's issuer and readies the check of its key's
/// signature on the certificate. `leaf_der` is the certificate's encoding, whose signed part
/// is verified as it is in the file rather than re-encoded.
pub(crate) fn check(leaf: &Certificate, leaf_der: &[u8], ca_der: &[u8]) -> ChainStep {
    let Ok(ca) = Certificate::from_der(ca_der) else {
        return ChainStep::Done(untrusted(
            None,
            "the CA certificate given could not be read",
        ));
    };
    let ca_subject = ca.tbs_certificate().subject().to_string();
    let issuer = leaf.tbs_certificate().issuer();
    if issuer != ca.tbs_certificate().subject() {
        return ChainStep::Done(untrusted(
            Some(ca_subject),
            format!("the certificate was issued by \"{issuer}\", not by this CA"),
        ));
    }
    match pending(leaf, leaf_der, &ca, ca_der, &ca_subject) {
        Ok(pending) => ChainStep::Pending(pending),
        Err(reason) => ChainStep::Done(untrusted(Some(ca_subject), reason)),
    }
}

fn untrusted(ca_subject: Option<String>, reason: impl Into<String>) -> ChainCheck {
    ChainCheck {
        ca_subject,
        trusted: false,
        error: Some(InspectError::new(ErrorCode::UntrustedIssuer, reason)),
    }
}

/// The signature left to verify; a sentence when the pieces cannot make a valid signature.
fn pending(
    leaf: &Certificate,
    leaf_der: &[u8],
    ca: &Certificate,
    ca_der: &[u8],
    ca_subject: &str,
) -> Result<PendingSignature, String> {
    let tbs = signed_part(leaf_der).ok_or("the certificate is damaged")?;
    let damaged = || "the certificate's signature is damaged".to_owned();
    let signature = leaf.signature().as_bytes().ok_or_else(damaged)?;
    let ca_spki = spki_part(ca_der).ok_or("the CA certificate is damaged")?;
    let ca_key = PublicKey::from_certificate(ca)
        .map_err(|unsupported| format!("the CA certificate holds {unsupported}"))?;
    let algorithm = match leaf.signature_algorithm().oid {
        SHA256_WITH_RSA => SignatureAlgorithm::RsaSha256,
        SHA384_WITH_RSA => SignatureAlgorithm::RsaSha384,
        SHA512_WITH_RSA => SignatureAlgorithm::RsaSha512,
        ECDSA_WITH_SHA256 => SignatureAlgorithm::EcdsaP256Sha256,
        other => {
            return Err(format!(
                "the certificate's signature algorithm {other} is not supported"
            ));
        }
    };
    let signature = match (&ca_key, algorithm) {
        (PublicKey::P256(_), SignatureAlgorithm::EcdsaP256Sha256) => {
            raw_ecdsa(signature).ok_or_else(damaged)?
        }
        (PublicKey::Rsa { .. }, SignatureAlgorithm::EcdsaP256Sha256) | (PublicKey::P256(_), _) => {
            return Err("the certificate's signature is not of the CA's key type".to_owned());
        }
        (PublicKey::Rsa { .. }, _) => signature.to_vec(),
    };
    Ok(PendingSignature {
        algorithm,
        ca_spki: ca_spki.to_vec(),
        message: tbs.to_vec(),
        signature,
        ca_subject: ca_subject.to_owned(),
        ca_key,
    })
}

/// An `Ecdsa-Sig-Value` as `r || s`, each left-padded to 32 bytes.
fn raw_ecdsa(der_signature: &[u8]) -> Option<Vec<u8>> {
    let parsed = EcdsaSignature::from_der(der_signature).ok()?;
    let (r, s) = (field_bytes(parsed.r)?, field_bytes(parsed.s)?);
    Some([r, s].concat())
}

/// The DER of the SubjectPublicKeyInfo in a certificate, as it is there: the seventh element
/// of tbsCertificate when it has a version, the sixth when not.
fn spki_part(certificate_der: &[u8]) -> Option<&[u8]> {
    let tbs = AnyRef::from_der(signed_part(certificate_der)?).ok()?;
    let mut reader = SliceReader::new(tbs.value()).ok()?;
    let mut field = reader.tlv_bytes().ok()?;
    // [0] EXPLICIT version, constructed: 0xa0.
    let skip = if field.first() == Some(&0xa0) { 6 } else { 5 };
    for _ in 0..skip {
        field = reader.tlv_bytes().ok()?;
    }
    Some(field)
}

/// The DER of tbsCertificate, the first element of the Certificate SEQUENCE.
fn signed_part(certificate_der: &[u8]) -> Option<&[u8]> {
    let certificate = AnyRef::from_der(certificate_der).ok()?;
    SliceReader::new(certificate.value()).ok()?.tlv_bytes().ok()
}

fn verify_rsa<D>(modulus: &[u8], exponent: &[u8], tbs: &[u8], signature: &[u8]) -> bool
where
    D: Digest + der::oid::AssociatedOid,
{
    let key = rsa::PublicKey::new(
        BoxedUint::from_be_slice_vartime(modulus),
        BoxedUint::from_be_slice_vartime(exponent),
    );
    key.is_ok_and(|key| {
        key.verify(Pkcs1v15Sign::new::<D>(), &D::digest(tbs), signature)
            .is_ok()
    })
}

fn verify_p256(key: &p256::PublicKey, message: &[u8], raw_signature: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier;
    let Ok(signature) = p256::ecdsa::Signature::from_slice(raw_signature) else {
        return false;
    };
    p256::ecdsa::VerifyingKey::from(key)
        .verify(message, &signature)
        .is_ok()
}

/// A scalar left-padded to 32 bytes; `None` when it is longer.
fn field_bytes(value: UintRef<'_>) -> Option<[u8; 32]> {
    let bytes = value.as_bytes();
    let mut padded = [0u8; 32];
    let start = padded.len().checked_sub(bytes.len())?;
    padded.get_mut(start..)?.copy_from_slice(bytes);
    Some(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_longer_than_the_field_are_refused() {
        let long = [1u8; 33];
        assert!(field_bytes(UintRef::new(&long).expect("uint")).is_none());
        let short = [0x7f, 1];
        let padded = field_bytes(UintRef::new(&short).expect("uint")).expect("fits");
        assert_eq!(&padded[30..], &short);
    }

    #[test]
    fn the_signed_part_is_the_first_element() {
        // SEQUENCE { SEQUENCE { NULL }, NULL }
        let der = [0x30, 0x06, 0x30, 0x02, 0x05, 0x00, 0x05, 0x00];
        assert_eq!(signed_part(&der), Some(&der[2..6]));
        assert_eq!(signed_part(&der[..3]), None);
    }
}
