//! Password-based key derivation: the PKCS#12 KDF (RFC 7292 appendix B) and PBKDF2.

use super::{InspectError, MAX_ITERATIONS, malformed};
use crate::error::ErrorCode;
use der::asn1::UintRef;
use hmac::Hmac;
use pkcs12::kdf::Pkcs12KeyType;
use zeroize::Zeroizing;

/// A hash function used by a MAC, a PBKDF2 PRF or a PKCS#12 PBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The name as in `HMAC-SHA256`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha224 => "SHA224",
            Self::Sha256 => "SHA256",
            Self::Sha384 => "SHA384",
            Self::Sha512 => "SHA512",
        }
    }

    pub(crate) fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// What a PKCS#12 KDF call derives; the KDF mixes it in so each use gets different bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Purpose {
    EncryptionKey,
    Iv,
    Mac,
}

/// The password as the PKCS#12 KDF wants it: UTF-16 big-endian with a terminating zero
/// (RFC 7292 appendix B.1). Characters outside the BMP become surrogate pairs, as openssl
/// makes them.
pub(crate) fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    for unit in password.encode_utf16().chain([0]) {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes
}

/// The PKCS#12 KDF; `iterations` must have passed [`iterations`].
pub(crate) fn pkcs12(
    hash: Hash,
    bmp_password: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    use pkcs12::kdf::derive_key;
    let id = match purpose {
        Purpose::EncryptionKey => Pkcs12KeyType::EncryptionKey,
        Purpose::Iv => Pkcs12KeyType::Iv,
        Purpose::Mac => Pkcs12KeyType::Mac,
    };
    // At most MAX_ITERATIONS, so it fits the crate's i32.
    let rounds = i32::try_from(iterations).unwrap_or(i32::MAX);
    Zeroizing::new(match hash {
        Hash::Sha1 => derive_key::<sha1::Sha1>(bmp_password, salt, id, rounds, len),
        Hash::Sha224 => derive_key::<sha2::Sha224>(bmp_password, salt, id, rounds, len),
        Hash::Sha256 => derive_key::<sha2::Sha256>(bmp_password, salt, id, rounds, len),
        Hash::Sha384 => derive_key::<sha2::Sha384>(bmp_password, salt, id, rounds, len),
        Hash::Sha512 => derive_key::<sha2::Sha512>(bmp_password, salt, id, rounds, len),
    })
}

/// PBKDF2 with HMAC over `prf`; `iterations` must have passed [`iterations`].
pub(crate) fn pbkdf2(
    prf: Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, InspectError> {
    use pbkdf2::pbkdf2;
    let mut key = Zeroizing::new(vec![0; len]);
    match prf {
        Hash::Sha1 => pbkdf2::<Hmac<sha1::Sha1>>(password, salt, iterations, &mut key),
        Hash::Sha224 => pbkdf2::<Hmac<sha2::Sha224>>(password, salt, iterations, &mut key),
        Hash::Sha256 => pbkdf2::<Hmac<sha2::Sha256>>(password, salt, iterations, &mut key),
        Hash::Sha384 => pbkdf2::<Hmac<sha2::Sha384>>(password, salt, iterations, &mut key),
        Hash::Sha512 => pbkdf2::<Hmac<sha2::Sha512>>(password, salt, iterations, &mut key),
    }
    .map_err(|_| malformed("a PBKDF2 key could not be derived"))?;
    Ok(key)
}

/// Reads an iteration count and refuses it before any work is done when it is zero or above
/// [`MAX_ITERATIONS`], however many bytes its INTEGER has.
pub(crate) fn iterations(count: UintRef<'_>) -> Result<u32, InspectError> {
    let bytes = count.as_bytes();
    let too_many = || {
        InspectError::new(
            ErrorCode::TooManyIterations,
            format!("the file asks for more than {MAX_ITERATIONS} key derivation iterations"),
        )
    };
    if bytes.len() > 4 {
        return Err(too_many());
    }
    let value = bytes
        .iter()
        .fold(0u32, |value, byte| (value << 8) | u32::from(*byte));
    match value {
        0 => Err(malformed("an iteration count is zero")),
        value if value > MAX_ITERATIONS => Err(too_many()),
        value => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bmp_password_is_utf16_big_endian_with_a_terminating_zero() {
        assert_eq!(&bmp_password("Aå")[..], &[0, 0x41, 0, 0xe5, 0, 0][..]);
        assert_eq!(&bmp_password("")[..], &[0, 0][..]);
        assert_eq!(&bmp_password("😀")[..], &[0xd8, 0x3d, 0xde, 0x00, 0, 0][..]);
    }

    #[test]
    fn the_pkcs12_kdf_matches_a_known_vector() {
        // From the pkcs12 crate's tests, checked there against openssl: password "ge@äheim",
        // salt 0x0102..08, 100 iterations, SHA-256.
        let key = pkcs12(
            Hash::Sha256,
            &bmp_password("ge@äheim"),
            &[1, 2, 3, 4, 5, 6, 7, 8],
            Purpose::EncryptionKey,
            100,
            32,
        );
        assert_eq!(
            hex::encode(&key[..]),
            "fae4d4957a3cc781e1180b9d4fb79c1e0c8579b746a3177e5b0768a3118bf863"
        );
    }

    #[test]
    fn pbkdf2_matches_rfc_6070() {
        let key = pbkdf2(Hash::Sha1, b"password", b"salt", 2, 20).expect("derives");
        assert_eq!(
            hex::encode(&key[..]),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
    }

    #[test]
    fn iteration_counts_above_the_limit_or_zero_are_refused() {
        let count = |bytes: &'static [u8]| UintRef::new(bytes).expect("uint");
        assert_eq!(iterations(count(&[0x08, 0x00])), Ok(2048));
        assert_eq!(iterations(count(&[0x0f, 0x42, 0x40])), Ok(MAX_ITERATIONS));
        for too_many in [
            &[0x0f, 0x42, 0x41][..],
            &[0x1e, 0x84, 0x80],
            &[1, 0, 0, 0, 0, 0],
        ] {
            assert_eq!(
                iterations(count(too_many)).map_err(|e| e.code()),
                Err(ErrorCode::TooManyIterations)
            );
        }
        assert_eq!(
            iterations(count(&[0])).map_err(|e| e.code()),
            Err(ErrorCode::Malformed)
        );
    }
}
