//! The file's integrity MAC: HMAC keyed by the PKCS#12 KDF (RFC 7292 appendix B) over the
//! authenticated safe.

use super::kdf::{self, Hash, Purpose};
use super::pbe::Password;
use super::work;
use super::{InspectError, MacSummary, unsupported, wrong_password};
use der::asn1::ObjectIdentifier as Oid;
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

/// A MAC as read from the file, already checked for what needs no password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MacData {
    pub(crate) hash: Hash,
    pub(crate) digest: Vec<u8>,
    pub(crate) salt: Vec<u8>,
    pub(crate) iterations: u32,
}

impl MacData {
    /// Picks the hash for a digest OID; `iterations` must have passed [`kdf::iterations`].
    pub(crate) fn new(
        algorithm: Oid,
        digest: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Self, InspectError> {
        let hash = match algorithm {
            SHA1 => Hash::Sha1,
            SHA224 => Hash::Sha224,
            SHA256 => Hash::Sha256,
            SHA384 => Hash::Sha384,
            SHA512 => Hash::Sha512,
            other => {
                return Err(unsupported(format!(
                    "the MAC algorithm {other} is not supported"
                )));
            }
        };
        Ok(Self {
            hash,
            digest: digest.to_vec(),
            salt: salt.to_vec(),
            iterations,
        })
    }

    /// What verifying with `password` costs, in the units of [`work`]: the KDF run and the
    /// HMAC over the `auth_safe_len` bytes of the authenticated safe.
    pub(crate) fn work(&self, auth_safe_len: usize, password: &Password<'_>) -> u64 {
        let key_len = self.hash.output_len();
        let kdf = work::pkcs12_kdf(
            self.hash,
            self.salt.len(),
            password.bmp.len(),
            self.iterations,
            key_len,
        );
        kdf.saturating_add(work::hmac(self.hash, key_len, auth_safe_len))
    }

    pub(crate) fn summary(&self) -> MacSummary {
        MacSummary {
            algorithm: format!("HMAC-{}", self.hash.name()),
            iterations: self.iterations,
        }
    }
}

/// Verifies the MAC over `auth_safe`, trying each of `candidates` (see
/// [`Password::candidates`]), and returns the form of the password that verified it. A MAC
/// that does not verify means a wrong password (or a damaged file, which the inspector cannot
/// tell apart).
pub(crate) fn verify<'p, 'a>(
    mac: &MacData,
    auth_safe: &[u8],
    candidates: &'p [Password<'a>],
) -> Result<&'p Password<'a>, InspectError> {
    candidates
        .iter()
        .find(|candidate| {
            let key = kdf::pkcs12(
                mac.hash,
                &candidate.bmp,
                &mac.salt,
                Purpose::Mac,
                mac.iterations,
                mac.hash.output_len(),
            );
            let computed = match mac.hash {
                Hash::Sha1 => hmac::<sha1::Sha1>(&key, auth_safe),
                Hash::Sha224 => hmac::<sha2::Sha224>(&key, auth_safe),
                Hash::Sha256 => hmac::<sha2::Sha256>(&key, auth_safe),
                Hash::Sha384 => hmac::<sha2::Sha384>(&key, auth_safe),
                Hash::Sha512 => hmac::<sha2::Sha512>(&key, auth_safe),
            };
            // `ct_eq` on slices of different lengths is false without comparing.
            bool::from(computed.ct_eq(&mac.digest))
        })
        .ok_or_else(wrong_password)
}

fn hmac<D: hmac::EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match Hmac::<D>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; an empty result can never match.
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn mac_for(password: &str, data: &[u8]) -> MacData {
        let key = kdf::pkcs12(
            Hash::Sha256,
            &kdf::bmp_password(password),
            b"salt",
            Purpose::Mac,
            3,
            32,
        );
        MacData {
            hash: Hash::Sha256,
            digest: hmac::<sha2::Sha256>(&key, data),
            salt: b"salt".to_vec(),
            iterations: 3,
        }
    }

    #[test]
    fn a_mac_verifies_with_its_password_only() {
        let mac = mac_for("right", b"contents");
        assert!(verify(&mac, b"contents", &Password::candidates("right")).is_ok());
        let error = verify(&mac, b"contents", &Password::candidates("wrong"))
            .err()
            .expect("wrong password");
        assert_eq!(error.code(), ErrorCode::WrongPassword);
        assert!(verify(&mac, b"contentz", &Password::candidates("right")).is_err());
    }

    #[test]
    fn a_truncated_mac_never_verifies() {
        let mut mac = mac_for("right", b"contents");
        mac.digest.truncate(16);
        assert!(verify(&mac, b"contents", &Password::candidates("right")).is_err());
        mac.digest.clear();
        assert!(verify(&mac, b"contents", &Password::candidates("right")).is_err());
    }

    #[test]
    fn an_empty_password_also_matches_the_null_password_form() {
        let key = kdf::pkcs12(Hash::Sha1, &[], b"salt", Purpose::Mac, 1, 20);
        let mac = MacData {
            hash: Hash::Sha1,
            digest: hmac::<sha1::Sha1>(&key, b"data"),
            salt: b"salt".to_vec(),
            iterations: 1,
        };
        let candidates = Password::candidates("");
        let password = verify(&mac, b"data", &candidates).expect("null form");
        assert!(password.bmp.is_empty());
    }

    #[test]
    fn an_unknown_mac_digest_is_unsupported() {
        let md5 = Oid::new_unwrap("1.2.840.113549.2.5");
        let error = MacData::new(md5, &[0; 16], b"salt", 1).expect_err("md5");
        assert_eq!(error.code(), ErrorCode::UnsupportedAlgorithm);
    }
}
