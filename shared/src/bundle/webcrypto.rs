//! The browser's own cryptography (WebCrypto), for the collect page (feature `webcrypto`):
//! [`WebCrypto`], the inspector's engine, runs the PBES2 key derivations and decryptions and
//! verifies the CA's signature natively and off the page's thread, so that the page carries
//! no RSA code and no software PBKDF2 on its way. Natively the [`super::RustCrypto`] engine
//! does the same in pure Rust, and the wasm tests hold both to the same files
//! (`tests/wasm.rs`).
//!
//! What the browser is handed: the password, as a non-extractable PBKDF2 key; the keys
//! derived from it, as non-extractable AES keys; and the decrypted private key, in the buffer
//! `decrypt` answers with, which is wiped once copied into wasm memory. The browser's own
//! copies inside its cryptography are its to free, and the keys live until the page drops
//! them to the garbage collector: what any page that uses WebCrypto accepts, and the renewal
//! page already does when it signs with the file's key.

use super::{Cipher, Decryption, Engine, Hash, PendingSignature, SignatureAlgorithm};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// `crypto.subtle`, when the page has it: only in a secure context (https, or localhost), and
/// not in every browser, whatever the type says.
pub fn subtle() -> Option<SubtleCrypto> {
    let window = web_sys::window()?;
    if !window.is_secure_context() {
        return None;
    }
    let crypto = window.crypto().ok()?;
    Reflect::get(&crypto, &JsValue::from_str("subtle"))
        .ok()
        .filter(|subtle| !subtle.is_undefined())?;
    Some(crypto.subtle())
}

/// A WebCrypto algorithm object from `(key, value)` pairs.
pub fn algorithm(fields: &[(&str, &str)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (key, value) in fields {
        set(&object, key, &JsValue::from_str(value))?;
    }
    Ok(object)
}

/// The inspector's engine in a browser: [`super::open_with`] with it decrypts the file's
/// PBES2 parts and verifies the CA's signature through `crypto.subtle`. Where the page has no
/// WebCrypto (an insecure context), or for what WebCrypto lacks (HMAC-SHA224 PBKDF2, AES-192
/// in Chromium, 3DES), the inspector's Rust runs instead; only the CA's signature is then left
/// unchecked, and the page says so.
pub struct WebCrypto {
    subtle: Option<SubtleCrypto>,
}

impl WebCrypto {
    pub fn new() -> Self {
        Self { subtle: subtle() }
    }
}

impl Default for WebCrypto {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine for WebCrypto {
    /// A non-extractable PBKDF2 key holding the password.
    type Password = CryptoKey;

    async fn password(&self, utf8: &[u8]) -> Option<CryptoKey> {
        let subtle = self.subtle.as_ref()?;
        let raw = Uint8Array::from(utf8);
        let usages = Array::of1(&JsValue::from_str("deriveKey"));
        // importKey copies the bytes when it is called: the copy handed to JavaScript is wiped
        // right after.
        let importing = subtle.import_key_with_str("raw", &raw, "PBKDF2", false, &usages);
        raw.fill(0, 0, raw.length());
        JsFuture::from(importing.ok()?).await.ok()?.dyn_into().ok()
    }

    fn pbes2_decrypt(
        &self,
        password: &CryptoKey,
        job: super::Pbes2Job<'_>,
    ) -> impl Future<Output = Decryption> {
        // The derivation is asked for now, when the inspector starts its jobs, so that it runs
        // while the inspector verifies the MAC.
        // Wrapped in a JsFuture at once, which handles the promise's outcome even if the
        // inspector never awaits it (a password the MAC refused).
        let deriving = self.subtle.as_ref().and_then(|subtle| {
            let promise = derive_aes_key(subtle, password, &job)?;
            Some((subtle, JsFuture::from(promise)))
        });
        async move {
            let Some((subtle, deriving)) = deriving else {
                return Decryption::Unable;
            };
            let Ok(key) = deriving.await.and_then(JsCast::dyn_into) else {
                return Decryption::Unable;
            };
            let Ok(decrypting) = aes_cbc(job.iv).and_then(|algorithm| {
                subtle.decrypt_with_object_and_u8_array(&algorithm, &key, job.ciphertext)
            }) else {
                return Decryption::Unable;
            };
            // WebCrypto refuses a wrong PKCS#7 padding with an OperationError, which with CBC
            // is how a wrong key shows; anything else it refuses is left to Rust.
            match JsFuture::from(decrypting).await {
                Ok(plain) => {
                    let plain = Uint8Array::new(&plain);
                    let bytes = zeroize::Zeroizing::new(plain.to_vec());
                    plain.fill(0, 0, plain.length());
                    Decryption::Plain(bytes)
                }
                Err(error) if error_name(&error).as_deref() == Some("OperationError") => {
                    Decryption::Fails
                }
                Err(_) => Decryption::Unable,
            }
        }
    }

    async fn verify(&self, pending: &PendingSignature) -> Option<bool> {
        verify_or_fail(self.subtle.as_ref()?, pending).await.ok()
    }
}

/// `deriveKey` of the job's AES key from the password, started; `None` when WebCrypto has
/// not the job's PRF or cipher.
fn derive_aes_key(
    subtle: &SubtleCrypto,
    password: &CryptoKey,
    job: &super::Pbes2Job<'_>,
) -> Option<js_sys::Promise> {
    let hash = match job.prf {
        Hash::Sha1 => "SHA-1",
        Hash::Sha256 => "SHA-256",
        Hash::Sha384 => "SHA-384",
        Hash::Sha512 => "SHA-512",
        Hash::Sha224 => return None,
    };
    let bits = match job.cipher {
        Cipher::Aes128 => 128,
        Cipher::Aes192 => 192,
        Cipher::Aes256 => 256,
        _ => return None,
    };
    let pbkdf2 = algorithm(&[("name", "PBKDF2"), ("hash", hash)]).ok()?;
    set(&pbkdf2, "salt", &Uint8Array::from(job.salt)).ok()?;
    set(&pbkdf2, "iterations", &JsValue::from(job.iterations)).ok()?;
    let aes = algorithm(&[("name", "AES-CBC")]).ok()?;
    set(&aes, "length", &JsValue::from(bits)).ok()?;
    let usages = Array::of1(&JsValue::from_str("decrypt"));
    subtle
        .derive_key_with_object_and_object(&pbkdf2, password, &aes, false, &usages)
        .ok()
}

/// A DOMException's `name`.
fn error_name(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("name"))
        .ok()?
        .as_string()
}

fn aes_cbc(iv: &[u8]) -> Result<Object, JsValue> {
    let aes = algorithm(&[("name", "AES-CBC")])?;
    set(&aes, "iv", &Uint8Array::from(iv))?;
    Ok(aes)
}

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(key), value).map(drop)
}

/// `Err` when WebCrypto could not run the check; `Ok(false)` when it ran and said no.
async fn verify_or_fail(
    subtle: &SubtleCrypto,
    pending: &PendingSignature,
) -> Result<bool, JsValue> {
    let rsa = |hash| {
        (
            algorithm(&[("name", "RSASSA-PKCS1-v1_5"), ("hash", hash)]),
            algorithm(&[("name", "RSASSA-PKCS1-v1_5")]),
        )
    };
    let (import, check) = match pending.algorithm {
        SignatureAlgorithm::RsaSha256 => rsa("SHA-256"),
        SignatureAlgorithm::RsaSha384 => rsa("SHA-384"),
        SignatureAlgorithm::RsaSha512 => rsa("SHA-512"),
        SignatureAlgorithm::EcdsaP256Sha256 => (
            algorithm(&[("name", "ECDSA"), ("namedCurve", "P-256")]),
            algorithm(&[("name", "ECDSA"), ("hash", "SHA-256")]),
        ),
    };
    let spki = Uint8Array::from(pending.ca_spki.as_slice());
    let usages = Array::of1(&JsValue::from_str("verify"));
    let key: CryptoKey =
        JsFuture::from(subtle.import_key_with_object("spki", &spki, &import?, false, &usages)?)
            .await?
            .dyn_into()?;
    let verified = JsFuture::from(subtle.verify_with_object_and_u8_array_and_u8_array(
        &check?,
        &key,
        &pending.signature,
        &pending.message,
    )?)
    .await?;
    Ok(verified.as_bool() == Some(true))
}

/// `data` signed with SHA-256 by the PKCS#8 private key `pkcs8` (RSA: RSASSA-PKCS1-v1_5; EC
/// P-256: ECDSA as `r || s`), for the renewal page's proof of the old key. The key is imported
/// non-extractable and dropped with the call; `Err` when WebCrypto cannot import or sign.
pub async fn sign_with_pkcs8(
    pkcs8: &[u8],
    key: &super::KeySummary,
    data: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let subtle = subtle().ok_or(JsValue::NULL)?;
    let (import, sign) = if key.algorithm == "EC" {
        (
            algorithm(&[("name", "ECDSA"), ("namedCurve", "P-256")])?,
            algorithm(&[("name", "ECDSA"), ("hash", "SHA-256")])?,
        )
    } else {
        (
            algorithm(&[("name", "RSASSA-PKCS1-v1_5"), ("hash", "SHA-256")])?,
            algorithm(&[("name", "RSASSA-PKCS1-v1_5")])?,
        )
    };
    let der = Uint8Array::from(pkcs8);
    let usages = Array::of1(&JsValue::from_str("sign"));
    // importKey copies the bytes when it is called: the copy handed to JavaScript is wiped
    // right after, whatever the call said.
    let importing = subtle.import_key_with_object("pkcs8", &der, &import, false, &usages);
    der.fill(0, 0, der.length());
    let private: CryptoKey = JsFuture::from(importing?).await?.dyn_into()?;
    let signature: js_sys::ArrayBuffer =
        JsFuture::from(subtle.sign_with_object_and_u8_array(&sign, &private, data)?)
            .await?
            .dyn_into()?;
    Ok(Uint8Array::new(&signature).to_vec())
}
