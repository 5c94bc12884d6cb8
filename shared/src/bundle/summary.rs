//! Certificates as people compare them: names, serial, dates, fingerprint.

use super::keys::PublicKey;
use super::{CertificateSummary, InspectError, ValidityStatus, malformed};
use crate::model::Sha256Digest;
use der::asn1::ObjectIdentifier as Oid;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

const SECONDS_PER_DAY: i64 = 86_400;

/// Summarises a certificate; `der` is its encoding, for the fingerprint.
pub(crate) fn certificate(
    certificate: &Certificate,
    der: &[u8],
) -> Result<CertificateSummary, InspectError> {
    let tbs = certificate.tbs_certificate();
    let validity = tbs.validity();
    let unix = |time: x509_cert::time::Time| {
        i64::try_from(time.to_unix_duration().as_secs())
            .map_err(|_| malformed("a certificate date is out of range"))
    };
    Ok(CertificateSummary {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        serial: serial_hex(tbs.serial_number().as_bytes()),
        not_before: unix(validity.not_before)?,
        not_after: unix(validity.not_after)?,
        fingerprint_sha256: Sha256Digest::from_bytes(Sha256::digest(der).into()),
        signature_algorithm: signature_algorithm_name(&certificate.signature_algorithm().oid),
        public_key: match PublicKey::from_certificate(certificate) {
            Ok(key) => key.summary().description,
            Err(unsupported) => unsupported,
        },
    })
}

/// Lower-case hex without leading zeros, as [`crate::model::Serial`] normalises it.
fn serial_hex(bytes: &[u8]) -> String {
    let hex = hex::encode(bytes);
    match hex.trim_start_matches('0') {
        "" => "0".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Where `now` falls in the certificate's validity period (both ends included, RFC 5280).
pub(crate) fn validity_status(certificate: &CertificateSummary, now: i64) -> ValidityStatus {
    if now < certificate.not_before {
        ValidityStatus::NotYetValid
    } else if now > certificate.not_after {
        ValidityStatus::Expired
    } else {
        ValidityStatus::Valid
    }
}

/// Whole days from `now` to notAfter, rounded down: 0 on the last day, -1 the day after.
pub(crate) fn days_left(certificate: &CertificateSummary, now: i64) -> i64 {
    certificate
        .not_after
        .saturating_sub(now)
        .div_euclid(SECONDS_PER_DAY)
}

/// A digest as `openssl x509 -fingerprint` shows it: upper-case hex pairs joined by colons.
pub fn colon_hex(digest: &Sha256Digest) -> String {
    digest
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn signature_algorithm_name(oid: &Oid) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        other => return other.to_owned(),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(not_before: i64, not_after: i64) -> CertificateSummary {
        CertificateSummary {
            subject: String::new(),
            issuer: String::new(),
            serial: "1".into(),
            not_before,
            not_after,
            fingerprint_sha256: Sha256Digest::from_bytes([0; 32]),
            signature_algorithm: String::new(),
            public_key: String::new(),
        }
    }

    #[test]
    fn serials_drop_leading_zeros_and_match_the_model() {
        assert_eq!(serial_hex(&[0x00, 0xa1, 0x0b]), "a10b");
        assert_eq!(serial_hex(&[0x0a, 0xff]), "aff");
        assert_eq!(serial_hex(&[0]), "0");
        let model = crate::model::Serial::from_bytes(&[0x00, 0xa1, 0x0b]).expect("serial");
        assert_eq!(model.as_str(), serial_hex(&[0x00, 0xa1, 0x0b]));
    }

    #[test]
    fn validity_includes_both_ends() {
        let cert = summary(100, 200);
        assert_eq!(validity_status(&cert, 99), ValidityStatus::NotYetValid);
        assert_eq!(validity_status(&cert, 100), ValidityStatus::Valid);
        assert_eq!(validity_status(&cert, 200), ValidityStatus::Valid);
        assert_eq!(validity_status(&cert, 201), ValidityStatus::Expired);
    }

    #[test]
    fn days_left_round_down_and_go_negative_after_expiry() {
        let cert = summary(0, 10 * SECONDS_PER_DAY);
        assert_eq!(days_left(&cert, 0), 10);
        assert_eq!(days_left(&cert, 1), 9);
        assert_eq!(days_left(&cert, 10 * SECONDS_PER_DAY), 0);
        assert_eq!(days_left(&cert, 10 * SECONDS_PER_DAY + 1), -1);
    }

    #[test]
    fn colon_hex_is_upper_case_pairs() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x01;
        let text = colon_hex(&Sha256Digest::from_bytes(bytes));
        assert!(text.starts_with("AB:00:"));
        assert!(text.ends_with(":00:01"));
        assert_eq!(text.len(), 32 * 3 - 1);
    }

    #[test]
    fn unknown_signature_algorithms_show_their_oid() {
        assert_eq!(
            signature_algorithm_name(&Oid::new_unwrap("1.2.3.4")),
            "1.2.3.4"
        );
        assert_eq!(
            signature_algorithm_name(&Oid::new_unwrap("1.2.840.113549.1.1.11")),
            "sha256WithRSAEncryption"
        );
    }
}
