//! PKCS#12 files: the client key, its certificate and the CA certificate, under a password.

use super::{IssuedCertificate, PkiError};
use certportal_shared::model::Profile;
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use zeroize::Zeroizing;

/// Writes the file. `modern`: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for both bags and an
/// HMAC-SHA256 MAC. `compatible`: 3DES for both bags and an HMAC-SHA1 MAC, which Windows Server
/// 2016, the macOS keychain and Java 8 can read. RC2-40 is never written.
pub fn write_pkcs12(
    issued: &IssuedCertificate,
    ca_der: &[u8],
    friendly_name: &str,
    password: &str,
    profile: Profile,
    iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    let error = |e: p12_keystore::error::Error| PkiError::Pkcs12(e.to_string());
    let leaf = Certificate::from_der(&issued.certified.cert_der).map_err(error)?;
    let ca = Certificate::from_der(ca_der).map_err(error)?;
    let key = PrivateKey::from_der(&issued.key_pkcs8).map_err(error)?;
    // The local key id ties the key bag to its certificate bag; the fingerprint is stable.
    let local_key_id = hex::decode(&issued.certified.fingerprint).unwrap_or_default();
    let chain = PrivateKeyChain::new(local_key_id, key, [leaf, ca]);

    let mut store = KeyStore::new();
    store.add_entry(friendly_name, KeyStoreEntry::PrivateKeyChain(chain));
    let (encryption, mac) = match profile {
        Profile::Modern => (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
        ),
        Profile::Compatible => (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
        ),
    };
    let bytes = store
        .writer(password)
        .encryption_algorithm(encryption)
        .encryption_iterations(iterations)
        .mac_algorithm(mac)
        .mac_iterations(iterations)
        .write()
        .map_err(error)?;
    Ok(Zeroizing::new(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{Ca, ClientCertRequest, issue};
    use certportal_shared::model::{ClientName, KeyType, Organisation, Service};
    use time::OffsetDateTime;

    #[test]
    fn both_profiles_open_again_with_the_password_only() {
        let now = OffsetDateTime::now_utc();
        let ca = Ca::create("Test CA", KeyType::P256, 30, now).expect("ca");
        let (org, service, client) = (
            Organisation::parse("Acme").expect("valid"),
            Service::parse("API").expect("valid"),
            ClientName::parse("e-banking").expect("valid"),
        );
        let request = ClientCertRequest {
            org: &org,
            service: &service,
            client: &client,
            key: KeyType::P256,
            not_before: now,
            validity_days: 730,
            status: super::super::StatusUrls {
                crl: "http://x/crl".into(),
                ocsp: "http://x/ocsp".into(),
            },
        };
        let issued = issue(&ca, &request).expect("issue");
        for profile in [Profile::Modern, Profile::Compatible] {
            let file = write_pkcs12(&issued, ca.cert_der(), "e-banking", "pw-1", profile, 2048)
                .expect("write");
            let store =
                KeyStore::from_pkcs12(&file, "pw-1", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .expect("opens");
            let (_, chain) = store.private_key_chain().expect("key chain");
            assert_eq!(chain.certs().len(), 2);
            assert_eq!(chain.key().as_der(), issued.key_pkcs8.as_slice());
            assert!(
                KeyStore::from_pkcs12(&file, "wrong", p12_keystore::Pkcs12ImportPolicy::Strict)
                    .is_err()
            );
        }
    }
}
