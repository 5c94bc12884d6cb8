//! A PKCS#12 writer (RFC 7292) for tests: bags, plain and encrypted parts, a MAC field.
//!
//! Encryption is real only for PBES2 with AES-256-CBC, the one scheme the tests need to
//! decrypt, and only when given a password; otherwise the ciphertext has the right shape and
//! no password opens it, which is all a file refused before its key derivations needs.

use super::der::{explicit, implicit_octets, int, null, octets, oid, seq, set};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeEncrypt, KeyIvInit};
use hmac::Hmac;

const DATA: &str = "1.2.840.113549.1.7.1";
const ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
const X509_CERTIFICATE: &str = "1.2.840.113549.1.9.22.1";
const LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";

/// A hash as the MAC and the PBKDF2 PRF name it.
#[derive(Clone, Copy, Debug)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    fn digest_oid(self) -> &'static str {
        match self {
            Self::Sha1 => "1.3.14.3.2.26",
            Self::Sha256 => "2.16.840.1.101.3.4.2.1",
            Self::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }

    fn hmac_oid(self) -> &'static str {
        match self {
            Self::Sha1 => "1.2.840.113549.2.7",
            Self::Sha256 => "1.2.840.113549.2.9",
            Self::Sha512 => "1.2.840.113549.2.11",
        }
    }

    fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

/// How a part or key is encrypted.
#[derive(Clone, Copy, Debug)]
pub enum Scheme {
    /// PBES2: PBKDF2 with HMAC over `prf`, AES-256-CBC. Real encryption.
    Aes256 { prf: Hash, iterations: u32 },
    /// pbeWithSHAAnd3-KeyTripleDES-CBC. Ciphertext that no password opens.
    TripleDes { iterations: u32 },
}

const SALT: [u8; 8] = *b"saltsalt";
const IV: [u8; 16] = [0x1f; 16];

impl Scheme {
    fn algorithm(self) -> Vec<u8> {
        match self {
            Self::Aes256 { prf, iterations } => seq(&[
                oid("1.2.840.113549.1.5.13"),
                seq(&[
                    seq(&[
                        oid("1.2.840.113549.1.5.12"),
                        seq(&[
                            octets(&SALT),
                            int(iterations),
                            seq(&[oid(prf.hmac_oid()), null()]),
                        ]),
                    ]),
                    seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&IV)]),
                ]),
            ]),
            Self::TripleDes { iterations } => seq(&[
                oid("1.2.840.113549.1.12.1.3"),
                seq(&[octets(&SALT), int(iterations)]),
            ]),
        }
    }

    /// `password` `None`: ciphertext of the right shape that no password opens, for files
    /// that must be refused before their key derivations run (and too costly to encrypt).
    fn encrypt(self, password: Option<&str>, plaintext: &[u8]) -> Vec<u8> {
        let Some(password) = password else {
            return vec![0; (plaintext.len() / 16 + 1) * 16];
        };
        match self {
            Self::Aes256 { prf, iterations } => {
                let mut key = [0u8; 32];
                let password = password.as_bytes();
                match prf {
                    Hash::Sha1 => {
                        pbkdf2::pbkdf2::<Hmac<sha1::Sha1>>(password, &SALT, iterations, &mut key)
                    }
                    Hash::Sha256 => {
                        pbkdf2::pbkdf2::<Hmac<sha2::Sha256>>(password, &SALT, iterations, &mut key)
                    }
                    Hash::Sha512 => {
                        pbkdf2::pbkdf2::<Hmac<sha2::Sha512>>(password, &SALT, iterations, &mut key)
                    }
                }
                .expect("HMAC takes any key");
                let mut buffer = plaintext.to_vec();
                buffer.resize(plaintext.len() + 16, 0);
                cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &IV)
                    .expect("key and IV sizes")
                    .encrypt_padded::<Pkcs7>(&mut buffer, plaintext.len())
                    .expect("room for the padding")
                    .to_vec()
            }
            // The tests refuse every 3DES file before its key derivations run.
            Self::TripleDes { .. } => vec![0; (plaintext.len() / 8 + 1) * 8],
        }
    }
}

fn attributes(local_key_id: Option<&[u8]>) -> Vec<Vec<u8>> {
    local_key_id
        .map(|id| set(&[seq(&[oid(LOCAL_KEY_ID), set(&[octets(id)])])]))
        .into_iter()
        .collect()
}

fn bag(bag_id: &str, value: Vec<u8>, local_key_id: Option<&[u8]>) -> Vec<u8> {
    let mut elements = vec![oid(bag_id), explicit(&value)];
    elements.extend(attributes(local_key_id));
    seq(&elements)
}

/// A certificate bag holding an X.509 certificate's DER.
pub fn cert_bag(certificate: &[u8], local_key_id: Option<&[u8]>) -> Vec<u8> {
    let cert_bag = seq(&[oid(X509_CERTIFICATE), explicit(&octets(certificate))]);
    bag(CERT_BAG, cert_bag, local_key_id)
}

/// A key bag holding a PKCS#8 private key in the clear.
pub fn key_bag(pkcs8: &[u8], local_key_id: Option<&[u8]>) -> Vec<u8> {
    bag(KEY_BAG, pkcs8.to_vec(), local_key_id)
}

/// A shrouded key bag: the PKCS#8 key encrypted with `scheme`.
pub fn shrouded_key_bag(
    scheme: Scheme,
    password: Option<&str>,
    pkcs8: &[u8],
    local_key_id: Option<&[u8]>,
) -> Vec<u8> {
    let encrypted = seq(&[scheme.algorithm(), octets(&scheme.encrypt(password, pkcs8))]);
    bag(SHROUDED_KEY_BAG, encrypted, local_key_id)
}

/// A part in the clear holding `bags`.
pub fn plain_part(bags: &[Vec<u8>]) -> Vec<u8> {
    seq(&[oid(DATA), explicit(&octets(&seq(bags)))])
}

/// An encrypted part holding `bags`.
pub fn encrypted_part(scheme: Scheme, password: Option<&str>, bags: &[Vec<u8>]) -> Vec<u8> {
    let ciphertext = scheme.encrypt(password, &seq(bags));
    let encrypted_data = seq(&[
        int(0),
        seq(&[oid(DATA), scheme.algorithm(), implicit_octets(&ciphertext)]),
    ]);
    seq(&[oid(ENCRYPTED_DATA), explicit(&encrypted_data)])
}

/// A MAC field whose digest no password matches: for files refused before the MAC runs.
#[derive(Clone, Copy, Debug)]
pub struct UnverifiableMac {
    pub hash: Hash,
    pub iterations: u32,
}

/// The PFX around `parts`.
pub fn pfx(parts: &[Vec<u8>], mac: Option<UnverifiableMac>) -> Vec<u8> {
    let auth_safe = seq(&[oid(DATA), explicit(&octets(&seq(parts)))]);
    let mut elements = vec![int(3), auth_safe];
    if let Some(mac) = mac {
        elements.push(seq(&[
            seq(&[
                seq(&[oid(mac.hash.digest_oid()), null()]),
                octets(&vec![0; mac.hash.output_len()]),
            ]),
            octets(&SALT),
            int(mac.iterations),
        ]));
    }
    seq(&elements)
}
