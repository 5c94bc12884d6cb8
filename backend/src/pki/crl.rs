//! Certificate revocation lists, signed by the CA.

use super::{Ca, PkiError};
use certportal_shared::model::RevocationReason;
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevokedCertParams, SerialNumber};
use time::OffsetDateTime;

/// A revoked certificate as the CRL lists it.
#[derive(Clone, Debug)]
pub struct Revoked {
    /// The serial's bytes (big-endian, as in the certificate).
    pub serial: Vec<u8>,
    pub at: OffsetDateTime,
    pub reason: RevocationReason,
}

fn crl_reason(reason: RevocationReason) -> rcgen::RevocationReason {
    match reason {
        RevocationReason::Unspecified => rcgen::RevocationReason::Unspecified,
        RevocationReason::KeyCompromise => rcgen::RevocationReason::KeyCompromise,
        RevocationReason::Superseded => rcgen::RevocationReason::Superseded,
        RevocationReason::CessationOfOperation => rcgen::RevocationReason::CessationOfOperation,
    }
}

/// Signs a CRL numbered `number`, valid from `this_update` until `next_update`.
pub fn build_crl(
    ca: &Ca,
    number: u64,
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    revoked: &[Revoked],
) -> Result<Vec<u8>, PkiError> {
    let params = CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: SerialNumber::from(number),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|entry| RevokedCertParams {
                serial_number: SerialNumber::from_slice(&entry.serial),
                revocation_time: entry.at,
                reason_code: Some(crl_reason(entry.reason)),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    Ok(params.signed_by(&ca.issuer()?)?.der().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use certportal_shared::model::KeyType;
    use time::Duration;
    use x509_parser::prelude::{CertificateRevocationList, FromDer};

    #[test]
    fn a_crl_lists_the_revoked_serials_with_its_number() {
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .expect("whole seconds");
        let ca = Ca::create("Test CA", KeyType::P256, 30, now).expect("ca");
        let revoked = [Revoked {
            serial: vec![0x12, 0x34],
            at: now,
            reason: RevocationReason::KeyCompromise,
        }];
        let der = build_crl(&ca, 7, now, now + Duration::days(7), &revoked).expect("crl");
        let (_, crl) = CertificateRevocationList::from_der(&der).expect("parses");
        assert_eq!(crl.crl_number().map(|n| n.to_string()), Some("7".into()));
        let serials: Vec<String> = crl
            .iter_revoked_certificates()
            .map(|r| hex::encode(r.raw_serial()))
            .collect();
        assert_eq!(serials, ["1234"]);
        assert_eq!(crl.issuer().to_string(), "CN=Test CA");
    }
}
