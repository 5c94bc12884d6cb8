//! Renewal from the old certificate: proof of its key starts a new order for the same
//! organisation, service, client and contact, whose link and code go to the contact as for any
//! order; the old certificate is revoked as superseded once the new one is collected.
//!
//! Two proofs: the TLS handshake on the mTLS listener (`POST /api/renew`, for scripts), and on
//! the renewal page a signature over a challenge from [`challenge`], made in the browser with
//! the key from the old PKCS#12 file ([`renew_signed`]). One renewal per certificate either
//! way: asking again while it is under way (or after it was collected) is refused.

use super::Actor;
use super::orders::{Renewal, create_order};
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::{AppError, Fault};
use crate::secrets::random;
use crate::state::AppState;
use crate::store::CertificateRecord;
use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use certportal_shared::ErrorCode;
use certportal_shared::api::check::RenewResponse;
use certportal_shared::api::renew::{ChallengeResponse, SignedRenewalRequest, signed_message};
use certportal_shared::error::FieldError;
use certportal_shared::model::Serial;

/// A challenge's parts: when it ends (8 bytes, big-endian Unix seconds), a random nonce, and
/// the portal's tag over both.
const ENDS_LEN: usize = 8;
const NONCE_LEN: usize = 16; // secrets::random::nonce
const TAG_LEN: usize = 32;
const CHALLENGE_LEN: usize = ENDS_LEN + NONCE_LEN + TAG_LEN;

/// The largest certificate and signature the renewal page sends (an RSA-4096 signature is 512
/// bytes; the portal's certificates are about 1 KiB).
const MAX_CERTIFICATE: usize = 16 * 1024;
const MAX_SIGNATURE: usize = 1024;

/// A fresh challenge for the renewal page to sign. Not stored: its tag shows it is the
/// portal's, and it is recorded only when used.
pub fn challenge(state: &AppState) -> Result<ChallengeResponse, AppError> {
    let seconds = state.config.renewal.challenge_seconds;
    let ends = unix(state.clock.now()) + i64::from(seconds);
    let mut body = Vec::with_capacity(CHALLENGE_LEN);
    body.extend_from_slice(&ends.to_be_bytes());
    body.extend_from_slice(&random::nonce().map_err(Fault::from)?);
    let tag = state.kek.challenge_tag(&body);
    body.extend_from_slice(&tag);
    Ok(ChallengeResponse {
        challenge: URL_SAFE_NO_PAD.encode(body),
        expires_in: u64::from(seconds),
    })
}

/// Starts the renewal that `request` proves the old key for: the challenge is the portal's,
/// not ended and not used before (it is used up here, whatever follows); the certificate is
/// one the portal issued, not revoked, and ended no longer than `renewal.grace_days` ago; the
/// signature verifies with its key.
pub async fn renew_signed(
    state: &AppState,
    request: &SignedRenewalRequest,
    meta: &Actor,
) -> Result<RenewResponse, AppError> {
    let certificate = decode_field("certificate", &request.certificate, MAX_CERTIFICATE)?;
    let signature = decode_field("signature", &request.signature, MAX_SIGNATURE)?;
    let key = PublicKey::of(&certificate)?;
    use_challenge(state, &request.challenge).await?;
    // The key first: without it, nothing is told of the certificate.
    key.verify(&signed_message(&request.challenge), &signature)?;
    let grace = i64::from(state.config.renewal.grace_days) * 86_400;
    let record = own_certificate(state, &certificate, grace).await?;
    let actor = Actor {
        name: format!("certificate:{}", record.serial),
        ..meta.clone()
    };
    start(state, &record, &actor).await
}

/// The renewal order for `record`'s certificate, started by `actor`.
pub async fn start(
    state: &AppState,
    record: &CertificateRecord,
    actor: &Actor,
) -> Result<RenewResponse, AppError> {
    // Checked before the work too: a key and a certificate made only to be refused would let
    // every repeated request cost the portal a key generation.
    if state.store.renewal_under_way(&record.serial).await? {
        return Err(super::orders::renewal_under_way());
    }
    let order = state
        .store
        .order(&record.order_id)
        .await?
        .ok_or_else(|| AppError::inconsistent("a certificate without its order"))?;
    let renewal = Renewal {
        renews_serial: Some(record.serial.clone()),
        supersede_on_collect: true,
        only_renewal: true,
    };
    // The old order's site while it still serves; else the organisation's, as for a new one.
    let site = super::sites::still_serving(state, &order).await?;
    let site = site.as_ref().map(|site| site.name.as_str());
    let created = create_order(state, &order.spec, actor, renewal, site).await?;
    Ok(RenewResponse {
        order_id: created.order_id,
        serial: created.serial,
        renews: record.serial.clone(),
        masked_mobile: order.spec.mobile.masked(),
    })
}

/// The portal's record of certificate `der`, if it issued exactly these bytes, has not
/// revoked it, and it began and ended no more than `grace_seconds` ago.
pub async fn own_certificate(
    state: &AppState,
    der: &[u8],
    grace_seconds: i64,
) -> Result<CertificateRecord, AppError> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let not_ours = |shown: &str| {
        AppError::refuse(
            ErrorCode::UnknownSerial,
            format!("Certificate {shown} was not issued by this portal."),
        )
    };
    let (_, cert) = X509Certificate::from_der(der).map_err(|_| {
        AppError::refuse(
            ErrorCode::MalformedRequest,
            "The certificate cannot be read.",
        )
    })?;
    let serial = Serial::from_bytes(cert.raw_serial()).map_err(|_| not_ours("with that serial"))?;
    // The bytes, not only the serial: a certificate from another CA could carry any serial.
    let record = state
        .store
        .certificate(serial.as_str())
        .await?
        .filter(|record| record.der == der)
        .ok_or_else(|| not_ours(serial.as_str()))?;
    if let Some(revoked_at) = record.revoked_at {
        let reason = record
            .revocation_reason
            .map(|r| r.to_string())
            .unwrap_or_default();
        return Err(AppError::refuse(
            ErrorCode::CertificateRevoked,
            format!(
                "Certificate {serial} was revoked on {} ({reason}).",
                rfc3339(from_unix(revoked_at))
            ),
        ));
    }
    let now = unix(state.clock.now());
    if now < record.not_before || now > record.not_after + grace_seconds {
        return Err(AppError::refuse(
            ErrorCode::CertificateExpired,
            format!(
                "Certificate {serial} is valid only until {}.",
                rfc3339(from_unix(record.not_after))
            ),
        ));
    }
    Ok(record)
}

/// Records the challenge as used, once it shows to be the portal's and not ended.
async fn use_challenge(state: &AppState, challenge: &str) -> Result<(), AppError> {
    let invalid = || {
        AppError::refuse(
            ErrorCode::ChallengeInvalid,
            "The challenge is not one this portal gave. Reload the page and try again.",
        )
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(challenge)
        .ok()
        .filter(|bytes| bytes.len() == CHALLENGE_LEN)
        .ok_or_else(invalid)?;
    let (body, tag) = bytes.split_at(ENDS_LEN + NONCE_LEN);
    if !state.kek.challenge_tag_matches(body, tag) {
        return Err(invalid());
    }
    let (ends, nonce) = body.split_at(ENDS_LEN);
    let ends = i64::from_be_bytes(ends.try_into().map_err(|_| invalid())?);
    if unix(state.clock.now()) > ends {
        return Err(AppError::refuse(
            ErrorCode::ChallengeExpired,
            "The challenge has ended. Try again: the page asks for a new one.",
        ));
    }
    if !state.store.use_renewal_challenge(nonce, ends).await? {
        return Err(AppError::refuse(
            ErrorCode::ChallengeUsed,
            "The challenge was used already; each is good for one try.",
        ));
    }
    Ok(())
}

/// A certificate's public key, as the signature check needs it.
struct PublicKey {
    algorithm: &'static dyn VerificationAlgorithm,
    bytes: Vec<u8>,
}

impl PublicKey {
    /// The key of certificate `der`: RSA (RSASSA-PKCS1-v1_5 with SHA-256) or EC P-256 (ECDSA
    /// with SHA-256 in WebCrypto's fixed r || s form), the two kinds the portal issues for.
    fn of(der: &[u8]) -> Result<Self, AppError> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        use x509_parser::public_key::PublicKey as Parsed;
        let field = |message: &str| {
            AppError::invalid(vec![FieldError {
                field: "certificate".into(),
                message: format!("certificate: {message}"),
            }])
        };
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|_| field("not an X.509 certificate in DER"))?;
        let spki = cert.public_key();
        let algorithm: &'static dyn VerificationAlgorithm = match spki.parsed() {
            Ok(Parsed::RSA(_)) => &signature::RSA_PKCS1_2048_8192_SHA256,
            Ok(Parsed::EC(_)) if on_p256(spki) => &signature::ECDSA_P256_SHA256_FIXED,
            _ => return Err(field("its key is neither RSA nor EC P-256")),
        };
        Ok(Self {
            algorithm,
            bytes: spki.subject_public_key.data.to_vec(),
        })
    }

    /// Checks `signature` over `message`.
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), AppError> {
        UnparsedPublicKey::new(self.algorithm, &self.bytes)
            .verify(message, signature)
            .map_err(|_| {
                AppError::refuse(
                    ErrorCode::SignatureInvalid,
                    "The signature does not verify with the certificate's key: it was not made \
                     with the key in that certificate's file.",
                )
            })
    }
}

/// Whether an EC key names the P-256 curve (a point of the same length may be on another).
fn on_p256(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> bool {
    spki.algorithm
        .parameters
        .as_ref()
        .and_then(|params| params.as_oid().ok())
        .is_some_and(|oid| oid.to_id_string() == "1.2.840.10045.3.1.7")
}

/// A base64 field of at most `max` bytes, decoded.
fn decode_field(field: &str, value: &str, max: usize) -> Result<Vec<u8>, AppError> {
    STANDARD
        .decode(value.trim())
        .ok()
        .filter(|bytes| !bytes.is_empty() && bytes.len() <= max)
        .ok_or_else(|| {
            AppError::invalid(vec![FieldError {
                field: field.to_owned(),
                message: format!("{field}: standard base64 of at most {max} bytes"),
            }])
        })
}
