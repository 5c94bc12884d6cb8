//! The private key, the certificates' public keys, and which certificate the key belongs to.

use super::pbe::Decrypter;
use super::pfx::{Bags, KeyData, StoredCertificate};
use super::{InspectError, KeySummary, ber, malformed, unsupported};
use crate::error::ErrorCode;
use der::Decode;
use der::asn1::{AnyRef, ObjectIdentifier as Oid};
use x509_cert::Certificate;
use zeroize::Zeroizing;

const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");

/// A public key the inspector can compare and verify with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// Big-endian modulus and exponent, without leading zeros.
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    P256(p256::PublicKey),
}

impl PublicKey {
    /// Reads a certificate's public key; `Err` names a key the inspector does not support.
    pub(crate) fn from_certificate(certificate: &Certificate) -> Result<Self, String> {
        let spki = certificate.tbs_certificate().subject_public_key_info();
        let bits = spki.subject_public_key.raw_bytes();
        match spki.algorithm.oid {
            RSA_ENCRYPTION => pkcs1::RsaPublicKeyRef::from_der(bits)
                .map(|key| Self::Rsa {
                    modulus: key.modulus.as_bytes().to_vec(),
                    exponent: key.public_exponent.as_bytes().to_vec(),
                })
                .map_err(|_| "a damaged RSA key".to_owned()),
            EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|params| params.decode_as::<Oid>().ok());
                if curve != Some(P256) {
                    return Err(match curve {
                        Some(curve) => format!("an EC key on curve {curve}"),
                        None => "an EC key on an unnamed curve".to_owned(),
                    });
                }
                p256::PublicKey::from_sec1_bytes(bits)
                    .map(Self::P256)
                    .map_err(|_| "a damaged EC P-256 key".to_owned())
            }
            other => Err(format!("a key of type {other}")),
        }
    }

    /// `RSA 2048`, `EC P-256`.
    pub(crate) fn summary(&self) -> KeySummary {
        let (algorithm, bits) = match self {
            Self::Rsa { modulus, .. } => ("RSA", bit_length(modulus)),
            Self::P256(_) => ("EC", 256),
        };
        let description = match self {
            Self::Rsa { .. } => format!("RSA {bits}"),
            Self::P256(_) => "EC P-256".to_owned(),
        };
        KeySummary {
            algorithm: algorithm.to_owned(),
            bits,
            description,
        }
    }
}

/// A certificate from the file, read.
pub(crate) struct FileCertificate {
    pub(crate) der: Vec<u8>,
    pub(crate) certificate: Certificate,
    /// Read once here: matching compares every key with every certificate.
    public: Result<PublicKey, String>,
    local_key_id: Option<Vec<u8>>,
}

/// A private key from the file: its public half, and the PKCS#8 DER for [`super::unlock`]
/// (wiped when dropped).
pub(crate) struct PrivateKey {
    pub(crate) public: PublicKey,
    pub(crate) pkcs8: Zeroizing<Vec<u8>>,
    local_key_id: Option<Vec<u8>>,
}

/// Reads every certificate; a certificate that is not X.509 DER makes the file damaged.
pub(crate) fn read_certificates(
    stored: &[StoredCertificate],
) -> Result<Vec<FileCertificate>, InspectError> {
    stored
        .iter()
        .map(|stored| {
            let certificate = Certificate::from_der(&stored.der)
                .map_err(|_| malformed("a certificate in the file is damaged"))?;
            Ok(FileCertificate {
                public: PublicKey::from_certificate(&certificate),
                certificate,
                der: stored.der.clone(),
                local_key_id: stored.local_key_id.clone(),
            })
        })
        .collect()
}

/// Decrypts and reads every private key.
pub(crate) fn read_keys(
    bags: &Bags,
    decrypter: &Decrypter<'_, '_>,
) -> Result<Vec<PrivateKey>, InspectError> {
    let mut keys = Vec::new();
    for stored in &bags.keys {
        let (pkcs8, unreadable) = match &stored.key {
            KeyData::Plain(pkcs8) => (pkcs8.clone(), malformed("the private key is damaged")),
            KeyData::Shrouded { scheme, ciphertext } => (
                decrypter.decrypt(scheme, ciphertext, "private key")?,
                decrypter.undecodable("private key"),
            ),
        };
        let pkcs8 = ber::to_der(&pkcs8)
            .map(Zeroizing::new)
            .map_err(|_| unreadable.clone())?;
        let public = public_half(&pkcs8)?.ok_or(unreadable)?;
        keys.push(PrivateKey {
            public,
            pkcs8,
            local_key_id: stored.local_key_id.clone(),
        });
    }
    Ok(keys)
}

/// The public key of a PKCS#8 private key: `Ok(None)` when it cannot be read, `Err` when it
/// can but is of a kind the inspector does not support.
fn public_half(pkcs8: &[u8]) -> Result<Option<PublicKey>, InspectError> {
    let Ok(info) = pkcs8::PrivateKeyInfoRef::from_der(pkcs8) else {
        return Ok(None);
    };
    let private_key = info.private_key.as_bytes();
    match info.algorithm.oid {
        RSA_ENCRYPTION => Ok(pkcs1::RsaPrivateKeyRef::from_der(private_key)
            .ok()
            .map(|key| PublicKey::Rsa {
                modulus: key.modulus.as_bytes().to_vec(),
                exponent: key.public_exponent.as_bytes().to_vec(),
            })),
        EC_PUBLIC_KEY => {
            let Ok(ec_key) = sec1::EcPrivateKey::from_der(private_key) else {
                return Ok(None);
            };
            let curve = info
                .algorithm
                .parameters
                .and_then(|params: AnyRef<'_>| params.decode_as::<Oid>().ok())
                .or(ec_key
                    .parameters
                    .map(|sec1::EcParameters::NamedCurve(oid)| oid));
            if curve != Some(P256) {
                return Err(unsupported(
                    "the private key is on an elliptic curve other than P-256",
                ));
            }
            // The public point is computed from the scalar rather than taken from the optional
            // publicKey field, which a file could set to anything.
            Ok(p256::SecretKey::from_slice(ec_key.private_key)
                .ok()
                .map(|secret| PublicKey::P256(secret.public_key())))
        }
        other => Err(unsupported(format!(
            "private keys of type {other} are not supported"
        ))),
    }
}

/// Picks the key and the certificate it belongs to. Keys and certificates are matched by
/// public key; when several pairs match (a renewed certificate for the same key), the pair
/// whose localKeyId attributes agree wins.
pub(crate) fn find_leaf<'a>(
    keys: &'a [PrivateKey],
    certificates: &'a [FileCertificate],
) -> Result<(&'a PrivateKey, &'a FileCertificate), InspectError> {
    if keys.is_empty() {
        return Err(InspectError::new(
            ErrorCode::NoPrivateKey,
            "the file holds no private key",
        ));
    }
    if certificates.is_empty() {
        return Err(InspectError::new(
            ErrorCode::NoCertificate,
            "the file holds a private key but no certificate",
        ));
    }
    let pairs: Vec<_> = keys
        .iter()
        .flat_map(|key| certificates.iter().map(move |cert| (key, cert)))
        .filter(|(key, cert)| cert.public.as_ref() == Ok(&key.public))
        .collect();
    let same_id = |(key, cert): &&(&PrivateKey, &FileCertificate)| {
        key.local_key_id.is_some() && key.local_key_id == cert.local_key_id
    };
    pairs
        .iter()
        .find(same_id)
        .or(pairs.first())
        .copied()
        .ok_or_else(|| {
            InspectError::new(
                ErrorCode::KeyMismatch,
                "the private key does not belong to any certificate in the file",
            )
        })
}

/// The bit length of a big-endian unsigned integer without leading zeros.
fn bit_length(bytes: &[u8]) -> u32 {
    match bytes.first() {
        Some(first) => {
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX / 8);
            len * 8 - first.leading_zeros()
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths_ignore_leading_zero_bits() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0x7f; 256]), 2047);
    }

    #[test]
    fn an_rsa_key_is_summarised_by_its_modulus_size() {
        let key = PublicKey::Rsa {
            modulus: vec![0xc0; 256],
            exponent: vec![1, 0, 1],
        };
        assert_eq!(key.summary().description, "RSA 2048");
    }

    #[test]
    fn no_keys_means_no_private_key_even_without_certificates() {
        let code = find_leaf(&[], &[]).err().map(|error| error.code());
        assert_eq!(code, Some(ErrorCode::NoPrivateKey));
    }

    #[test]
    fn a_key_without_certificates_means_no_certificate() {
        let key = PrivateKey {
            public: PublicKey::Rsa {
                modulus: vec![1],
                exponent: vec![3],
            },
            pkcs8: Zeroizing::default(),
            local_key_id: None,
        };
        let code = find_leaf(&[key], &[]).err().map(|error| error.code());
        assert_eq!(code, Some(ErrorCode::NoCertificate));
    }

    #[test]
    fn an_unsupported_private_key_type_is_refused() {
        // PKCS#8 { version 0, AlgorithmIdentifier { id-Ed25519 }, OCTET STRING (empty) }
        let ed25519 = [
            0x30, 0x0c, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x00,
        ];
        let error = public_half(&ed25519).expect_err("ed25519");
        assert_eq!(error.code(), ErrorCode::UnsupportedAlgorithm);
    }
}
