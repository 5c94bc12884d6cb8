//! The inspector in a real browser: the same checks the collect page relies on.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p certportal-shared --target
//! wasm32-unknown-unknown` (the runner is `wasm-bindgen-test-runner`, set in
//! `.cargo/config.toml`; `webdriver.json` next to Cargo.toml makes Chromium headless).
#![cfg(target_arch = "wasm32")]

use certportal_shared::ErrorCode;
use certportal_shared::bundle::{self, ValidityStatus};
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
