//! Certificate requests made in the collect page (custody `browser`): the page's WebCrypto key
//! signs, this module writes the PKCS#10 DER around it. Pure: the signature comes from the
//! caller.
//!
//! The DER is written with the crate's own small writer (`crate::tlv`, which writes the
//! page's PKCS#12 files too), not with x509-cert's derived encoders: those, with the SET OF
//! sort they bring, made the page's wasm some 10 KB (gzip) heavier for three fixed
//! structures, and the page was already at its weight budget. No other ASN.1 stack is
//! involved: the public key is checked with, and every request read back by, x509-cert's own
//! `CertReq` decoder (here in the tests, and by the portal, which decodes what it signs).
//!
//! The request names the order's client as its common name, for whoever reads it; the portal
//! ignores it and writes the order's subject into the certificate.

use crate::tlv::{
    NULL, bit_string, implicit_empty_set, oid, sequence, set_of, unsigned_integer, utf8_string,
};
use der::Decode;
use der::asn1::ObjectIdentifier;
use spki::SubjectPublicKeyInfoRef;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// How the page's key signed the request: WebCrypto's `RSASSA-PKCS1-v1_5` or `ECDSA` on P-256,
/// both with SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// RSASSA-PKCS1-v1_5 with SHA-256: the signature is the modulus-sized integer.
    RsaSha256,
    /// ECDSA P-256 with SHA-256: WebCrypto gives the signature as `r || s` (IEEE P1363,
    /// 64 bytes), which a request carries as a DER `Ecdsa-Sig-Value`.
    EcdsaP256Sha256,
}

impl Signer {
    /// The signature's `AlgorithmIdentifier`, DER, as requests, certificates and OCSP answers
    /// name it.
    pub fn algorithm(self) -> Vec<u8> {
        match self {
            // PKCS#1 says the parameters of the RSA signature algorithms are NULL, present.
            Self::RsaSha256 => sequence(&[&oid(&SHA256_WITH_RSA), NULL]),
            // RFC 5758: the ECDSA ones have none.
            Self::EcdsaP256Sha256 => sequence(&[&oid(&ECDSA_WITH_SHA256)]),
        }
    }
}

/// Why no request could be written: the page's key or signature is not what it should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The public key is not a DER SubjectPublicKeyInfo.
    #[error("the public key is not a DER SubjectPublicKeyInfo")]
    PublicKey,
    /// The signature is not one the signer makes (an ECDSA one not 64 bytes of `r || s`).
    #[error("the signature is not an {0:?} signature")]
    Signature(Signer),
}

/// The `CertificationRequestInfo` to be signed, DER: version 1, the subject `CN=common_name`,
/// the page's public key (`spki_der`, as WebCrypto's `exportKey("spki")` gives it), and no
/// attributes (the portal would ignore any).
pub fn request_info(spki_der: &[u8], common_name: &str) -> Result<Vec<u8>, BuildError> {
    SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| BuildError::PublicKey)?;
    let attribute = sequence(&[&oid(&COMMON_NAME), &utf8_string(common_name)]);
    let subject = sequence(&[&set_of(vec![attribute])]);
    Ok(sequence(&[
        &unsigned_integer(&[0]),
        &subject,
        spki_der,
        &implicit_empty_set(),
    ]))
}

/// The request, DER: the signed `info` (from [`request_info`]), the signer's algorithm and
/// the signature WebCrypto made over `info`.
pub fn request_der(info: &[u8], signer: Signer, signature: &[u8]) -> Result<Vec<u8>, BuildError> {
    let signature = match signer {
        Signer::RsaSha256 => signature.to_vec(),
        Signer::EcdsaP256Sha256 => {
            let [r, s] = match signature.len() {
                64 => [&signature[..32], &signature[32..]],
                _ => return Err(BuildError::Signature(signer)),
            };
            sequence(&[&unsigned_integer(r), &unsigned_integer(s)])
        }
    };
    Ok(sequence(&[
        info,
        &signer.algorithm(),
        &bit_string(&signature),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use x509_cert::request::{CertReq, CertReqInfo};

    /// An uncompressed P-256 SubjectPublicKeyInfo (its point need not be on the curve here).
    fn p256_spki() -> Vec<u8> {
        let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
        spki.push(4);
        spki.extend([7u8; 64]);
        spki
    }

    #[test]
    fn a_key_that_is_not_a_public_key_info_is_refused() {
        assert_eq!(request_info(b"\x30\x00", "x"), Err(BuildError::PublicKey));
    }

    #[test]
    fn x509_cert_reads_back_what_is_written_byte_for_byte() {
        let info = request_info(&p256_spki(), "e-banking").unwrap();
        let decoded = CertReqInfo::from_der(&info).unwrap();
        assert_eq!(decoded.subject.to_string(), "CN=e-banking");
        assert!(decoded.attributes.is_empty());
        assert_eq!(
            decoded.to_der().unwrap(),
            info,
            "DER, so it re-encodes the same"
        );
        // r with its top bit set, s with a leading zero byte: the INTEGERs' two edge cases.
        let mut signature = vec![0x80; 32];
        signature.extend([0x00; 1]);
        signature.extend([0x11; 31]);
        let der = request_der(&info, Signer::EcdsaP256Sha256, &signature).unwrap();
        let request = CertReq::from_der(&der).unwrap();
        assert_eq!(request.to_der().unwrap(), der);
        assert_eq!(request.algorithm.oid, ECDSA_WITH_SHA256);
        assert_eq!(request.algorithm.parameters, None);
        let rsa = request_der(&info, Signer::RsaSha256, &[5; 256]).unwrap();
        let request = CertReq::from_der(&rsa).unwrap();
        assert_eq!(request.algorithm.oid, SHA256_WITH_RSA);
        assert_eq!(request.signature.as_bytes(), Some(&[5u8; 256][..]));
    }

    #[test]
    fn an_ecdsa_signature_must_be_r_and_s() {
        let info = request_info(&p256_spki(), "x").unwrap();
        assert_eq!(
            request_der(&info, Signer::EcdsaP256Sha256, &[1; 63]),
            Err(BuildError::Signature(Signer::EcdsaP256Sha256))
        );
    }
}
