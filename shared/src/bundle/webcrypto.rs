//! The chain check's last step done by the browser's own cryptography (WebCrypto), for the
//! collect page: the CA's signature on the certificate, verified natively and off the wasm,
//! so that the page carries no RSA code (feature `webcrypto`). Natively
//! [`PendingSignature::verify`] does the same in pure Rust, and the wasm tests hold both to
//! the same files (`tests/wasm.rs`).

use super::{ChainCheck, PendingSignature, SignatureAlgorithm};
use js_sys::{Array, Object, Reflect, Uint8Array};
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
        Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value))?;
    }
    Ok(object)
}

/// The chain check with the signature verified by the browser; `None` when the browser
/// cannot tell (no WebCrypto, or a CA key it will not import): then the check was not made,
/// which the page says as such, rather than calling the file untrusted or trusted.
pub async fn check(pending: PendingSignature) -> Option<ChainCheck> {
    let verified = verify(&pending).await?;
    Some(pending.settle(verified))
}

/// Whether the CA's key verifies the signature; `None` when the browser cannot tell.
pub async fn verify(pending: &PendingSignature) -> Option<bool> {
    verify_or_fail(pending).await.ok()
}

/// `Err` when WebCrypto could not run the check; `Ok(false)` when it ran and said no.
async fn verify_or_fail(pending: &PendingSignature) -> Result<bool, JsValue> {
    let subtle = subtle().ok_or(JsValue::NULL)?;
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
