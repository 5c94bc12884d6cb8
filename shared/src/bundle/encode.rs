//! The PKCS#12 writer, for the collect page when the browser made the key: it holds the key
//! and gets only the certificate from the server, so it must seal the file itself.
//!
//! It writes the server's two profiles (`backend/src/pki/pkcs12.rs`) in the server's shape:
//! an encrypted container with the certificate and the CA chain, then a shrouded key bag, then
//! an HMAC over both, with the server's salt lengths, so a file does not tell which side made
//! it. Pure like the inspector: the salts and IVs come from the caller's `random`.

use super::MAX_ITERATIONS;
use super::kdf::{self, Hash, Purpose};
use crate::model::Profile;
use crate::tlv::{
    NULL, bmp_string, explicit, implicit_octet_string, integer, octet_string, oid, sequence, set_of,
};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherEncrypt, BlockModeEncrypt, InnerIvInit, KeyInit};
use der::Decode;
use der::asn1::ObjectIdentifier as Oid;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
const HMAC_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
const AES_256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
const PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");

// The server's salt lengths (p12-keystore's); every tool reads any length.
const PBKDF2_SALT_LEN: usize = 32;
const PKCS12_PBE_SALT_LEN: usize = 20;
const MAC_SALT_LEN: usize = 8;

/// What goes into a PKCS#12 file.
///
/// `Debug` shows neither the key nor the password.
pub struct Pkcs12Input {
    /// The client certificate, DER.
    pub certificate: Vec<u8>,
    /// The CA certificates that go with it, DER, in the order they are written.
    pub chain: Vec<Vec<u8>>,
    /// The certificate's private key: a PKCS#8 PrivateKeyInfo, DER, as WebCrypto's
    /// `exportKey("pkcs8")` gives it.
    pub private_key: Zeroizing<Vec<u8>>,
    /// The name tools show for the key and its certificate: keytool's alias, the friendly name
    /// in Windows. Not empty, and only characters of Unicode's Basic Multilingual Plane (it is
    /// written as a BMPString).
    pub friendly_name: String,
    /// The file's password, any UTF-8.
    pub password: Zeroizing<String>,
    /// How the file is protected.
    pub profile: Profile,
    /// The iteration count of every key derivation and of the MAC, 1 to [`MAX_ITERATIONS`].
    pub iterations: u32,
}

impl fmt::Debug for Pkcs12Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs12Input")
            .field("certificate", &self.certificate.len())
            .field("chain", &self.chain.len())
            .field("private_key", &"<hidden>")
            .field("friendly_name", &self.friendly_name)
            .field("password", &"<hidden>")
            .field("profile", &self.profile)
            .field("iterations", &self.iterations)
            .finish()
    }
}

/// Why [`encode`] wrote no file: all but the last are mistakes in the [`Pkcs12Input`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The iteration count is zero or above [`MAX_ITERATIONS`].
    #[error("the iteration count must be between 1 and {MAX_ITERATIONS}, not {0}")]
    Iterations(u32),
    /// The client certificate is not a DER X.509 certificate.
    #[error("the certificate is not a DER X.509 certificate")]
    Certificate,
    /// The CA certificate at this index of the chain is not a DER X.509 certificate.
    #[error("CA certificate {0} of the chain is not a DER X.509 certificate")]
    ChainCertificate(usize),
    /// The private key is not a DER PKCS#8 PrivateKeyInfo.
    #[error("the private key is not a DER PKCS#8 PrivateKeyInfo")]
    PrivateKey,
    /// The friendly name is empty or holds a character outside the Basic Multilingual Plane.
    #[error("the friendly name must not be empty and fit a BMPString")]
    FriendlyName,
    /// A primitive refused its input: a bug, not bad input.
    #[error("the file could not be written: {0}")]
    Internal(&'static str),
}

/// Writes a PKCS#12 file holding `input`'s key, certificate and chain, protected by its
/// password as its profile says:
///
/// - `Modern`: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the key and for the
///   certificates, and an HMAC-SHA256 MAC keyed by the PKCS#12 KDF, as OpenSSL 3 writes.
/// - `Compatible`: pbeWithSHAAnd3-KeyTripleDES-CBC for both and an HMAC-SHA1 MAC. Never RC2.
///
/// The key bag and the client certificate's bag carry the friendly name and a localKeyId (the
/// certificate's SHA-256); the CA certificates' bags carry nothing. `random` fills the salts
/// and IVs: in the browser, `crypto.getRandomValues`.
///
/// It checks that the certificates and key are well-formed DER of their types, not that the
/// key belongs to the certificate: [`super::open`] on the result does that.
pub fn encode(
    input: &Pkcs12Input,
    random: &mut dyn FnMut(&mut [u8]),
) -> Result<Zeroizing<Vec<u8>>, EncodeError> {
    let iterations = input.iterations;
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(EncodeError::Iterations(iterations));
    }
    x509_cert::Certificate::from_der(&input.certificate).map_err(|_| EncodeError::Certificate)?;
    for (index, ca) in input.chain.iter().enumerate() {
        x509_cert::Certificate::from_der(ca).map_err(|_| EncodeError::ChainCertificate(index))?;
    }
    pkcs8::PrivateKeyInfoRef::from_der(&input.private_key).map_err(|_| EncodeError::PrivateKey)?;
    let leaf_attributes = leaf_attributes(&input.friendly_name, &input.certificate)?;
    let password = Password {
        utf8: input.password.as_bytes(),
        bmp: kdf::bmp_password(&input.password),
    };
    let (protection, mac) = match input.profile {
        Profile::Modern => (Protection::Pbes2Aes256, MacHash::Sha256),
        Profile::Compatible => (Protection::Pkcs12TripleDes, MacHash::Sha1),
    };

    let mut cert_bags = vec![cert_bag(&input.certificate, Some(&leaf_attributes))];
    cert_bags.extend(input.chain.iter().map(|ca| cert_bag(ca, None)));
    let cert_bags: Vec<&[u8]> = cert_bags.iter().map(Vec::as_slice).collect();
    // Certificates are public, so the bags are not zeroized; the plaintext handed to the
    // cipher is, like every buffer cbc_encrypt sees.
    let safe_contents = Zeroizing::new(sequence(&cert_bags));
    let (algorithm, ciphertext) = protection.seal(&password, iterations, &safe_contents, random)?;
    // EncryptedData { version 0, EncryptedContentInfo { data, algorithm, [0] ciphertext } }
    let certificates = sequence(&[
        &integer(0),
        &sequence(&[&oid(&DATA), &algorithm, &implicit_octet_string(&ciphertext)]),
    ]);

    let (algorithm, ciphertext) =
        protection.seal(&password, iterations, &input.private_key, random)?;
    let shrouded_key = sequence(&[&algorithm, &octet_string(&ciphertext)]);
    let key_bags = sequence(&[&safe_bag(
        &SHROUDED_KEY_BAG,
        &shrouded_key,
        Some(&leaf_attributes),
    )]);

    // The order openssl and the server write: certificates first, then the key.
    let auth_safe = sequence(&[
        &content_info(&ENCRYPTED_DATA, &certificates),
        &content_info(&DATA, &octet_string(&key_bags)),
    ]);

    let mut mac_salt = [0u8; MAC_SALT_LEN];
    random(&mut mac_salt);
    let mac_key = kdf::pkcs12(
        mac.hash(),
        &password.bmp,
        &mac_salt,
        Purpose::Mac,
        iterations,
        mac.hash().output_len(),
    );
    let digest = mac.hmac(&mac_key, &auth_safe)?;
    let digest_info = sequence(&[&sequence(&[&oid(&mac.oid()), NULL]), &octet_string(&digest)]);
    // The count is DEFAULT 1, which DER leaves out.
    let count = if iterations > 1 {
        integer(iterations)
    } else {
        Vec::new()
    };
    let mac_data = sequence(&[&digest_info, &octet_string(&mac_salt), &count]);
    Ok(Zeroizing::new(sequence(&[
        &integer(3),
        &content_info(&DATA, &octet_string(&auth_safe)),
        &mac_data,
    ])))
}

/// The SET OF attributes, friendlyName and localKeyId, that ties the key bag to the client
/// certificate's bag.
fn leaf_attributes(friendly_name: &str, certificate: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let name = bmp_string(friendly_name)
        .filter(|_| !friendly_name.is_empty())
        .ok_or(EncodeError::FriendlyName)?;
    let local_key_id = octet_string(&Sha256::digest(certificate));
    let attribute =
        |oid_: &Oid, value: &[u8]| sequence(&[&oid(oid_), &set_of(vec![value.to_vec()])]);
    Ok(set_of(vec![
        attribute(&FRIENDLY_NAME, &name),
        attribute(&LOCAL_KEY_ID, &local_key_id),
    ]))
}

/// SafeBag { bagId, [0] EXPLICIT bagValue, bagAttributes OPTIONAL }
fn safe_bag(bag_id: &Oid, value: &[u8], attributes: Option<&[u8]>) -> Vec<u8> {
    sequence(&[
        &oid(bag_id),
        &explicit(value),
        attributes.unwrap_or_default(),
    ])
}

/// A SafeBag holding CertBag { x509Certificate, [0] EXPLICIT OCTET STRING }.
fn cert_bag(der: &[u8], attributes: Option<&[u8]>) -> Vec<u8> {
    let value = sequence(&[&oid(&X509_CERTIFICATE), &explicit(&octet_string(der))]);
    safe_bag(&CERT_BAG, &value, attributes)
}

/// ContentInfo { contentType, [0] EXPLICIT content }
fn content_info(content_type: &Oid, content: &[u8]) -> Vec<u8> {
    sequence(&[&oid(content_type), &explicit(content)])
}

/// The password in the forms the schemes take: UTF-8 for PBES2, BMPString for the PKCS#12 KDF.
struct Password<'a> {
    utf8: &'a [u8],
    bmp: Zeroizing<Vec<u8>>,
}

/// How the key and the certificates are encrypted.
#[derive(Clone, Copy)]
enum Protection {
    Pbes2Aes256,
    Pkcs12TripleDes,
}

impl Protection {
    /// Encrypts `plaintext` under fresh salts; returns the DER AlgorithmIdentifier that says
    /// how to decrypt it, and the ciphertext.
    fn seal(
        self,
        password: &Password<'_>,
        iterations: u32,
        plaintext: &[u8],
        random: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(Vec<u8>, Vec<u8>), EncodeError> {
        match self {
            Self::Pbes2Aes256 => {
                let mut salt = [0u8; PBKDF2_SALT_LEN];
                random(&mut salt);
                let mut iv = [0u8; 16];
                random(&mut iv);
                let mut key = Zeroizing::new([0u8; 32]);
                pbkdf2::pbkdf2_hmac::<Sha256>(password.utf8, &salt, iterations, &mut key[..]);
                let ciphertext = cbc_encrypt::<aes::Aes256>(&key[..], &iv, plaintext)?;
                // The PBKDF2 key length is left out, as openssl does for AES.
                let pbkdf2_params = sequence(&[
                    &octet_string(&salt),
                    &integer(iterations),
                    &sequence(&[&oid(&HMAC_WITH_SHA256), NULL]),
                ]);
                let params = sequence(&[
                    &sequence(&[&oid(&PBKDF2), &pbkdf2_params]),
                    &sequence(&[&oid(&AES_256_CBC), &octet_string(&iv)]),
                ]);
                Ok((sequence(&[&oid(&PBES2), &params]), ciphertext))
            }
            Self::Pkcs12TripleDes => {
                let mut salt = [0u8; PKCS12_PBE_SALT_LEN];
                random(&mut salt);
                let derive = |purpose, len| {
                    kdf::pkcs12(Hash::Sha1, &password.bmp, &salt, purpose, iterations, len)
                };
                let key = derive(Purpose::EncryptionKey, 24);
                let iv = derive(Purpose::Iv, 8);
                let ciphertext = cbc_encrypt::<des::TdesEde3>(&key, &iv, plaintext)?;
                let params = sequence(&[&octet_string(&salt), &integer(iterations)]);
                Ok((sequence(&[&oid(&PBE_SHA1_3DES), &params]), ciphertext))
            }
        }
    }
}

/// CBC with PKCS#7 padding; the plaintext's copy is zeroized.
fn cbc_encrypt<C: BlockCipherEncrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, EncodeError> {
    let sizes = || EncodeError::Internal("a cipher refused its key or IV size");
    let cipher = C::new_from_slice(key).map_err(|_| sizes())?;
    let encryptor = cbc::Encryptor::<C>::inner_iv_slice_init(cipher, iv).map_err(|_| sizes())?;
    // Padding always adds 1 to block-size bytes, so the buffer never grows (and leaves no
    // unzeroized copy behind).
    let block = C::block_size();
    let len = plaintext.len();
    let mut buffer = Zeroizing::new(vec![0u8; len + block - len % block]);
    buffer[..len].copy_from_slice(plaintext);
    let ciphertext = encryptor
        .encrypt_padded::<Pkcs7>(&mut buffer, len)
        .map_err(|_| EncodeError::Internal("the padding did not fit"))?;
    Ok(ciphertext.to_vec())
}

/// The MAC's hash: its PKCS#12 KDF and its HMAC.
#[derive(Clone, Copy)]
enum MacHash {
    Sha1,
    Sha256,
}

impl MacHash {
    fn hash(self) -> Hash {
        match self {
            Self::Sha1 => Hash::Sha1,
            Self::Sha256 => Hash::Sha256,
        }
    }

    fn oid(self) -> Oid {
        match self {
            Self::Sha1 => SHA1,
            Self::Sha256 => SHA256,
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, EncodeError> {
        fn run<D: hmac::EagerHash>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, EncodeError> {
            let mut mac = <Hmac<D> as hmac::KeyInit>::new_from_slice(key)
                .map_err(|_| EncodeError::Internal("HMAC refused its key"))?;
            mac.update(data);
            Ok(mac.finalize().into_bytes().to_vec())
        }
        match self {
            Self::Sha1 => run::<sha1::Sha1>(key, data),
            Self::Sha256 => run::<Sha256>(key, data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{self, PartKind};

    const CLIENT: &[u8] = include_bytes!("../../tests/fixtures/client.der");
    const CLIENT_KEY: &[u8] = include_bytes!("../../tests/fixtures/client-key.der");
    const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.der");
    /// Inside the fixture certificate's validity.
    const NOW: i64 = 1_800_000_000;

    fn input(profile: Profile) -> Pkcs12Input {
        Pkcs12Input {
            certificate: CLIENT.to_vec(),
            chain: vec![CA.to_vec()],
            private_key: Zeroizing::new(CLIENT_KEY.to_vec()),
            friendly_name: "e-banking".into(),
            password: Zeroizing::new("pw-1".into()),
            profile,
            iterations: 1000,
        }
    }

    /// A source that counts what it gives out: the same seed gives the same bytes.
    struct Counter {
        seed: u8,
        given: usize,
    }

    impl Counter {
        fn new(seed: u8) -> Self {
            Self { seed, given: 0 }
        }

        fn fill(&mut self, bytes: &mut [u8]) {
            for byte in bytes {
                *byte = self.seed.wrapping_add(self.given as u8);
                self.given += 1;
            }
        }
    }

    fn encode_with(input: &Pkcs12Input, seed: u8) -> Result<Zeroizing<Vec<u8>>, EncodeError> {
        let mut counter = Counter::new(seed);
        encode(input, &mut |bytes| counter.fill(bytes))
    }

    #[test]
    fn every_salt_and_iv_comes_from_the_callers_source() {
        for (profile, wanted) in [
            // Two PBES2 salts and IVs, the MAC salt.
            (Profile::Modern, 2 * (PBKDF2_SALT_LEN + 16) + MAC_SALT_LEN),
            // Two PBE salts (the IVs are derived), the MAC salt.
            (Profile::Compatible, 2 * PKCS12_PBE_SALT_LEN + MAC_SALT_LEN),
        ] {
            let mut counter = Counter::new(7);
            encode(&input(profile), &mut |bytes| counter.fill(bytes)).expect("encodes");
            assert_eq!(counter.given, wanted, "{profile:?}");
            let same = encode_with(&input(profile), 7).expect("encodes");
            let other = encode_with(&input(profile), 8).expect("encodes");
            assert_eq!(same, encode_with(&input(profile), 7).expect("encodes"));
            assert_ne!(same, other, "{profile:?}");
        }
    }

    #[test]
    fn both_profiles_open_in_the_inspector_with_the_algorithms_they_promise() {
        for (profile, mac, scheme) in [
            (
                Profile::Modern,
                "HMAC-SHA256",
                "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC",
            ),
            (
                Profile::Compatible,
                "HMAC-SHA1",
                "pbeWithSHAAnd3-KeyTripleDES-CBC",
            ),
        ] {
            let file = encode_with(&input(profile), 1).expect("encodes");
            let report = bundle::open(&file, "pw-1", Some(CA), NOW).expect("opens");
            let envelope = &report.envelope;
            assert_eq!(
                envelope.mac.as_ref().map(|m| m.algorithm.as_str()),
                Some(mac)
            );
            let parts: Vec<_> = envelope
                .parts
                .iter()
                .map(|part| (part.kind, part.encryption.clone().map(|e| e.name)))
                .collect();
            assert_eq!(
                parts,
                [
                    (PartKind::Container, Some(scheme.to_owned())),
                    (PartKind::PrivateKey, Some(scheme.to_owned())),
                ]
            );
            assert!(report.chain.expect("chain checked").trusted);
            assert_eq!(report.other_certificates.len(), 1);
        }
    }

    #[test]
    fn the_bytes_are_stable_for_a_fixed_random_source() {
        // Recorded when this writer's output was byte for byte the der crate's derived
        // encoders' for the same structures, and openssl and keytool opened it; a change here
        // needs those checks again (tests/pkcs12_writer.rs).
        for (profile, sha256) in [
            (
                Profile::Modern,
                "e488b36b6d60b20297443577b8cdda9490113db992fa5729563fa240efe81f6a",
            ),
            (
                Profile::Compatible,
                "049517bdfc6c4e49e68e69612681752f17adcb78f97f9e8dadadf3b944d6be8b",
            ),
        ] {
            let file = encode_with(&input(profile), 1).expect("encodes");
            assert_eq!(
                hex::encode(Sha256::digest(&file[..])),
                sha256,
                "{profile:?}"
            );
        }
    }

    #[test]
    fn one_iteration_leaves_the_mac_count_out_as_der_wants_and_still_opens() {
        let mut one = input(Profile::Modern);
        one.iterations = 1;
        let file = encode_with(&one, 1).expect("encodes");
        // The file ends with MacData's salt: no INTEGER follows it.
        let tail = &file[file.len() - MAC_SALT_LEN - 2..];
        assert_eq!(&tail[..2], &[0x04, MAC_SALT_LEN as u8]);
        let report = bundle::open(&file, "pw-1", None, NOW).expect("opens");
        assert_eq!(report.envelope.mac.expect("mac").iterations, 1);
    }

    #[test]
    fn bad_inputs_are_refused_before_any_work() {
        let refused = |change: &dyn Fn(&mut Pkcs12Input)| {
            let mut bad = input(Profile::Modern);
            change(&mut bad);
            let mut asked = false;
            let result = encode(&bad, &mut |_| asked = true);
            assert!(!asked, "no randomness for a refused input");
            result.expect_err("refused")
        };
        assert_eq!(refused(&|i| i.iterations = 0), EncodeError::Iterations(0));
        let too_many = MAX_ITERATIONS + 1;
        assert_eq!(
            refused(&|i| i.iterations = too_many),
            EncodeError::Iterations(too_many)
        );
        assert_eq!(
            refused(&|i| i.certificate.truncate(100)),
            EncodeError::Certificate
        );
        assert_eq!(
            refused(&|i| i.chain.push(b"not a certificate".to_vec())),
            EncodeError::ChainCertificate(1)
        );
        assert_eq!(
            refused(&|i| i.private_key = Zeroizing::new(CLIENT.to_vec())),
            EncodeError::PrivateKey
        );
        assert_eq!(
            refused(&|i| i.friendly_name.clear()),
            EncodeError::FriendlyName
        );
        assert_eq!(
            refused(&|i| i.friendly_name = "key 🔑".into()),
            EncodeError::FriendlyName
        );
    }

    #[test]
    fn a_friendly_name_beyond_ascii_and_no_chain_are_fine() {
        let mut input = input(Profile::Compatible);
        input.friendly_name = "blåbær-Ø".into();
        input.chain.clear();
        let file = encode_with(&input, 3).expect("encodes");
        let report = bundle::open(&file, "pw-1", None, NOW).expect("opens");
        assert!(report.other_certificates.is_empty());
    }

    #[test]
    fn debug_shows_neither_key_nor_password() {
        let mut input = input(Profile::Modern);
        input.password = Zeroizing::new("secret-password".into());
        let shown = format!("{input:?}");
        assert!(!shown.contains("secret-password"), "{shown}");
        assert!(shown.contains("<hidden>"), "{shown}");
    }
}
