//! The inspector in a real browser: the same checks the collect page relies on.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p certportal-shared --target
//! wasm32-unknown-unknown` (the runner is `wasm-bindgen-test-runner`, set in
//! `.cargo/config.toml`; `webdriver.json` next to Cargo.toml makes Chromium headless).
#![cfg(target_arch = "wasm32")]

use certportal_shared::ErrorCode;
use certportal_shared::bundle::{self, PendingSignature, SignatureAlgorithm, ValidityStatus};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

// Shared with inspector.rs, which uses every constant; this file needs only a few.
#[allow(dead_code)]
mod expected {
    include!("fixtures/expected.rs");
}

const DEFAULT: &[u8] = include_bytes!("fixtures/default.p12");
const CA: &[u8] = include_bytes!("fixtures/ca.der");
const NOW: i64 = expected::CLIENT_NOT_BEFORE + 86_400;

#[wasm_bindgen_test]
fn the_default_file_opens_in_the_browser_with_the_openssl_fingerprint() {
    let report = bundle::open(DEFAULT, expected::PASSWORD, Some(CA), NOW).expect("opens");
    assert_eq!(
        bundle::colon_hex(&report.certificate.fingerprint_sha256),
        expected::CLIENT_FINGERPRINT
    );
    assert_eq!(report.validity, ValidityStatus::Valid);
    assert!(report.chain.expect("checked").trusted);
}

#[wasm_bindgen_test]
fn a_wrong_password_is_refused_in_the_browser() {
    let error = bundle::open(DEFAULT, "wrong-password", None, NOW).expect_err("refused");
    assert_eq!(error.code(), ErrorCode::WrongPassword);
}

#[wasm_bindgen_test]
fn probe_reports_the_file_digest_in_the_browser() {
    let envelope = bundle::probe(DEFAULT).expect("probes");
    assert_eq!(envelope.file_sha256.to_hex(), expected::DEFAULT_FILE_SHA256);
}

const EC: &[u8] = include_bytes!("fixtures/ec.p12");
const EC_CA: &[u8] = include_bytes!("fixtures/ec-ca.der");

/// The chain check's last step as the file and CA leave it.
#[cfg(feature = "webcrypto")]
fn pending(file: &[u8], ca: &[u8]) -> PendingSignature {
    bundle::open_deferred(file, expected::PASSWORD, Some(ca), NOW)
        .expect("opens")
        .pending
        .expect("the signature is left to the caller")
}

#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn webcrypto_and_pure_rust_agree_on_the_cas_signatures() {
    for (file, ca, algorithm) in [
        (DEFAULT, CA, SignatureAlgorithm::RsaSha256),
        (EC, EC_CA, SignatureAlgorithm::EcdsaP256Sha256),
    ] {
        let good = pending(file, ca);
        assert_eq!(good.algorithm, algorithm);
        assert!(good.verify(), "{algorithm:?}: pure Rust");
        let chain = bundle::webcrypto::check(good).await.expect("checked");
        assert!(chain.trusted, "{algorithm:?}: WebCrypto: {:?}", chain.error);

        // One bit of the signature, or of the signed bytes, and neither says yes.
        for at in [5, 40] {
            let mut forged = pending(file, ca);
            let at_signature = at % forged.signature.len();
            forged.signature[at_signature] ^= 1;
            let mut altered = pending(file, ca);
            altered.message[at] ^= 1;
            for (what, bad) in [("forged", forged), ("altered", altered)] {
                assert!(!bad.verify(), "{algorithm:?}: pure Rust, {what}");
                let chain = bundle::webcrypto::check(bad).await.expect("checked");
                assert!(!chain.trusted, "{algorithm:?}: WebCrypto, {what}");
                assert_eq!(chain.error.expect("why").code(), ErrorCode::UntrustedIssuer);
            }
        }
    }
}

#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn a_ca_key_the_browser_cannot_import_leaves_the_chain_unchecked() {
    let mut broken = pending(DEFAULT, CA);
    broken.ca_spki.truncate(20);
    assert_eq!(bundle::webcrypto::check(broken).await, None);
}
