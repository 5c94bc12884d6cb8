//! Password-based encryption of the file's parts: PBES2 (RFC 8018) and the PKCS#12 PBEs
//! (RFC 7292 appendix C).

use super::cipher::Cipher;
use super::engine::{self, Decryption, Pbes2Job};
use super::kdf::{self, Hash, Purpose};
use super::work;
use super::{EncryptionScheme, InspectError, malformed, unsupported, wrong_password};
use der::Sequence;
use der::asn1::{ObjectIdentifier as Oid, OctetStringRef, UintRef};
use spki::AlgorithmIdentifierRef;
use std::cell::RefCell;
use std::collections::HashMap;
use zeroize::Zeroizing;

const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
const HMAC_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.2.7");
const HMAC_WITH_SHA224: Oid = Oid::new_unwrap("1.2.840.113549.2.8");
const HMAC_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
const HMAC_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.2.10");
const HMAC_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.2.11");
const AES_128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
const AES_192_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.22");
const AES_256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
const DES_EDE3_CBC: Oid = Oid::new_unwrap("1.2.840.113549.3.7");
const PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
const PBE_SHA1_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
const PBE_SHA1_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
const PBE_SHA1_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");

#[derive(Sequence)]
struct Pbes2Params<'a> {
    kdf: AlgorithmIdentifierRef<'a>,
    encryption: AlgorithmIdentifierRef<'a>,
}

#[derive(Sequence)]
struct Pbkdf2Params<'a> {
    salt: &'a OctetStringRef,
    iteration_count: UintRef<'a>,
    key_length: Option<UintRef<'a>>,
    prf: Option<AlgorithmIdentifierRef<'a>>,
}

#[derive(Sequence)]
struct Pkcs12PbeParams<'a> {
    salt: &'a OctetStringRef,
    iterations: UintRef<'a>,
}

/// An encryption scheme the inspector supports, with its parameters, read from an
/// AlgorithmIdentifier. Reading it checks everything that needs no password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    Pbes2 {
        prf: Hash,
        cipher: Cipher,
        salt: Vec<u8>,
        iterations: u32,
        iv: Vec<u8>,
    },
    Pkcs12 {
        cipher: Cipher,
        salt: Vec<u8>,
        iterations: u32,
    },
}

impl Scheme {
    pub(crate) fn parse(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<Self, InspectError> {
        let cipher = match algorithm.oid {
            PBES2 => return Self::parse_pbes2(algorithm),
            PBE_SHA1_3DES => Cipher::TripleDes3Key,
            PBE_SHA1_2DES => Cipher::TripleDes2Key,
            PBE_SHA1_RC2_128 => Cipher::Rc2With128Bits,
            PBE_SHA1_RC2_40 => Cipher::Rc2With40Bits,
            other => {
                return Err(unsupported(format!(
                    "the encryption algorithm {other} is not supported"
                )));
            }
        };
        let params: Pkcs12PbeParams<'_> = decode_params(algorithm)?;
        Ok(Self::Pkcs12 {
            cipher,
            salt: params.salt.as_bytes().to_vec(),
            iterations: kdf::iterations(params.iterations)?,
        })
    }

    fn parse_pbes2(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<Self, InspectError> {
        let params: Pbes2Params<'_> = decode_params(algorithm)?;
        if params.kdf.oid != PBKDF2 {
            // scrypt among others: its memory cost is another way to stall a browser.
            return Err(unsupported(format!(
                "the PBES2 key derivation {} is not supported",
                params.kdf.oid
            )));
        }
        let kdf_params: Pbkdf2Params<'_> = decode_params(&params.kdf)?;
        let prf = match kdf_params.prf.as_ref().map(|prf| prf.oid) {
            None | Some(HMAC_WITH_SHA1) => Hash::Sha1,
            Some(HMAC_WITH_SHA224) => Hash::Sha224,
            Some(HMAC_WITH_SHA256) => Hash::Sha256,
            Some(HMAC_WITH_SHA384) => Hash::Sha384,
            Some(HMAC_WITH_SHA512) => Hash::Sha512,
            Some(other) => {
                return Err(unsupported(format!(
                    "the PBKDF2 function {other} is not supported"
                )));
            }
        };
        let cipher = match params.encryption.oid {
            AES_128_CBC => Cipher::Aes128,
            AES_192_CBC => Cipher::Aes192,
            AES_256_CBC => Cipher::Aes256,
            DES_EDE3_CBC => Cipher::TripleDes3Key,
            other => {
                return Err(unsupported(format!(
                    "the PBES2 cipher {other} is not supported"
                )));
            }
        };
        if let Some(key_length) = kdf_params.key_length
            && key_length.as_bytes() != [cipher.key_len() as u8]
        {
            return Err(malformed("the PBKDF2 key length does not fit the cipher"));
        }
        let iv: &OctetStringRef = decode_params(&params.encryption)?;
        if iv.as_bytes().len() != cipher.block_len() {
            return Err(malformed("the cipher's IV has the wrong length"));
        }
        Ok(Self::Pbes2 {
            prf,
            cipher,
            salt: kdf_params.salt.as_bytes().to_vec(),
            iterations: kdf::iterations(kdf_params.iteration_count)?,
            iv: iv.as_bytes().to_vec(),
        })
    }

    /// What decrypting with `password` costs, in the units of [`work`]: the key derivation,
    /// run twice (key and IV) by the PKCS#12 PBEs.
    pub(crate) fn work(&self, password: &Password<'_>) -> u64 {
        match self {
            Self::Pbes2 {
                prf,
                cipher,
                salt,
                iterations,
                ..
            } => work::pbkdf2(
                *prf,
                password.utf8.len(),
                salt.len(),
                *iterations,
                cipher.key_len(),
            ),
            Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            } => {
                let derive = |len| {
                    work::pkcs12_kdf(Hash::Sha1, salt.len(), password.bmp.len(), *iterations, len)
                };
                derive(cipher.key_len()).saturating_add(derive(cipher.block_len()))
            }
        }
    }

    /// The scheme as the report shows it.
    pub(crate) fn describe(&self) -> EncryptionScheme {
        match self {
            Self::Pbes2 {
                prf,
                cipher,
                iterations,
                ..
            } => EncryptionScheme {
                name: format!("PBES2 PBKDF2-HMAC-{} {}", prf.name(), cipher.pbes2_name()),
                iterations: *iterations,
            },
            Self::Pkcs12 {
                cipher, iterations, ..
            } => EncryptionScheme {
                name: cipher.pkcs12_name().to_owned(),
                iterations: *iterations,
            },
        }
    }

    /// The PBES2 decryption of `ciphertext` as an engine runs it; `None` for the PKCS#12 PBEs,
    /// which stay in Rust.
    pub(crate) fn pbes2_job<'a>(&'a self, ciphertext: &'a [u8]) -> Option<Pbes2Job<'a>> {
        match self {
            Self::Pbes2 {
                prf,
                cipher,
                salt,
                iterations,
                iv,
            } => Some(Pbes2Job {
                prf: *prf,
                cipher: *cipher,
                salt,
                iterations: *iterations,
                iv,
                ciphertext,
            }),
            Self::Pkcs12 { .. } => None,
        }
    }

    /// `None` when the data does not decrypt (wrong password, or damaged data).
    fn decrypt(&self, password: &Password, data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            // PBES2 takes the password's UTF-8 bytes as they are, as openssl does.
            Self::Pbes2 { .. } => engine::decrypt_here(password.utf8, self.pbes2_job(data)?),
            Self::Pkcs12 {
                cipher,
                salt,
                iterations,
            } => {
                let derive = |purpose, len| {
                    kdf::pkcs12(Hash::Sha1, &password.bmp, salt, purpose, *iterations, len)
                };
                let key = derive(Purpose::EncryptionKey, cipher.key_len());
                let iv = derive(Purpose::Iv, cipher.block_len());
                cipher.decrypt(&key, &iv, data)
            }
        }
    }
}

fn decode_params<'a, T>(algorithm: &AlgorithmIdentifierRef<'a>) -> Result<T, InspectError>
where
    T: der::Choice<'a> + der::DecodeValue<'a>,
{
    algorithm
        .parameters
        .as_ref()
        .and_then(|params| params.decode_as::<T>().ok())
        .ok_or_else(|| malformed(format!("the parameters of {} are damaged", algorithm.oid)))
}

/// The password in the two forms the schemes use.
#[derive(Clone)]
pub(crate) struct Password<'a> {
    /// For PBES2.
    pub(crate) utf8: &'a [u8],
    /// For the PKCS#12 KDF (MAC and PKCS#12 PBEs).
    pub(crate) bmp: Zeroizing<Vec<u8>>,
}

impl<'a> Password<'a> {
    pub(crate) fn new(password: &'a str) -> Self {
        Self {
            utf8: password.as_bytes(),
            bmp: kdf::bmp_password(password),
        }
    }

    /// No bytes at all, not even the terminating zero: openssl's "NULL" password. Also the
    /// cheapest form any password can take, which is how [`super::probe`] charges a file it
    /// has no password for.
    pub(crate) fn null() -> Self {
        Self {
            utf8: &[],
            bmp: Zeroizing::new(Vec::new()),
        }
    }

    /// The forms to try against a MAC. For an empty password openssl also accepts the KDF
    /// run over no bytes at all (a "NULL" password), which some tools write.
    pub(crate) fn candidates(password: &'a str) -> Vec<Self> {
        let mut candidates = vec![Self::new(password)];
        if password.is_empty() {
            candidates.push(Self::null());
        }
        candidates
    }
}

/// The decryptions an engine did before the file's parts were read, by ciphertext: a part is
/// looked up once, in time that grows with its size, however many parts the file has.
pub(crate) struct Ahead<'f> {
    done: RefCell<HashMap<&'f [u8], Vec<Done<'f>>>>,
}

/// A job's scheme and what the engine made of it.
type Done<'f> = (&'f Scheme, Decryption);

impl<'f> Ahead<'f> {
    pub(crate) fn new(done: impl Iterator<Item = (&'f Scheme, &'f [u8], Decryption)>) -> Self {
        let mut by_ciphertext: HashMap<&[u8], Vec<_>> = HashMap::new();
        for (scheme, ciphertext, decryption) in done {
            by_ciphertext
                .entry(ciphertext)
                .or_default()
                .push((scheme, decryption));
        }
        Self {
            done: RefCell::new(by_ciphertext),
        }
    }

    /// What the engine made of `data` under `scheme`, handed out once (the plaintext is moved,
    /// not copied); a second part with the same bytes is decrypted here.
    fn take(&self, scheme: &Scheme, data: &[u8]) -> Option<Decryption> {
        let mut done = self.done.borrow_mut();
        let candidates = done.get_mut(data)?;
        let at = candidates.iter().position(|(done, _)| *done == scheme)?;
        Some(candidates.swap_remove(at).1)
    }
}

/// Decrypts the parts of one file with one password.
pub(crate) struct Decrypter<'a, 'f> {
    pub(crate) password: Password<'a>,
    /// With a verified MAC the password is known to be right, so data that does not decrypt
    /// is damaged; without one, it is the best sign of a wrong password.
    pub(crate) mac_verified: bool,
    /// What an engine decrypted already; anything else, or anything it could not do, is
    /// decrypted here.
    pub(crate) ahead: Ahead<'f>,
}

impl Decrypter<'_, '_> {
    pub(crate) fn decrypt(
        &self,
        scheme: &Scheme,
        data: &[u8],
        what: &str,
    ) -> Result<Zeroizing<Vec<u8>>, InspectError> {
        match self.ahead.take(scheme, data) {
            Some(Decryption::Plain(plain)) => Some(plain),
            // Without a MAC that is the wrong password's sign, as here. With one it would say
            // the file is damaged: that is for Rust's own decryption to confirm.
            Some(Decryption::Fails) if !self.mac_verified => None,
            _ => scheme.decrypt(&self.password, data),
        }
        .ok_or_else(|| self.undecodable(what))
    }

    /// The error for decrypted data that cannot be read.
    pub(crate) fn undecodable(&self, what: &str) -> InspectError {
        if self.mac_verified {
            malformed(format!("the {what} does not decrypt to anything readable"))
        } else {
            wrong_password()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use der::asn1::AnyRef;
    use der::{Decode, Encode};

    fn algorithm(oid: Oid, params: &[u8]) -> AlgorithmIdentifierRef<'_> {
        AlgorithmIdentifierRef {
            oid,
            parameters: Some(AnyRef::from_der(params).expect("params")),
        }
    }

    #[test]
    fn an_unknown_encryption_oid_is_unsupported() {
        let rc4 = Oid::new_unwrap("1.2.840.113549.1.12.1.1");
        let error = Scheme::parse(&algorithm(rc4, &[5, 0])).expect_err("rc4");
        assert_eq!(error.code(), ErrorCode::UnsupportedAlgorithm);
    }

    #[test]
    fn pkcs12_pbe_parameters_are_read_and_named() {
        // SEQUENCE { OCTET STRING 0102, INTEGER 2048 }
        let params = [0x30, 0x08, 0x04, 0x02, 1, 2, 0x02, 0x02, 0x08, 0x00];
        let scheme = Scheme::parse(&algorithm(PBE_SHA1_RC2_40, &params)).expect("parses");
        assert_eq!(
            scheme.describe(),
            EncryptionScheme {
                name: "pbeWithSHAAnd40BitRC2-CBC".into(),
                iterations: 2048
            }
        );
    }

    #[test]
    fn a_huge_pkcs12_pbe_iteration_count_is_refused_before_deriving() {
        let params = [0x30, 0x09, 0x04, 0x02, 1, 2, 0x02, 0x03, 0x1e, 0x84, 0x80];
        let error = Scheme::parse(&algorithm(PBE_SHA1_3DES, &params)).expect_err("huge");
        assert_eq!(error.code(), ErrorCode::TooManyIterations);
    }

    #[test]
    fn scrypt_is_unsupported() {
        let scrypt = AlgorithmIdentifierRef {
            oid: Oid::new_unwrap("1.3.6.1.4.1.11591.4.11"),
            parameters: None,
        };
        let aes = AlgorithmIdentifierRef {
            oid: AES_256_CBC,
            parameters: None,
        };
        let mut params = Vec::new();
        scrypt.encode_to_vec(&mut params).expect("encodes");
        aes.encode_to_vec(&mut params).expect("encodes");
        let mut sequence = vec![0x30, params.len() as u8];
        sequence.extend(params);
        let error = Scheme::parse(&algorithm(PBES2, &sequence)).expect_err("scrypt");
        assert_eq!(error.code(), ErrorCode::UnsupportedAlgorithm);
    }
}
