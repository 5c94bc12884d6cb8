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

/// Checks that `ca_der` names the certificate's issuer and that its key verifies the
/// certificate's signature. `leaf_der` is the certificate's encoding, whose signed part is
/// verified as it is in the file rather than re-encoded.
pub(crate) fn check(leaf: &Certificate, leaf_der: &[u8], ca_der: &[u8]) -> ChainCheck {
    let Ok(ca) = Certificate::from_der(ca_der) else {
        return untrusted(None, "the CA certificate given could not be read");
    };
    let ca_subject = ca.tbs_certificate().subject().to_string();
    let issuer = leaf.tbs_certificate().issuer();
    if issuer != ca.tbs_certificate().subject() {
        return untrusted(
            Some(ca_subject),
            format!("the certificate was issued by \"{issuer}\", not by this CA"),
        );
    }
    match verify(leaf, leaf_der, &ca) {
        Ok(()) => ChainCheck {
            ca_subject: Some(ca_subject),
            trusted: true,
            error: None,
        },
        Err(reason) => untrusted(Some(ca_subject), reason),
    }
}

fn untrusted(ca_subject: Option<String>, reason: impl Into<String>) -> ChainCheck {
    ChainCheck {
        ca_subject,
        trusted: false,
        error: Some(InspectError::new(ErrorCode::UntrustedIssuer, reason)),
    }
}

fn verify(leaf: &Certificate, leaf_der: &[u8], ca: &Certificate) -> Result<(), String> {
    let bad_signature = || "the CA's key does not verify the certificate's signature".to_owned();
    let tbs = signed_part(leaf_der).ok_or("the certificate is damaged")?;
    let signature = leaf
        .signature()
        .as_bytes()
        .ok_or("the certificate's signature is damaged")?;
    let ca_key = PublicKey::from_certificate(ca)
        .map_err(|unsupported| format!("the CA certificate holds {unsupported}"))?;
    let algorithm = leaf.signature_algorithm().oid;
    match (algorithm, ca_key) {
        (SHA256_WITH_RSA, PublicKey::Rsa { modulus, exponent }) => {
            verify_rsa::<Sha256>(&modulus, &exponent, tbs, signature)
        }
        (SHA384_WITH_RSA, PublicKey::Rsa { modulus, exponent }) => {
            verify_rsa::<Sha384>(&modulus, &exponent, tbs, signature)
        }
        (SHA512_WITH_RSA, PublicKey::Rsa { modulus, exponent }) => {
            verify_rsa::<Sha512>(&modulus, &exponent, tbs, signature)
        }
        (ECDSA_WITH_SHA256, PublicKey::P256(key)) => verify_p256(&key, tbs, signature),
        (SHA256_WITH_RSA | SHA384_WITH_RSA | SHA512_WITH_RSA | ECDSA_WITH_SHA256, _) => {
            return Err("the certificate's signature is not of the CA's key type".to_owned());
        }
        (other, _) => {
            return Err(format!(
                "the certificate's signature algorithm {other} is not supported"
            ));
        }
    }
    .then_some(())
    .ok_or_else(bad_signature)
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

fn verify_p256(key: &p256::PublicKey, tbs: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier;
    let Ok(parsed) = EcdsaSignature::from_der(signature) else {
        return false;
    };
    let (Some(r), Some(s)) = (field_bytes(parsed.r), field_bytes(parsed.s)) else {
        return false;
    };
    let Ok(signature) = p256::ecdsa::Signature::from_scalars(r, s) else {
        return false;
    };
    p256::ecdsa::VerifyingKey::from(key)
        .verify(tbs, &signature)
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
