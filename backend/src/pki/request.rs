//! The proof of possession: a customer's certificate request must be signed by its own key.
//! The policy (sizes, curves, algorithms) is `certportal_shared::csr`; the signature is
//! checked here with aws-lc, which also refuses an EC point that is not on its curve.

use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};
use certportal_shared::ErrorCode;
pub use certportal_shared::csr::RequestKey;
use certportal_shared::csr::{CheckedRequest, Digest, Refusal};

/// Verifies the request's signature with the key it carries.
pub fn verify_request(request: &CheckedRequest) -> Result<(), Refusal> {
    let algorithm: &'static dyn VerificationAlgorithm = match (request.key, request.digest) {
        (RequestKey::Rsa { .. }, Digest::Sha256) => &signature::RSA_PKCS1_2048_8192_SHA256,
        (RequestKey::Rsa { .. }, Digest::Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        (RequestKey::Rsa { .. }, Digest::Sha512) => &signature::RSA_PKCS1_2048_8192_SHA512,
        (RequestKey::P256, Digest::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
        (RequestKey::P256, Digest::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
        (RequestKey::P256, Digest::Sha512) => &signature::ECDSA_P256_SHA512_ASN1,
        (RequestKey::P384, Digest::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
        (RequestKey::P384, Digest::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
        (RequestKey::P384, Digest::Sha512) => &signature::ECDSA_P384_SHA512_ASN1,
    };
    let key = ParsedPublicKey::new(algorithm, &request.public_key).map_err(|_| Refusal {
        code: ErrorCode::CsrWeakKey,
        message: "The request's key is not a valid key (an EC point off its curve, or a damaged RSA key). Make a new key.",
    })?;
    key.verify_sig(&request.signed, &request.signature)
        .map_err(|_| Refusal {
            code: ErrorCode::CsrBadSignature,
            message: "The request's signature does not match its key. Make the request again with the key it names.",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair, PKCS_ECDSA_P384_SHA384, PKCS_RSA_SHA256, RsaKeySize};

    fn request_pem(key: &KeyPair) -> String {
        CertificateParams::new(vec!["ignored.example".to_owned()])
            .expect("params")
            .serialize_request(key)
            .expect("request")
            .pem()
            .expect("pem")
    }

    #[test]
    fn a_request_signed_by_its_key_verifies_and_a_changed_one_does_not() {
        for key in [
            KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("p384"),
            KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).expect("rsa"),
        ] {
            let mut checked = certportal_shared::csr::check(&request_pem(&key)).expect("policy");
            verify_request(&checked).expect("verifies");
            let last = checked.signed.len() - 1;
            checked.signed[last] ^= 1;
            assert_eq!(
                verify_request(&checked).expect_err("tampered").code,
                ErrorCode::CsrBadSignature
            );
        }
    }

    #[test]
    fn a_point_off_the_curve_is_a_weak_key() {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("p384");
        let mut checked = certportal_shared::csr::check(&request_pem(&key)).expect("policy");
        checked.public_key[40] ^= 1;
        assert_eq!(
            verify_request(&checked).expect_err("off the curve").code,
            ErrorCode::CsrWeakKey
        );
    }
}
