//! The inspector in a real browser: the same checks the collect page relies on.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p certportal-shared --target
//! wasm32-unknown-unknown` (the runner is `wasm-bindgen-test-runner`, set in
//! `.cargo/config.toml`; `webdriver.json` next to Cargo.toml makes Chromium headless).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use certportal_shared::ErrorCode;
#[cfg(feature = "webcrypto")]
use certportal_shared::bundle::Engine;
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
        assert_eq!(
            web().verify(&good).await,
            Some(true),
            "{algorithm:?}: WebCrypto"
        );

        // One bit of the signature, or of the signed bytes, and neither says yes.
        for at in [5, 40] {
            let mut forged = pending(file, ca);
            let at_signature = at % forged.signature.len();
            forged.signature[at_signature] ^= 1;
            let mut altered = pending(file, ca);
            altered.message[at] ^= 1;
            for (what, bad) in [("forged", forged), ("altered", altered)] {
                assert!(!bad.verify(), "{algorithm:?}: pure Rust, {what}");
                let verified = web().verify(&bad).await;
                assert_eq!(verified, Some(false), "{algorithm:?}: WebCrypto, {what}");
            }
        }
    }
}

#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn a_ca_key_the_browser_cannot_import_leaves_the_chain_unchecked() {
    let mut broken = pending(DEFAULT, CA);
    broken.ca_spki.truncate(20);
    assert_eq!(web().verify(&broken).await, None);
}

#[cfg(feature = "webcrypto")]
fn web() -> bundle::webcrypto::WebCrypto {
    bundle::webcrypto::WebCrypto::new()
}

/// Every fixture, with the right password, a wrong one and the empty one, against each CA:
/// the browser's engine gives the answer the pure-Rust inspector gives, refusals included.
#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn webcrypto_and_pure_rust_open_every_fixture_alike() {
    const OTHER_CA: &[u8] = include_bytes!("fixtures/other-ca.der");
    let corpus: &[(&str, &[u8])] = &[
        ("default", DEFAULT),
        ("ec", EC),
        (
            "aes128-sha512",
            include_bytes!("fixtures/aes128-sha512.p12"),
        ),
        ("compat", include_bytes!("fixtures/compat.p12")),
        ("legacy", include_bytes!("fixtures/legacy.p12")),
        ("rc2-128", include_bytes!("fixtures/rc2-128.p12")),
        ("pbes2-3des", include_bytes!("fixtures/pbes2-3des.p12")),
        ("nomac", include_bytes!("fixtures/nomac.p12")),
        ("plain", include_bytes!("fixtures/plain.p12")),
        ("plain-nomac", include_bytes!("fixtures/plain-nomac.p12")),
        ("mismatch", include_bytes!("fixtures/mismatch.p12")),
        ("nocert", include_bytes!("fixtures/nocert.p12")),
        ("nokey", include_bytes!("fixtures/nokey.p12")),
        ("huge-iter", include_bytes!("fixtures/huge-iter.p12")),
        ("unicode", include_bytes!("fixtures/unicode.p12")),
    ];
    let mut opened = 0;
    for (name, file) in corpus {
        let right = match *name {
            "unicode" => expected::UNICODE_PASSWORD,
            _ => expected::PASSWORD,
        };
        for password in [right, "wrong-password", ""] {
            for ca in [None, Some(CA), Some(OTHER_CA), Some(EC_CA)] {
                let pure = bundle::open(file, password, ca, NOW);
                let browser = bundle::open_with(&web(), file, password, ca, NOW).await;
                assert_eq!(browser, pure, "{name} with {password:?}");
                opened += usize::from(pure.is_ok());
            }
        }
    }
    // Most fixtures open with their password, against each of the four CAs.
    assert!(opened >= 4 * 9, "only {opened} opened");
}

/// A byte of an encrypted part changed, where WebCrypto decrypts it: the same refusal as in
/// Rust, the MAC's.
#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn a_damaged_part_is_refused_by_both_engines_alike() {
    let nomac: &[u8] = include_bytes!("fixtures/nomac.p12");
    for (file, at) in [(DEFAULT, DEFAULT.len() / 2), (nomac, nomac.len() / 2)] {
        let mut damaged = file.to_vec();
        damaged[at] ^= 0x40;
        let pure = bundle::open(&damaged, expected::PASSWORD, Some(CA), NOW);
        let browser = bundle::open_with(&web(), &damaged, expected::PASSWORD, Some(CA), NOW).await;
        assert!(pure.is_err(), "a damaged file opened");
        assert_eq!(browser, pure);
    }
}

/// The browser's engine, with a tally of what it made of each job.
#[cfg(feature = "webcrypto")]
#[derive(Default)]
struct Tallied {
    engine: bundle::webcrypto::WebCrypto,
    outcomes: std::cell::RefCell<Vec<&'static str>>,
}

#[cfg(feature = "webcrypto")]
impl Engine for Tallied {
    type Password = <bundle::webcrypto::WebCrypto as Engine>::Password;

    async fn password(&self, utf8: &[u8]) -> Option<Self::Password> {
        self.engine.password(utf8).await
    }

    async fn pbes2_decrypt(
        &self,
        password: &Self::Password,
        job: bundle::Pbes2Job<'_>,
    ) -> bundle::Decryption {
        let decryption = self.engine.pbes2_decrypt(password, job).await;
        self.outcomes.borrow_mut().push(match &decryption {
            bundle::Decryption::Plain(_) => "plain",
            bundle::Decryption::Fails => "fails",
            bundle::Decryption::Unable => "unable",
        });
        decryption
    }

    async fn verify(&self, pending: &PendingSignature) -> Option<bool> {
        self.engine.verify(pending).await
    }
}

/// WebCrypto really decrypts what it can (rather than leaving all of it to Rust), and leaves
/// 3DES, and AES-192 (which Chromium lacks), to Rust. (The tally's own jobs start when
/// polled, unlike WebCrypto's, which start when made: so a refused password runs none.)
#[cfg(feature = "webcrypto")]
#[wasm_bindgen_test]
async fn webcrypto_decrypts_the_pbes2_parts_with_aes_and_leaves_3des_to_rust() {
    let cases: &[(&[u8], &str, &[&str])] = &[
        (DEFAULT, expected::PASSWORD, &["plain", "plain"]),
        // The certificates under AES-192, the key under AES-128.
        (
            include_bytes!("fixtures/aes128-sha512.p12"),
            expected::PASSWORD,
            &["plain", "unable"],
        ),
        // The MAC refuses it first, and the jobs are never awaited.
        (DEFAULT, "wrong-password", &[]),
        (
            include_bytes!("fixtures/pbes2-3des.p12"),
            expected::PASSWORD,
            &["unable", "unable"],
        ),
    ];
    for (file, password, want) in cases {
        let tallied = Tallied::default();
        let _ = bundle::open_with(&tallied, file, password, Some(CA), NOW).await;
        // In the order the jobs finished.
        let mut outcomes = tallied.outcomes.borrow().clone();
        outcomes.sort_unstable();
        assert_eq!(&outcomes[..], *want, "{password:?}");
    }
}
