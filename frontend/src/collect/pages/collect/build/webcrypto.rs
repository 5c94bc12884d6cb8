//! The browser's own cryptography (WebCrypto, reached through `shared`'s `bundle::webcrypto`,
//! which also verifies the chain check's signature) for a key the page makes: the key pair, its
//! public half, its signature over the certificate request, its private half for the file,
//! and the randomness of the file's password, salts and IVs. The key is made extractable only
//! because the page must put it in the PKCS#12 file; it never leaves the page otherwise.

use certportal_shared::bundle::webcrypto::{algorithm, subtle};
use certportal_shared::csr::build::Signer;
use certportal_shared::model::KeyType;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};
use zeroize::Zeroizing;

/// The most bytes `getRandomValues` fills in one call.
const RANDOM_CHUNK: usize = 65_536;

/// Whether this browser can make keys, asked before the contact spends a code on it.
pub fn available() -> bool {
    subtle().is_some()
}

/// Fills `bytes` from the browser's CSPRNG; false when it could not, and then what was
/// made with `bytes` must be thrown away.
pub fn fill_random(bytes: &mut [u8]) -> bool {
    let crypto = web_sys::window().and_then(|window| window.crypto().ok());
    crypto.is_some_and(|crypto| {
        bytes
            .chunks_mut(RANDOM_CHUNK)
            .all(|chunk| crypto.get_random_values_with_u8_array(chunk).is_ok())
    })
}

/// Why WebCrypto did not do what was asked; the page says it in words of its own.
#[derive(Debug)]
pub struct CryptoFailed;

impl From<JsValue> for CryptoFailed {
    fn from(_: JsValue) -> Self {
        CryptoFailed
    }
}

fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), CryptoFailed> {
    Reflect::set(object, &JsValue::from_str(key), value)?;
    Ok(())
}

/// A key pair made by WebCrypto, with the algorithm it signs with.
pub struct KeyPair {
    private: CryptoKey,
    public: CryptoKey,
    signer: Signer,
    subtle: SubtleCrypto,
}

impl KeyPair {
    /// Makes the order's key: RSASSA-PKCS1-v1_5 with SHA-256 (2048 or 3072 bits, exponent
    /// 65537), or ECDSA on P-256.
    pub async fn generate(key: KeyType) -> Result<Self, CryptoFailed> {
        let subtle = subtle().ok_or(CryptoFailed)?;
        let (algorithm, signer) = match key {
            KeyType::Rsa2048 | KeyType::Rsa3072 => {
                let bits = if key == KeyType::Rsa3072 { 3072 } else { 2048 };
                let algorithm = algorithm(&[("name", "RSASSA-PKCS1-v1_5"), ("hash", "SHA-256")])?;
                set(&algorithm, "modulusLength", &bits.into())?;
                set(
                    &algorithm,
                    "publicExponent",
                    &Uint8Array::from(&[1u8, 0, 1][..]).into(),
                )?;
                (algorithm, Signer::RsaSha256)
            }
            KeyType::P256 => (
                algorithm(&[("name", "ECDSA"), ("namedCurve", "P-256")])?,
                Signer::EcdsaP256Sha256,
            ),
        };
        let usages = Array::of1(&"sign".into());
        // A dictionary, not a class: there is no instanceof to check it by.
        let pair: CryptoKeyPair =
            JsFuture::from(subtle.generate_key_with_object(&algorithm, true, &usages)?)
                .await?
                .unchecked_into();
        Ok(Self {
            private: pair.get_private_key(),
            public: pair.get_public_key(),
            signer,
            subtle,
        })
    }

    /// How the key signs, for the request's signature algorithm.
    pub fn signer(&self) -> Signer {
        self.signer
    }

    async fn export(
        &self,
        format: &str,
        key: &CryptoKey,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoFailed> {
        let buffer: ArrayBuffer = JsFuture::from(self.subtle.export_key(format, key)?)
            .await?
            .dyn_into()?;
        let view = Uint8Array::new(&buffer);
        let bytes = Zeroizing::new(view.to_vec());
        // The copy in JavaScript's memory is wiped too, not left for the collector.
        view.fill(0, 0, view.length());
        Ok(bytes)
    }

    /// The public key as a DER SubjectPublicKeyInfo.
    pub async fn public_spki(&self) -> Result<Vec<u8>, CryptoFailed> {
        Ok(self.export("spki", &self.public).await?.to_vec())
    }

    /// The private key as a DER PKCS#8 PrivateKeyInfo, for the file.
    pub async fn private_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, CryptoFailed> {
        self.export("pkcs8", &self.private).await
    }

    /// The key's signature over `data` with SHA-256: PKCS#1 v1.5, or ECDSA as `r || s`.
    pub async fn sign(&self, data: &[u8]) -> Result<Vec<u8>, CryptoFailed> {
        let algorithm = match self.signer {
            Signer::RsaSha256 => algorithm(&[("name", "RSASSA-PKCS1-v1_5")])?,
            Signer::EcdsaP256Sha256 => algorithm(&[("name", "ECDSA"), ("hash", "SHA-256")])?,
        };
        let buffer: ArrayBuffer = JsFuture::from(self.subtle.sign_with_object_and_u8_array(
            &algorithm,
            &self.private,
            data,
        )?)
        .await?
        .dyn_into()?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}
