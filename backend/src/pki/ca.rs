//! The CA's key and self-signed certificate.

use super::PkiError;
use certportal_shared::model::KeyType;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, RsaKeySize, SerialNumber,
};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

/// The CA: its certificate and its signing key.
pub struct Ca {
    cert_der: Vec<u8>,
    cert_pem: String,
    key: KeyPair,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

/// A fresh key of the given type.
pub(crate) fn generate_key(key_type: KeyType) -> Result<KeyPair, PkiError> {
    Ok(match key_type {
        KeyType::Rsa2048 => KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)?,
        KeyType::Rsa3072 => KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_3072)?,
        KeyType::P256 => KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?,
    })
}

impl Ca {
    /// Makes a new CA: a key and a self-signed certificate that may sign certificates and
    /// CRLs, but no further CAs.
    pub fn create(
        name: &str,
        key_type: KeyType,
        validity_days: u32,
        now: OffsetDateTime,
    ) -> Result<Self, PkiError> {
        let key = generate_key(key_type)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.serial_number = Some(SerialNumber::from_slice(&crate::secrets::random::serial()?));
        params.not_before = now;
        params.not_after = now + Duration::days(i64::from(validity_days));
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_der: cert.der().to_vec(),
            cert_pem: cert.pem(),
            key,
        })
    }

    /// Loads a CA from its certificate (PEM) and its PKCS#8 key.
    pub fn load(cert_pem: &str, key_pkcs8: &[u8]) -> Result<Self, PkiError> {
        let (_, pem) = x509_parser::pem::parse_x509_pem(cert_pem.as_bytes())
            .map_err(|e| PkiError::BadCa(format!("ca.pem: {e}")))?;
        let parsed = pem.contents;
        let key = KeyPair::try_from(key_pkcs8).map_err(|e| PkiError::BadCa(e.to_string()))?;
        if rcgen::PublicKeyData::subject_public_key_info(&key) != spki_of(&parsed)? {
            return Err(PkiError::BadCa(
                "the key does not belong to the certificate".into(),
            ));
        }
        Ok(Self {
            cert_der: parsed,
            cert_pem: cert_pem.to_owned(),
            key,
        })
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The hex SHA-256 of the CA's SubjectPublicKeyInfo, as certificates' keys are recorded:
    /// no client may bring this key.
    pub fn key_sha256(&self) -> String {
        super::sha256_hex(&rcgen::PublicKeyData::subject_public_key_info(&self.key))
    }

    /// The kind of key the CA has (an RSA CA of any size is `Rsa2048` here): the kind its
    /// delegates get too, so that whoever trusts the CA can check them.
    pub fn key_type(&self) -> KeyType {
        if self.key.algorithm() == &PKCS_ECDSA_P256_SHA256 {
            KeyType::P256
        } else {
            KeyType::Rsa2048
        }
    }

    /// The common name of the CA's certificate.
    pub fn name(&self) -> Result<String, PkiError> {
        with_certificate(&self.cert_der, |cert| {
            Ok(cert
                .subject()
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok())
                .unwrap_or_default()
                .to_owned())
        })
    }

    /// When the CA's certificate ends: nothing it signs may outlive it.
    pub fn not_after(&self) -> Result<OffsetDateTime, PkiError> {
        with_certificate(&self.cert_der, |cert| {
            OffsetDateTime::from_unix_timestamp(cert.validity().not_after.timestamp())
                .map_err(|e| PkiError::BadCa(e.to_string()))
        })
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The key as PKCS#8, to be sealed.
    pub fn key_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.key.serialize_der())
    }

    /// The CA as an rcgen issuer: its name, key identifier and key.
    pub(super) fn issuer(&self) -> Result<Issuer<'_, &KeyPair>, PkiError> {
        Ok(Issuer::from_ca_cert_der(
            &self.cert_der.as_slice().into(),
            &self.key,
        )?)
    }
}

/// The SubjectPublicKeyInfo of a certificate, through the same parser rcgen uses.
pub(super) fn spki_of(cert_der: &[u8]) -> Result<Vec<u8>, PkiError> {
    with_certificate(cert_der, |cert| Ok(cert.public_key().raw.to_vec()))
}

fn with_certificate<T>(
    cert_der: &[u8],
    read: impl FnOnce(&x509_parser::prelude::X509Certificate<'_>) -> Result<T, PkiError>,
) -> Result<T, PkiError> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, cert) =
        X509Certificate::from_der(cert_der).map_err(|e| PkiError::BadCa(e.to_string()))?;
    read(&cert)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_survives_a_round_trip_through_pem_and_pkcs8() {
        let ca =
            Ca::create("Test CA", KeyType::P256, 30, OffsetDateTime::now_utc()).expect("create");
        let loaded = Ca::load(ca.cert_pem(), &ca.key_pkcs8()).expect("load");
        assert_eq!(loaded.cert_der(), ca.cert_der());
    }

    #[test]
    fn a_ca_with_someone_elses_key_is_refused() {
        let now = OffsetDateTime::now_utc();
        let ca = Ca::create("A", KeyType::P256, 30, now).expect("create");
        let other = Ca::create("B", KeyType::P256, 30, now).expect("create");
        assert!(Ca::load(ca.cert_pem(), &other.key_pkcs8()).is_err());
    }
}
