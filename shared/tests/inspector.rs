//! The PKCS#12 inspector against real files made by openssl (see fixtures/make-fixtures.sh).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use certportal_shared::ErrorCode;
use certportal_shared::bundle::{
    self, EncryptionScheme, InspectError, MAX_FILE_SIZE, Part, PartKind, Report, ValidityStatus,
};

mod expected {
    include!("fixtures/expected.rs");
}
use expected::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("fixtures/", $name)).as_slice()
    };
}

const DEFAULT: &[u8] = fixture!("default.p12");
const CA: &[u8] = fixture!("ca.der");
const OTHER_CA: &[u8] = fixture!("other-ca.der");
const EC_CA: &[u8] = fixture!("ec-ca.der");
/// A moment in the middle of the client certificate's life.
const NOW: i64 = CLIENT_NOT_BEFORE + 100 * 86_400;

fn open(file: &[u8], password: &str) -> Result<Report, InspectError> {
    bundle::open(file, password, None, NOW)
}

fn code(result: Result<impl std::fmt::Debug, InspectError>) -> ErrorCode {
    result.expect_err("refused").code()
}

fn part(kind: PartKind, scheme: Option<&str>, iterations: u32) -> Part {
    Part {
        kind,
        encryption: scheme.map(|name| EncryptionScheme {
            name: name.to_owned(),
            iterations,
        }),
    }
}

fn plain_hex(colon_fingerprint: &str) -> String {
    colon_fingerprint.replace(':', "").to_lowercase()
}

#[test]
fn every_fixture_opens_with_its_password_and_reports_its_algorithms() {
    use PartKind::{Certificate, Container, PrivateKey};
    const AES256: &str = "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC";
    const TDES: &str = "pbeWithSHAAnd3-KeyTripleDES-CBC";
    /// A fixture's name, bytes, MAC algorithm and parts.
    type Case<'a> = (&'a str, &'a [u8], Option<&'a str>, Vec<Part>);
    let cases: &[Case] = &[
        (
            "default",
            DEFAULT,
            Some("HMAC-SHA256"),
            vec![
                part(Container, Some(AES256), 2048),
                part(PrivateKey, Some(AES256), 2048),
            ],
        ),
        (
            "pbes2-3des",
            fixture!("pbes2-3des.p12"),
            Some("HMAC-SHA1"),
            vec![
                part(
                    Container,
                    Some("PBES2 PBKDF2-HMAC-SHA256 DES-EDE3-CBC"),
                    2048,
                ),
                part(
                    PrivateKey,
                    Some("PBES2 PBKDF2-HMAC-SHA256 DES-EDE3-CBC"),
                    2048,
                ),
            ],
        ),
        (
            "compat",
            fixture!("compat.p12"),
            Some("HMAC-SHA1"),
            vec![
                part(Container, Some(TDES), 2048),
                part(PrivateKey, Some(TDES), 2048),
            ],
        ),
        (
            "legacy",
            fixture!("legacy.p12"),
            Some("HMAC-SHA1"),
            vec![
                part(Container, Some("pbeWithSHAAnd40BitRC2-CBC"), 2048),
                part(PrivateKey, Some(TDES), 2048),
            ],
        ),
        (
            "rc2-128",
            fixture!("rc2-128.p12"),
            Some("HMAC-SHA1"),
            vec![
                part(Container, Some("pbeWithSHAAnd128BitRC2-CBC"), 2048),
                part(PrivateKey, Some(TDES), 2048),
            ],
        ),
        (
            "aes128-sha512",
            fixture!("aes128-sha512.p12"),
            Some("HMAC-SHA512"),
            vec![
                part(
                    Container,
                    Some("PBES2 PBKDF2-HMAC-SHA256 AES-192-CBC"),
                    2048,
                ),
                part(
                    PrivateKey,
                    Some("PBES2 PBKDF2-HMAC-SHA256 AES-128-CBC"),
                    2048,
                ),
            ],
        ),
        (
            // With -nomac, openssl also leaves the certificate unencrypted.
            "nomac",
            fixture!("nomac.p12"),
            None,
            vec![
                part(Certificate, None, 0),
                part(PrivateKey, Some(AES256), 2048),
            ],
        ),
        (
            "plain",
            fixture!("plain.p12"),
            Some("HMAC-SHA256"),
            vec![part(Certificate, None, 0), part(PrivateKey, None, 0)],
        ),
    ];
    for (name, file, mac, parts) in cases {
        let report = open(file, PASSWORD).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            report
                .envelope
                .mac
                .as_ref()
                .map(|mac| mac.algorithm.as_str()),
            *mac,
            "{name}"
        );
        if let Some(mac) = &report.envelope.mac {
            assert_eq!(mac.iterations, 2048, "{name}");
        }
        assert_eq!(&report.envelope.parts, parts, "{name}");
        assert_eq!(
            report.certificate.fingerprint_sha256.to_hex(),
            plain_hex(CLIENT_FINGERPRINT),
            "{name}"
        );
        assert_eq!(report.key.description, "RSA 2048", "{name}");
    }
}

#[test]
fn the_client_certificate_is_summarised_as_openssl_shows_it() {
    let report = bundle::open(DEFAULT, PASSWORD, Some(CA), NOW).expect("opens");
    let cert = &report.certificate;
    assert_eq!(cert.subject, "CN=e-banking,OU=Payments,O=Acme AS");
    assert_eq!(cert.issuer, "CN=Web Service SSL CA (2048)");
    assert_eq!(cert.serial, "a1b2c3d4e5f60718");
    assert_eq!(
        certportal_shared::model::Serial::parse("00:A1:B2:C3:D4:E5:F6:07:18")
            .expect("serial")
            .as_str(),
        cert.serial
    );
    assert_eq!(
        (cert.not_before, cert.not_after),
        (CLIENT_NOT_BEFORE, CLIENT_NOT_AFTER)
    );
    assert_eq!(
        bundle::colon_hex(&cert.fingerprint_sha256),
        CLIENT_FINGERPRINT
    );
    assert_eq!(
        cert.fingerprint_sha256.to_hex(),
        plain_hex(CLIENT_FINGERPRINT)
    );
    assert_eq!(cert.signature_algorithm, "sha256WithRSAEncryption");
    assert_eq!(cert.public_key, "RSA 2048");
    assert_eq!(
        (report.key.algorithm.as_str(), report.key.bits),
        ("RSA", 2048)
    );
    assert_eq!(report.envelope.file_sha256.to_hex(), DEFAULT_FILE_SHA256);
    assert_eq!(report.validity, ValidityStatus::Valid);
    assert_eq!(report.days_left, 730 - 100);
    let others: Vec<_> = report
        .other_certificates
        .iter()
        .map(|other| (other.subject.as_str(), other.issuer.as_str()))
        .collect();
    assert_eq!(
        others,
        [(
            "CN=Web Service SSL CA (2048)",
            "CN=Web Service SSL CA (2048)"
        )]
    );
}

#[test]
fn an_ec_p256_file_reports_its_key_and_chains_to_its_ec_ca() {
    let report = bundle::open(fixture!("ec.p12"), PASSWORD, Some(EC_CA), NOW).expect("opens");
    assert_eq!(report.key.description, "EC P-256");
    assert_eq!(report.certificate.public_key, "EC P-256");
    assert_eq!(
        report.certificate.subject,
        "CN=my page,OU=Payments,O=Acme AS"
    );
    assert_eq!(report.certificate.signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(
        bundle::colon_hex(&report.certificate.fingerprint_sha256),
        EC_CLIENT_FINGERPRINT
    );
    let chain = report.chain.expect("checked");
    assert!(chain.trusted, "{:?}", chain.error);
    assert_eq!(chain.ca_subject.as_deref(), Some("CN=Web Service EC CA"));
}

#[test]
fn a_non_ascii_password_opens_its_file() {
    let report = open(fixture!("unicode.p12"), UNICODE_PASSWORD).expect("opens");
    assert_eq!(
        report.certificate.fingerprint_sha256.to_hex(),
        plain_hex(CLIENT_FINGERPRINT)
    );
    assert_eq!(
        code(open(fixture!("unicode.p12"), PASSWORD)),
        ErrorCode::WrongPassword
    );
}

#[test]
fn a_wrong_password_is_refused_with_or_without_a_mac() {
    for (name, file) in [
        ("default", DEFAULT),
        ("compat", fixture!("compat.p12")),
        ("legacy", fixture!("legacy.p12")),
        ("aes128-sha512", fixture!("aes128-sha512.p12")),
        ("nomac", fixture!("nomac.p12")),
    ] {
        for wrong in [
            "wrong-password",
            "",
            "test-only-pass-2345",
            "Test-Only-Pass-2345 ",
        ] {
            let error = open(file, wrong).expect_err(name);
            assert_eq!(error.code(), ErrorCode::WrongPassword, "{name} {wrong:?}");
            assert!(!error.message().contains(wrong) || wrong.is_empty());
        }
    }
}

#[test]
fn the_chain_passes_with_the_issuing_ca_only() {
    let trusted = bundle::open(DEFAULT, PASSWORD, Some(CA), NOW).expect("opens");
    let chain = trusted.chain.expect("checked");
    assert!(chain.trusted);
    assert_eq!(chain.error, None);
    assert_eq!(
        chain.ca_subject.as_deref(),
        Some("CN=Web Service SSL CA (2048)")
    );

    // Same name, another key: only the signature can tell.
    for ca in [OTHER_CA, EC_CA, b"not a certificate".as_slice()] {
        let report = bundle::open(DEFAULT, PASSWORD, Some(ca), NOW).expect("still opens");
        let chain = report.chain.expect("checked");
        assert!(!chain.trusted);
        assert_eq!(
            chain.error.map(|error| error.code()),
            Some(ErrorCode::UntrustedIssuer)
        );
    }
    assert_eq!(open(DEFAULT, PASSWORD).expect("opens").chain, None);
}

#[test]
fn validity_follows_the_callers_clock() {
    let at = |now| bundle::open(DEFAULT, PASSWORD, None, now).expect("opens");
    let before = at(CLIENT_NOT_BEFORE - 1);
    assert_eq!(before.validity, ValidityStatus::NotYetValid);
    let first_day = at(CLIENT_NOT_BEFORE);
    assert_eq!(
        (first_day.validity, first_day.days_left),
        (ValidityStatus::Valid, 730)
    );
    let after = at(CLIENT_NOT_AFTER + 1);
    assert_eq!(
        (after.validity, after.days_left),
        (ValidityStatus::Expired, -1)
    );
}

#[test]
fn files_that_are_not_pkcs12_are_refused_as_such() {
    let mut noise = Vec::with_capacity(4096);
    let mut state = 0x2545_f491_u32;
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        noise.push(state as u8);
    }
    for (name, file) in [
        ("empty", &[][..]),
        ("noise", &noise),
        ("a certificate", CA),
        ("text", b"-----BEGIN CERTIFICATE-----\n".as_slice()),
    ] {
        assert_eq!(code(bundle::probe(file)), ErrorCode::NotPkcs12, "{name}");
        assert_eq!(code(open(file, PASSWORD)), ErrorCode::NotPkcs12, "{name}");
    }
}

#[test]
fn a_truncated_file_is_malformed() {
    for len in [10, 100, DEFAULT.len() / 2, DEFAULT.len() - 1] {
        let truncated = DEFAULT.get(..len).expect("shorter");
        assert_eq!(
            code(bundle::probe(truncated)),
            ErrorCode::Malformed,
            "{len}"
        );
    }
}

#[test]
fn a_file_over_one_mebibyte_is_refused_before_parsing() {
    let mut big = DEFAULT.to_vec();
    big.resize(MAX_FILE_SIZE + 1, 0);
    assert_eq!(code(bundle::probe(&big)), ErrorCode::FileTooLarge);
    assert_eq!(code(open(&big, PASSWORD)), ErrorCode::FileTooLarge);
    assert_eq!(
        code(bundle::probe(&vec![0; MAX_FILE_SIZE + 1])),
        ErrorCode::FileTooLarge
    );
}

#[test]
fn a_huge_iteration_count_is_refused_before_any_key_derivation() {
    let file = fixture!("huge-iter.p12");
    assert_eq!(code(bundle::probe(file)), ErrorCode::TooManyIterations);
    assert_eq!(code(open(file, PASSWORD)), ErrorCode::TooManyIterations);
    // Had the MAC's derivation run, a wrong password would have shown: the refusal came first.
    assert_eq!(code(open(file, "wrong")), ErrorCode::TooManyIterations);
}

#[test]
fn missing_or_mismatched_contents_get_their_own_codes() {
    assert_eq!(
        code(open(fixture!("mismatch.p12"), PASSWORD)),
        ErrorCode::KeyMismatch
    );
    assert_eq!(
        code(open(fixture!("nokey.p12"), PASSWORD)),
        ErrorCode::NoPrivateKey
    );
    assert_eq!(
        code(open(fixture!("nocert.p12"), PASSWORD)),
        ErrorCode::NoCertificate
    );
}

#[test]
fn probe_reports_without_the_password_what_open_reports() {
    let envelope = bundle::probe(DEFAULT).expect("probes");
    assert_eq!(envelope, open(DEFAULT, PASSWORD).expect("opens").envelope);
    assert_eq!(envelope.file_sha256.to_hex(), DEFAULT_FILE_SHA256);
    assert_eq!(
        bundle::probe(fixture!("nomac.p12")).expect("probes").mac,
        None
    );
}

#[test]
fn the_report_serialises_for_the_cli() {
    let report = bundle::open(DEFAULT, PASSWORD, Some(OTHER_CA), NOW).expect("opens");
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(
        json["certificate"]["fingerprint_sha256"],
        plain_hex(CLIENT_FINGERPRINT)
    );
    assert_eq!(json["validity"], "valid");
    assert_eq!(json["envelope"]["parts"][0]["kind"], "container");
    assert_eq!(json["chain"]["trusted"], false);
    assert_eq!(json["chain"]["error"]["code"], "UNTRUSTED_ISSUER");
    let error = serde_json::to_value(open(DEFAULT, "nope").expect_err("wrong")).expect("json");
    assert_eq!(error["code"], "WRONG_PASSWORD");
}

/// Rewrites DER as the BER other tools write: indefinite lengths everywhere, long OCTET
/// STRINGs (and `[0] IMPLICIT` ones) cut into chunks, and, when `nested`, the OCTET STRINGs
/// that hold the next PKCS#12 layer rewritten the same way inside.
fn to_ber(der: &[u8], nested: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = der;
    while !rest.is_empty() {
        let tag = rest[0];
        let (len, header) = match rest[1] {
            short if short < 0x80 => (short as usize, 2),
            long => {
                let n = (long & 0x7f) as usize;
                let len = rest[2..2 + n]
                    .iter()
                    .fold(0usize, |len, b| (len << 8) | *b as usize);
                (len, 2 + n)
            }
        };
        let contents = &rest[header..header + len];
        rest = &rest[header + len..];
        let chunkable = tag == 0x04 || tag == 0x80;
        if tag & 0x20 != 0 {
            out.extend([tag, 0x80]);
            out.extend(to_ber(contents, nested));
            out.extend([0, 0]);
        } else if chunkable && len > 16 {
            let inner = if nested && tag == 0x04 && holds_pkcs12_layer(contents) {
                to_ber(contents, nested)
            } else {
                contents.to_vec()
            };
            out.extend([tag | 0x20, 0x80]);
            for chunk in inner.chunks(100) {
                out.extend([0x04, 0x81, chunk.len() as u8]);
                out.extend(chunk);
            }
            out.extend([0, 0]);
        } else {
            out.extend(&der[der.len() - rest.len() - header - len..der.len() - rest.len()]);
        }
    }
    out
}

/// A layer of PKCS#12 structure (an authenticated safe or safe contents) is a SEQUENCE of
/// SEQUENCEs that start with an OID; certificates and keys, which stay DER, do not.
fn holds_pkcs12_layer(bytes: &[u8]) -> bool {
    fn contents(bytes: &[u8]) -> Option<&[u8]> {
        match *bytes.get(1)? {
            short if short < 0x80 => bytes.get(2..2 + short as usize),
            long => {
                let n = (long & 0x7f) as usize;
                let len = bytes
                    .get(2..2 + n)?
                    .iter()
                    .fold(0usize, |len, b| (len << 8) | *b as usize);
                bytes.get(2 + n..2 + n + len)
            }
        }
    }
    bytes.first() == Some(&0x30)
        && contents(bytes).is_some_and(|outer| {
            outer.first() == Some(&0x30)
                && contents(outer).is_some_and(|inner| inner.first() == Some(&0x06))
        })
}

#[test]
fn a_ber_file_opens_like_its_der_original() {
    // With a MAC, only the outer layer can change: the MAC covers the inner bytes.
    let outer_ber = to_ber(DEFAULT, false);
    assert_ne!(outer_ber, DEFAULT);
    let report = open(&outer_ber, PASSWORD).expect("outer BER opens");
    assert_eq!(
        report.certificate.fingerprint_sha256.to_hex(),
        plain_hex(CLIENT_FINGERPRINT)
    );
    // Without a MAC, every layer down to the key bags can be BER.
    for file in [fixture!("nomac.p12"), fixture!("plain-nomac.p12")] {
        let ber = to_ber(file, true);
        let report = open(&ber, PASSWORD).expect("nested BER opens");
        assert_eq!(
            report.certificate.fingerprint_sha256.to_hex(),
            plain_hex(CLIENT_FINGERPRINT)
        );
    }
}

/// Runs `check` on `file` with each bit in `bits` flipped in turn.
fn with_each_bit_flipped(
    file: &[u8],
    bits: impl Iterator<Item = usize>,
    check: impl Fn(&[u8], usize),
) {
    let mut flipped = file.to_vec();
    for bit in bits {
        flipped[bit / 8] ^= 1 << (bit % 8);
        check(&flipped, bit);
        flipped[bit / 8] ^= 1 << (bit % 8);
    }
}

#[test]
fn probe_never_panics_on_any_truncation_or_bit_flip() {
    for len in 0..DEFAULT.len() {
        let _ = bundle::probe(&DEFAULT[..len]);
    }
    with_each_bit_flipped(DEFAULT, 0..DEFAULT.len() * 8, |file, _| {
        let _ = bundle::probe(file);
    });
}

#[test]
fn open_never_panics_on_any_bit_flip_of_a_file_without_mac_or_encryption() {
    // No KDF runs here, so every flip is cheap and reaches the key and certificate parsers.
    let plain = fixture!("plain-nomac.p12");
    with_each_bit_flipped(plain, 0..plain.len() * 8, |file, bit| {
        let ca = (bit % 97 == 0).then_some(CA);
        let _ = bundle::open(file, PASSWORD, ca, NOW);
    });
    for len in 0..plain.len() {
        let _ = open(&plain[..len], PASSWORD);
    }
}

#[test]
fn open_never_panics_on_sampled_bit_flips_of_an_encrypted_file() {
    // Each open runs the KDFs, so a sample.
    for file in [DEFAULT, fixture!("nomac.p12")] {
        with_each_bit_flipped(file, (0..file.len() * 8).step_by(331), |file, _| {
            let _ = open(file, PASSWORD);
        });
    }
}

#[test]
fn a_file_changed_after_its_mac_was_computed_is_refused() {
    // A byte in the middle of the encrypted certificates, inside what the MAC covers.
    let mut changed = DEFAULT.to_vec();
    changed[DEFAULT.len() / 3] ^= 0x01;
    assert!(bundle::probe(&changed).is_ok());
    assert_eq!(code(open(&changed, PASSWORD)), ErrorCode::WrongPassword);
}

#[test]
fn unlock_hands_out_the_files_own_key_and_certificate_and_refuses_as_open_does() {
    let unlocked = bundle::unlock(DEFAULT, PASSWORD).unwrap();
    assert_eq!(unlocked.pkcs8.as_slice(), fixture!("client-key.der"));
    assert_eq!(unlocked.certificate_der, fixture!("client.der"));
    assert_eq!(unlocked.key.description, "RSA 2048");
    assert_eq!(
        bundle::colon_hex(&unlocked.certificate.fingerprint_sha256),
        CLIENT_FINGERPRINT
    );
    let ec = bundle::unlock(fixture!("ec.p12"), PASSWORD).unwrap();
    assert_eq!(ec.key.description, "EC P-256");
    assert!(
        !format!("{ec:?}").contains("pkcs8"),
        "Debug leaves the key out"
    );

    assert_eq!(
        code(bundle::unlock(DEFAULT, "wrong")),
        ErrorCode::WrongPassword
    );
    assert_eq!(
        code(bundle::unlock(fixture!("mismatch.p12"), PASSWORD)),
        ErrorCode::KeyMismatch
    );
    assert_eq!(
        code(bundle::unlock(fixture!("nokey.p12"), PASSWORD)),
        ErrorCode::NoPrivateKey
    );
    assert_eq!(
        code(bundle::unlock(b"junk", PASSWORD)),
        ErrorCode::NotPkcs12
    );
}

/// An engine that answers every job and signature the same way, and counts the jobs.
struct Canned {
    decryption: fn() -> bundle::Decryption,
    verified: Option<bool>,
    jobs: std::cell::Cell<usize>,
}

impl Canned {
    fn new(decryption: fn() -> bundle::Decryption, verified: Option<bool>) -> Self {
        Self {
            decryption,
            verified,
            jobs: std::cell::Cell::new(0),
        }
    }
}

impl bundle::Engine for Canned {
    type Password = ();

    async fn password(&self, _utf8: &[u8]) -> Option<()> {
        Some(())
    }

    async fn pbes2_decrypt(&self, _: &(), _job: bundle::Pbes2Job<'_>) -> bundle::Decryption {
        self.jobs.set(self.jobs.get() + 1);
        (self.decryption)()
    }

    async fn verify(&self, _pending: &bundle::PendingSignature) -> Option<bool> {
        self.verified
    }
}

fn open_with(engine: &Canned, file: &[u8], ca: Option<&[u8]>) -> Result<Report, InspectError> {
    futures::executor::block_on(bundle::open_with(engine, file, PASSWORD, ca, NOW))
}

#[test]
fn what_an_engine_cannot_do_runs_in_rust_and_an_unchecked_signature_leaves_the_chain_open() {
    let unable = Canned::new(|| bundle::Decryption::Unable, None);
    let report = open_with(&unable, DEFAULT, Some(CA)).expect("opens in Rust");
    // The container and the shrouded key: both seen before anything is decrypted.
    assert_eq!(unable.jobs.get(), 2);
    let pure = bundle::open(DEFAULT, PASSWORD, Some(CA), NOW).expect("opens");
    assert!(pure.chain.as_ref().is_some_and(|chain| chain.trusted));
    assert_eq!(
        report.chain, None,
        "not checked, rather than trusted or not"
    );
    assert_eq!(
        Report {
            chain: pure.chain.clone(),
            ..report
        },
        pure
    );

    // The engine's word on the signature is the chain's.
    let says_no = Canned::new(|| bundle::Decryption::Unable, Some(false));
    let chain = open_with(&says_no, DEFAULT, Some(CA)).expect("opens").chain;
    let chain = chain.expect("checked");
    assert!(!chain.trusted);
    assert_eq!(chain.error.expect("why").code(), ErrorCode::UntrustedIssuer);
}

#[test]
fn an_engine_whose_decryption_fails_gives_the_refusal_rust_would() {
    let fails = || Canned::new(|| bundle::Decryption::Fails, Some(true));
    // The MAC said the password is right, so before calling the file damaged the inspector
    // decrypts the parts itself: here they are sound.
    let pure = bundle::open(DEFAULT, PASSWORD, None, NOW);
    assert!(pure.is_ok());
    assert_eq!(open_with(&fails(), DEFAULT, None), pure);
    // No MAC: a part that does not decrypt is the sign of a wrong password.
    let nomac = fixture!("nomac.p12");
    assert_eq!(
        code(open_with(&fails(), nomac, None)),
        ErrorCode::WrongPassword
    );
    // Bytes that are no SafeContents or key, as a wrong key would give.
    let garbage = Canned::new(
        || bundle::Decryption::Plain(zeroize::Zeroizing::new(vec![0x30, 0x03, 1, 2, 3])),
        Some(true),
    );
    assert_eq!(
        code(open_with(&garbage, DEFAULT, None)),
        ErrorCode::Malformed
    );
    // A wrong password is the MAC's to say, whatever the engine would do, and an engine
    // that works when polled (as Rust does) is not run at all: the MAC's cost is the whole.
    let engine = fails();
    let wrong =
        futures::executor::block_on(bundle::open_with(&engine, DEFAULT, "wrong", None, NOW));
    assert_eq!(code(wrong), ErrorCode::WrongPassword);
    assert_eq!(engine.jobs.get(), 0);
}

#[test]
fn files_without_pbes2_give_an_engine_no_jobs() {
    for file in [
        fixture!("compat.p12"),
        fixture!("legacy.p12"),
        fixture!("plain.p12"),
    ] {
        let engine = Canned::new(|| bundle::Decryption::Fails, Some(true));
        open_with(&engine, file, None).expect("opens in Rust");
        assert_eq!(engine.jobs.get(), 0);
    }
}
