//! Client certificates: the profile of DESIGN.md.

use super::{Ca, PkiError, ca::generate_key, key_sha256, sha256_hex};
use certportal_shared::model::{ClientName, KeyType, OrderSpec, Organisation, Serial, Service};
use rcgen::{
    CertificateParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose, PublicKeyData, SerialNumber,
};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

/// What goes into a client certificate.
#[derive(Clone, Debug)]
pub struct ClientCertRequest<'a> {
    pub org: &'a Organisation,
    pub service: &'a Service,
    pub client: &'a ClientName,
    pub key: KeyType,
    pub not_before: OffsetDateTime,
    pub validity_days: u32,
    /// Where relying parties learn of a withdrawal.
    pub status: StatusUrls,
}

/// The addresses a certificate names for its status: the CRL (its CRL distribution point)
/// and the OCSP responder (its authority information access).
#[derive(Clone, Debug)]
pub struct StatusUrls {
    pub crl: String,
    pub ocsp: String,
}

impl<'a> ClientCertRequest<'a> {
    /// The certificate an order gets, from its fields alone, valid from `not_before`.
    pub fn for_order(
        spec: &'a OrderSpec,
        not_before: OffsetDateTime,
        validity_days: u32,
        status: StatusUrls,
    ) -> Self {
        Self {
            org: &spec.org,
            service: &spec.service,
            client: &spec.client,
            key: spec.key,
            not_before,
            validity_days,
            status,
        }
    }
}

/// A new client certificate.
#[derive(Clone, Debug)]
pub struct Certified {
    pub serial: Serial,
    pub cert_der: Vec<u8>,
    pub subject: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// Lower-case hex SHA-256 of the certificate.
    pub fingerprint: String,
    /// Lower-case hex SHA-256 of the certificate's SubjectPublicKeyInfo.
    pub key_sha256: String,
}

/// A new client certificate and the private key the portal made for it.
pub struct IssuedCertificate {
    pub certified: Certified,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for IssuedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCertificate")
            .field("certified", &self.certified)
            .finish_non_exhaustive()
    }
}

/// Generates a key and issues its certificate (see [`certify`]).
pub fn issue(ca: &Ca, request: &ClientCertRequest<'_>) -> Result<IssuedCertificate, PkiError> {
    let key = generate_key(request.key)?;
    Ok(IssuedCertificate {
        certified: certify(ca, request, &key)?,
        key_pkcs8: Zeroizing::new(key.serialize_der()),
    })
}

/// Issues a certificate for a public key, from the order's fields alone: subject
/// CN = client, OU = service, O = organisation; clientAuth only; a random 128-bit serial.
pub fn certify(
    ca: &Ca,
    request: &ClientCertRequest<'_>,
    public_key: &impl PublicKeyData,
) -> Result<Certified, PkiError> {
    let serial_bytes = crate::secrets::random::serial()?;
    let not_after = request.not_before + Duration::days(i64::from(request.validity_days));

    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    // Most general first, as X.509 names are conventionally encoded: O, OU, CN.
    dn.push(DnType::OrganizationName, request.org.as_str());
    dn.push(DnType::OrganizationalUnitName, request.service.as_str());
    dn.push(DnType::CommonName, request.client.as_str());
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec![request.status.crl.clone()],
    }];
    params.custom_extensions = vec![authority_info_access(&request.status.ocsp)?];
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(SerialNumber::from_slice(&serial_bytes));
    params.not_before = request.not_before;
    params.not_after = not_after;

    let cert = params.signed_by(public_key, &ca.issuer()?)?;
    let cert_der = cert.der().to_vec();
    Ok(Certified {
        serial: Serial::from_bytes(&serial_bytes).map_err(|e| PkiError::BadCa(e.message))?,
        fingerprint: sha256_hex(&cert_der),
        key_sha256: key_sha256(&cert_der)
            .ok_or_else(|| PkiError::BadCa("a certificate just made does not parse".into()))?,
        cert_der,
        subject: format!(
            "CN={},OU={},O={}",
            request.client, request.service, request.org
        ),
        not_before: request.not_before,
        not_after,
    })
}

/// id-pe-authorityInfoAccess with one id-ad-ocsp entry: the responder's URL (RFC 5280
/// §4.2.2.1). rcgen writes no AIA of its own; x509-cert encodes it.
fn authority_info_access(ocsp_url: &str) -> Result<CustomExtension, PkiError> {
    use der::Encode;
    use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax, name::GeneralName};
    const AIA: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 1];
    let bad = |e: der::Error| PkiError::BadCa(format!("ocsp url {ocsp_url:?}: {e}"));
    let syntax = AuthorityInfoAccessSyntax(vec![AccessDescription {
        access_method: der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1"),
        access_location: GeneralName::UniformResourceIdentifier(
            der::asn1::Ia5String::new(ocsp_url).map_err(bad)?,
        ),
    }]);
    Ok(CustomExtension::from_oid_content(
        AIA,
        syntax.to_der().map_err(bad)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::{FromDer, X509Certificate};

    #[test]
    fn a_client_certificate_follows_the_profile() {
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .expect("whole seconds");
        let ca = Ca::create("Test CA", KeyType::P256, 3650, now).expect("ca");
        let org = Organisation::parse("Acme AS").expect("valid");
        let service = Service::parse("Payments API").expect("valid");
        let client = ClientName::parse("e-banking").expect("valid");
        let request = ClientCertRequest {
            org: &org,
            service: &service,
            client: &client,
            key: KeyType::P256,
            not_before: now,
            validity_days: 730,
            status: StatusUrls {
                crl: "https://portal.example/crl".into(),
                ocsp: "http://portal.example/ocsp".into(),
            },
        };
        let issued = issue(&ca, &request).expect("issue").certified;
        let (_, cert) = X509Certificate::from_der(&issued.cert_der).expect("parses");

        assert_eq!(
            cert.subject().to_string(),
            "O=Acme AS, OU=Payments API, CN=e-banking"
        );
        assert_eq!(cert.issuer().to_string(), "CN=Test CA");
        assert_eq!(
            cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp(),
            730 * 86400
        );
        assert!(cert.raw_serial().len() >= 8);
        assert_eq!(
            hex::encode(cert.raw_serial()).trim_start_matches('0'),
            issued.serial.as_str()
        );
        let eku = cert
            .extended_key_usage()
            .expect("eku")
            .expect("present")
            .value;
        assert!(eku.client_auth && !eku.server_auth && eku.other.is_empty());
        assert!(!cert.is_ca());
        let crl = format!(
            "{:?}",
            cert.get_extension_unique(
                &x509_parser::oid_registry::OID_X509_EXT_CRL_DISTRIBUTION_POINTS
            )
        );
        assert!(crl.contains("https://portal.example/crl"), "{crl}");
        let aia = format!(
            "{:?}",
            cert.get_extension_unique(&x509_parser::oid_registry::OID_PKIX_AUTHORITY_INFO_ACCESS)
        );
        assert!(aia.contains("http://portal.example/ocsp"), "{aia}");
    }
}
