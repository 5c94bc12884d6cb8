//! The OCSP responder's own certificate: delegated by the CA (RFC 6960 §4.2.2.2), so that the
//! CA's key signs certificates and CRLs only, and the key that signs every answer lives in
//! one process's memory for a few days.

use super::{Ca, PkiError, ca::generate_key};
use certportal_shared::csr::build::Signer;
use certportal_shared::model::{KeyType, Serial};
use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber, SigningKey,
};
use time::{Duration, OffsetDateTime};

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): clients need not ask about the responder's
/// own certificate, which is short-lived instead.
const OCSP_NOCHECK: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 48, 1, 5];

/// A delegated responder: its certificate and key.
pub struct OcspSigner {
    serial: Serial,
    cert_der: Vec<u8>,
    key_hash: [u8; 20],
    key: KeyPair,
    signer: Signer,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl std::fmt::Debug for OcspSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcspSigner")
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl OcspSigner {
    /// Makes a key of the CA's kind and has the CA certify it for OCSP signing alone, from
    /// `now` for `days` (never past the CA's own end).
    pub fn issue(
        ca: &Ca,
        key_type: KeyType,
        now: OffsetDateTime,
        days: u32,
    ) -> Result<Self, PkiError> {
        let key = generate_key(key_type)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("{} OCSP responder", ca.name()?));
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
        params.custom_extensions = vec![CustomExtension::from_oid_content(
            OCSP_NOCHECK,
            vec![0x05, 0x00],
        )];
        params.use_authority_key_identifier_extension = true;
        let serial_bytes = crate::secrets::random::serial()?;
        params.serial_number = Some(SerialNumber::from_slice(&serial_bytes));
        // A minute's slack for clients whose clocks run a little behind.
        let not_before = now - Duration::minutes(1);
        let not_after = (now + Duration::days(i64::from(days))).min(ca.not_after()?);
        params.not_before = not_before;
        params.not_after = not_after;
        let cert_der = params.signed_by(&key, &ca.issuer()?)?.der().to_vec();
        let key_hash = certportal_shared::ocsp::key_hash(&cert_der)
            .map_err(|e| PkiError::BadCa(format!("the responder certificate: {e}")))?;
        let signer = match key_type {
            KeyType::Rsa2048 | KeyType::Rsa3072 => Signer::RsaSha256,
            KeyType::P256 => Signer::EcdsaP256Sha256,
        };
        Ok(Self {
            serial: Serial::from_bytes(&serial_bytes).map_err(|e| PkiError::BadCa(e.message))?,
            cert_der,
            key_hash,
            key,
            signer,
            not_before,
            not_after,
        })
    }

    pub fn serial(&self) -> &Serial {
        &self.serial
    }

    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The SHA-1 of the responder's public key, its `ResponderID`.
    pub fn key_hash(&self) -> &[u8; 20] {
        &self.key_hash
    }

    pub fn algorithm(&self) -> Signer {
        self.signer
    }

    /// Signs an answer's `ResponseData`.
    pub fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, PkiError> {
        Ok(self.key.sign(tbs)?)
    }

    /// Whether more than half the certificate's life has gone at `now`: time for a new one,
    /// while this one still works.
    pub fn aging(&self, now: OffsetDateTime) -> bool {
        now >= self.not_before + (self.not_after - self.not_before) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::{FromDer, X509Certificate};

    #[test]
    fn the_responder_is_certified_for_ocsp_signing_alone_and_ages_at_half_life() {
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .expect("whole seconds");
        let ca = Ca::create("Test CA", KeyType::P256, 30, now).expect("ca");
        let responder = OcspSigner::issue(&ca, KeyType::P256, now, 7).expect("responder");
        let (_, cert) = X509Certificate::from_der(responder.cert_der()).expect("parses");
        assert_eq!(cert.subject().to_string(), "CN=Test CA OCSP responder");
        assert_eq!(cert.issuer().to_string(), "CN=Test CA");
        let eku = cert
            .extended_key_usage()
            .expect("eku")
            .expect("present")
            .value;
        assert!(eku.ocsp_signing && !eku.client_auth && !eku.server_auth && !eku.any);
        assert!(!cert.is_ca());
        let nocheck = x509_parser::der_parser::oid!(1.3.6.1.5.5.7.48.1.5);
        assert!(cert.get_extension_unique(&nocheck).expect("once").is_some());
        assert!(!responder.aging(now + Duration::days(3)));
        assert!(responder.aging(now + Duration::days(4)));

        let short = OcspSigner::issue(&ca, KeyType::P256, now, 365).expect("responder");
        let (_, cert) = X509Certificate::from_der(short.cert_der()).expect("parses");
        assert_eq!(
            cert.validity().not_after.timestamp(),
            (now + Duration::days(30)).unix_timestamp(),
            "never outlives its CA"
        );
    }
}
