//! Sealing secrets at rest: AES-256-GCM under the data dir's key-encryption key.
//!
//! A sealed blob is `version (1) || nonce (12) || ciphertext || tag (16)`. The additional data
//! names what the blob is and which row it belongs to, so a blob moved to another order or
//! column does not open.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::hmac;
use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

const VERSION: u8 = 1;
/// The length of a key-encryption key.
pub const KEK_LEN: usize = 32;

/// What a sealed value is and whose: its additional data, so that a blob moved to another
/// order, message or column does not open. Every kind of sealed value has its variant here,
/// so the labels cannot collide or drift. The labels are stored with the data: never change one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealContext<'a> {
    /// The CA's private key, in the data dir.
    CaKey,
    /// An order's PKCS#12 file.
    Bundle { order_id: &'a str },
    /// An order's file password.
    Password { order_id: &'a str },
    /// A queued message's body (it holds a link, code or password).
    Message {
        channel: &'a str,
        recipient: &'a str,
        purpose: &'a str,
    },
    /// A staff member's TOTP secret.
    Totp { username: &'a str },
    /// A webhook endpoint's signing secret.
    WebhookSecret { endpoint_id: &'a str },
}

impl SealContext<'_> {
    fn label(&self) -> String {
        match self {
            Self::CaKey => "ca-key".to_owned(),
            Self::Bundle { order_id } => format!("bundle:{order_id}"),
            Self::Password { order_id } => format!("password:{order_id}"),
            Self::Message {
                channel,
                recipient,
                purpose,
            } => format!("message:{channel}:{recipient}:{purpose}"),
            Self::Totp { username } => format!("totp:{username}"),
            Self::WebhookSecret { endpoint_id } => format!("webhook:{endpoint_id}"),
        }
    }
}

#[derive(Debug, Error)]
pub enum SealError {
    #[error("the key-encryption key must be {KEK_LEN} bytes")]
    BadKey,
    #[error("cannot seal")]
    Seal,
    #[error("a sealed blob does not open: wrong key, damaged, or moved from another record")]
    Open,
}

/// The key-encryption key and the keys derived from it.
pub struct Kek {
    aead: RandomizedNonceKey,
    code_mac: hmac::Key,
    challenge_mac: hmac::Key,
}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kek([redacted])")
    }
}

impl Kek {
    /// Loads the key from its bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealError> {
        if bytes.len() != KEK_LEN {
            return Err(SealError::BadKey);
        }
        // Separate keys per purpose, derived so that one file holds one secret.
        let derive = |label: &[u8]| hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, bytes), label);
        let aead_key = derive(b"certportal seal v1");
        let mac_key = derive(b"certportal code mac v1");
        let challenge_key = derive(b"certportal renewal challenge v1");
        Ok(Self {
            aead: RandomizedNonceKey::new(&AES_256_GCM, aead_key.as_ref())
                .map_err(|_| SealError::BadKey)?,
            code_mac: hmac::Key::new(hmac::HMAC_SHA256, mac_key.as_ref()),
            challenge_mac: hmac::Key::new(hmac::HMAC_SHA256, challenge_key.as_ref()),
        })
    }

    /// A fresh random key's bytes.
    pub fn generate() -> Result<Zeroizing<Vec<u8>>, SealError> {
        let mut bytes = Zeroizing::new(vec![0u8; KEK_LEN]);
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| SealError::Seal)?;
        Ok(bytes)
    }

    /// Encrypts `plaintext`, bound to `context` (what and whose it is).
    pub fn seal(&self, context: SealContext<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let label = context.label();
        let mut in_out = Zeroizing::new(plaintext.to_vec());
        let nonce = self
            .aead
            .seal_in_place_append_tag(Aad::from(label.as_bytes()), &mut *in_out)
            .map_err(|_| SealError::Seal)?;
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        blob.push(VERSION);
        blob.extend_from_slice(nonce.as_ref());
        blob.extend_from_slice(&in_out);
        Ok(blob)
    }

    /// Decrypts a blob sealed with the same `context`.
    pub fn open(
        &self,
        context: SealContext<'_>,
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let label = context.label();
        let (&version, rest) = blob.split_first().ok_or(SealError::Open)?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Open)?;
        let mut in_out = Zeroizing::new(sealed.to_vec());
        let plaintext_len = self
            .aead
            .open_in_place(nonce, Aad::from(label.as_bytes()), in_out.as_mut_slice())
            .map_err(|_| SealError::Open)?
            .len();
        in_out.truncate(plaintext_len);
        Ok(in_out)
    }

    /// The tag that makes a renewal challenge the portal's own: every instance sharing the key
    /// can check it, and none has to store a challenge before it is used.
    pub fn challenge_tag(&self, body: &[u8]) -> Vec<u8> {
        hmac::sign(&self.challenge_mac, body).as_ref().to_vec()
    }

    /// Whether `tag` is `body`'s [`Self::challenge_tag`], compared in constant time.
    pub fn challenge_tag_matches(&self, body: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.challenge_mac, body, tag).is_ok()
    }

    /// The keyed hash under which one-time codes are stored.
    pub fn code_mac(&self, order_id: &str, code: &str) -> Vec<u8> {
        let mut context = hmac::Context::with_key(&self.code_mac);
        context.update(order_id.as_bytes());
        context.update(&[0]);
        context.update(code.as_bytes());
        context.sign().as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kek() -> Kek {
        Kek::from_bytes(&Kek::generate().expect("random")).expect("key")
    }

    #[test]
    fn a_sealed_blob_opens_with_its_context_only() {
        let kek = kek();
        let order_1 = SealContext::Bundle {
            order_id: "order-1",
        };
        let blob = kek.seal(order_1, b"pkcs12 bytes").expect("seal");
        assert!(!blob.windows(12).any(|w| w == b"pkcs12 bytes"));
        assert_eq!(
            kek.open(order_1, &blob).expect("open").as_slice(),
            b"pkcs12 bytes"
        );
        let order_2 = SealContext::Bundle {
            order_id: "order-2",
        };
        assert!(kek.open(order_2, &blob).is_err());
        let password = SealContext::Password {
            order_id: "order-1",
        };
        assert!(kek.open(password, &blob).is_err());
    }

    #[test]
    fn a_damaged_or_foreign_blob_does_not_open() {
        let kek = kek();
        let mut blob = kek.seal(SealContext::CaKey, b"secret").expect("seal");
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert!(kek.open(SealContext::CaKey, &blob).is_err());
        assert!(kek.open(SealContext::CaKey, &[]).is_err());
        let other = self::kek()
            .seal(SealContext::CaKey, b"secret")
            .expect("seal");
        assert!(kek.open(SealContext::CaKey, &other).is_err());
    }

    #[test]
    fn the_labels_stay_those_stored_with_the_data() {
        assert_eq!(SealContext::CaKey.label(), "ca-key");
        assert_eq!(SealContext::Bundle { order_id: "o" }.label(), "bundle:o");
        assert_eq!(
            SealContext::Password { order_id: "o" }.label(),
            "password:o"
        );
        assert_eq!(SealContext::Totp { username: "u" }.label(), "totp:u");
        let message = SealContext::Message {
            channel: "sms",
            recipient: "+4791234567",
            purpose: "otp",
        };
        assert_eq!(message.label(), "message:sms:+4791234567:otp");
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(Kek::from_bytes(&[0; 16]).is_err());
    }

    #[test]
    fn code_macs_depend_on_order_and_code() {
        let kek = kek();
        assert_eq!(
            kek.code_mac("o1", "12345678"),
            kek.code_mac("o1", "12345678")
        );
        assert_ne!(
            kek.code_mac("o1", "12345678"),
            kek.code_mac("o2", "12345678")
        );
        assert_ne!(
            kek.code_mac("o1", "12345678"),
            kek.code_mac("o1", "12345679")
        );
    }
}
