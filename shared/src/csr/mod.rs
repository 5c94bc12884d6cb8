//! Certificate requests (PKCS#10) from customers who make their own key: decoded from PEM or
//! base64 DER and held to the portal's key policy. Only the key is ever used: the request's
//! subject, names and extensions are read for the record and ignored. The server verifies the
//! signature (the proof of possession) with the algorithm this module names.

use crate::ErrorCode;
use base64::Engine;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::request::CertReq;

pub mod build;

/// The largest request the portal reads, DER.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The largest request text: a 16 KiB request as PEM, with its line breaks and labels.
pub const MAX_REQUEST_TEXT: usize = MAX_REQUEST_BYTES / 3 * 4 + MAX_REQUEST_BYTES / 48 + 512;
/// The RSA moduli the portal signs, in bits.
pub const RSA_BITS: std::ops::RangeInclusive<u32> = 2048..=4096;
/// Primes below this bound must not divide an RSA modulus.
const SMALL_PRIME_BOUND: u32 = 10_000;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// The signature algorithms a request may be signed with: (OID, family, digest).
const SIGNATURES: &[(ObjectIdentifier, Family, Digest)] = &[
    (
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
        Family::Rsa,
        Digest::Sha256,
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12"),
        Family::Rsa,
        Digest::Sha384,
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13"),
        Family::Rsa,
        Digest::Sha512,
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
        Family::Ecdsa,
        Digest::Sha256,
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3"),
        Family::Ecdsa,
        Digest::Sha384,
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4"),
        Family::Ecdsa,
        Digest::Sha512,
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Rsa,
    Ecdsa,
}

/// The digest of a request's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    Sha256,
    Sha384,
    Sha512,
}

/// The key of a request that passed the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKey {
    /// RSA with this many modulus bits, exponent 65537.
    Rsa { bits: u32 },
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
}

impl RequestKey {
    /// `rsa2048`, `rsa3072`, `rsa4096`, `p256`, `p384`; an odd RSA size as `rsa<bits>`.
    pub fn name(self) -> String {
        match self {
            Self::Rsa { bits } => format!("rsa{bits}"),
            Self::P256 => "p256".to_owned(),
            Self::P384 => "p384".to_owned(),
        }
    }
}

/// A decoded request whose algorithms and key the policy accepts; its signature is still to
/// be verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRequest {
    pub key: RequestKey,
    pub digest: Digest,
    /// The SubjectPublicKeyInfo, DER: what the certificate will carry.
    pub spki_der: Vec<u8>,
    /// The subjectPublicKey itself: PKCS#1 `RSAPublicKey` DER, or the uncompressed EC point.
    pub public_key: Vec<u8>,
    /// The `CertificationRequestInfo` that was signed, DER.
    pub signed: Vec<u8>,
    /// The signature over `signed`.
    pub signature: Vec<u8>,
    /// The subject the request asked for (RFC 4514), for the record only.
    pub requested_subject: String,
}

/// Why a request is refused: a stable code and a plain sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: &'static str,
}

fn refuse<T>(code: ErrorCode, message: &'static str) -> Result<T, Refusal> {
    Err(Refusal { code, message })
}

fn malformed<T>() -> Result<T, Refusal> {
    refuse(
        ErrorCode::CsrMalformed,
        "This is not a certificate request. Paste the whole PEM text, from -----BEGIN to -----END, or upload the .csr file.",
    )
}

/// Decodes a request given as PEM (`CERTIFICATE REQUEST`, or certreq's `NEW CERTIFICATE
/// REQUEST`) or as base64 DER.
pub fn decode(text: &str) -> Result<Vec<u8>, Refusal> {
    let too_large = || {
        refuse(
            ErrorCode::CsrTooLarge,
            "This request is larger than 16 KiB; a certificate request is a few kilobytes at most.",
        )
    };
    if text.len() > MAX_REQUEST_TEXT {
        return too_large();
    }
    let text = text.trim();
    let der = if text.starts_with("-----BEGIN") {
        // certreq on Windows writes CRLF line ends; the PEM decoder takes both.
        let Ok((label, der)) = pem_rfc7468::decode_vec(text.as_bytes()) else {
            return malformed();
        };
        if !matches!(label, "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST") {
            return malformed();
        }
        der
    } else {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match base64::engine::general_purpose::STANDARD.decode(compact) {
            Ok(der) => der,
            Err(_) => return malformed(),
        }
    };
    if der.len() > MAX_REQUEST_BYTES {
        return too_large();
    }
    Ok(der)
}

/// Decodes a request and holds it to the policy: RSA 2048-4096 bits with exponent 65537 and
/// no small factor, or an uncompressed P-256/P-384 point; signed with SHA-256/384/512.
pub fn check(text: &str) -> Result<CheckedRequest, Refusal> {
    let der = decode(text)?;
    let Ok(request) = CertReq::from_der(&der) else {
        return malformed();
    };
    let unsupported = || {
        refuse(
            ErrorCode::CsrUnsupportedAlgorithm,
            "The request uses an algorithm the portal does not sign: use RSA (2048 to 4096 bits) or ECDSA P-256/P-384, with SHA-256, SHA-384 or SHA-512.",
        )
    };
    let Some(&(_, family, digest)) = SIGNATURES
        .iter()
        .find(|(oid, _, _)| *oid == request.algorithm.oid)
    else {
        return unsupported();
    };
    let spki = &request.info.public_key;
    let Some(public_key) = spki.subject_public_key.as_bytes() else {
        return malformed();
    };
    let key = if spki.algorithm.oid == RSA_ENCRYPTION && family == Family::Rsa {
        rsa_key(public_key)?
    } else if spki.algorithm.oid == EC_PUBLIC_KEY && family == Family::Ecdsa {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|any| any.decode_as::<ObjectIdentifier>().ok());
        let (key, length) = match curve {
            Some(oid) if oid == P256 => (RequestKey::P256, 65),
            Some(oid) if oid == P384 => (RequestKey::P384, 97),
            _ => return unsupported(),
        };
        // Uncompressed points only, as WebCrypto and openssl write them.
        if public_key.len() != length || public_key.first() != Some(&4) {
            return unsupported();
        }
        key
    } else {
        return unsupported();
    };
    let (Ok(spki_der), Ok(signed)) = (spki.to_der(), request.info.to_der()) else {
        return malformed();
    };
    let Some(signature) = request.signature.as_bytes() else {
        return malformed();
    };
    Ok(CheckedRequest {
        key,
        digest,
        spki_der,
        public_key: public_key.to_vec(),
        signed,
        signature: signature.to_vec(),
        requested_subject: request.info.subject.to_string(),
    })
}

/// A certificate as PEM.
pub fn certificate_pem(der: &[u8]) -> String {
    // Encoding cannot fail for a label this short; an empty string would only show as such.
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}

fn rsa_key(public_key: &[u8]) -> Result<RequestKey, Refusal> {
    let Ok(key) = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(public_key) else {
        return malformed();
    };
    let weak = || {
        refuse(
            ErrorCode::CsrWeakKey,
            "The request's RSA key is not one the portal signs: it must have 2048 to 4096 bits and the exponent 65537. Make a new key.",
        )
    };
    let modulus = key.modulus.as_bytes();
    let Some(&first) = modulus.first() else {
        return weak();
    };
    let bits = u32::try_from(modulus.len())
        .unwrap_or(u32::MAX)
        .saturating_mul(8)
        .saturating_sub(first.leading_zeros());
    if !RSA_BITS.contains(&bits) || key.public_exponent.as_bytes() != [1, 0, 1] {
        return weak();
    }
    if has_small_factor(modulus) {
        return refuse(
            ErrorCode::CsrWeakKey,
            "The request's RSA modulus has a small factor: the key is broken. Make a new key.",
        );
    }
    Ok(RequestKey::Rsa { bits })
}

/// Whether a prime below [`SMALL_PRIME_BOUND`] divides the big-endian number. A remainder
/// per prime, byte by byte: no big-number crate is needed for division by a small word.
fn has_small_factor(number: &[u8]) -> bool {
    let bound = SMALL_PRIME_BOUND as usize;
    let mut composite = vec![false; bound];
    (2..bound).any(|p| {
        if composite[p] {
            return false;
        }
        for multiple in (p * p..bound).step_by(p) {
            composite[multiple] = true;
        }
        let p = p as u64;
        number
            .iter()
            .fold(0u64, |rest, &byte| (rest * 256 + u64::from(byte)) % p)
            == 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_factors_are_found_and_a_product_of_large_primes_passes() {
        // 7919 is the 1000th prime, 65537 and 65521 are above the bound.
        assert!(has_small_factor(&(7919u64 * 65537).to_be_bytes()));
        assert!(has_small_factor(&[0x10, 0x00]));
        assert!(!has_small_factor(&(65521u64 * 65537).to_be_bytes()));
    }

    #[test]
    fn garbage_and_foreign_pem_are_malformed_and_a_huge_text_too_large() {
        let code = |text: &str| check(text).expect_err("refused").code;
        assert_eq!(code("hello"), ErrorCode::CsrMalformed);
        assert_eq!(code("aGVsbG8="), ErrorCode::CsrMalformed);
        assert_eq!(
            code("-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n"),
            ErrorCode::CsrMalformed
        );
        assert_eq!(
            code(&"A".repeat(MAX_REQUEST_TEXT + 1)),
            ErrorCode::CsrTooLarge
        );
        assert_eq!(code(&"A".repeat(22_000)), ErrorCode::CsrTooLarge);
    }
}
