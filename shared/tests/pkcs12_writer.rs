//! The PKCS#12 writer against the tools customers open its files with: openssl 3 (without
//! `-legacy`) and Java's keytool, and against the inspector. Keys and certificates are made
//! by the system openssl; a missing openssl or keytool fails the tests, it does not skip them.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use certportal_shared::ErrorCode;
use certportal_shared::bundle::{self, PartKind, Pkcs12Input};
use certportal_shared::model::Profile;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use support::tools::{TempDir, run, run_ok};
use zeroize::Zeroizing;

const PASSWORD: &str = "Writer-Test-Pass-2345";
/// Non-ASCII, for openssl and the inspector (keytool reads its arguments in the locale's
/// encoding, which on a CI machine may be ASCII).
const UNICODE_PASSWORD: &str = "blåbær-Ø-test";
const NAME: &str = "e-banking";
const ITERATIONS: u32 = 2048;

#[derive(Clone, Copy, Debug)]
enum KeyKind {
    Rsa,
    P256,
}

impl KeyKind {
    fn genpkey_args(self) -> &'static [&'static str] {
        match self {
            Self::Rsa => &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            Self::P256 => &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Rsa => "RSA 2048",
            Self::P256 => "EC P-256",
        }
    }
}

/// A CA and a client certificate it issued, with the client's PKCS#8 key.
struct Fixture {
    ca: Vec<u8>,
    certificate: Vec<u8>,
    key: Vec<u8>,
}

fn make_fixture(kind: KeyKind) -> Fixture {
    let dir = TempDir::new(&format!("fixture-{kind:?}"));
    let (ca_key, ca_pem, ca_der) = (dir.file("ca.key"), dir.file("ca.pem"), dir.file("ca.der"));
    let (key, csr, cert) = (
        dir.file("key.der"),
        dir.file("req.csr"),
        dir.file("cert.der"),
    );
    let genpkey = |out: &str, form: &str| {
        let mut args = vec!["genpkey"];
        args.extend(kind.genpkey_args());
        args.extend(["-outform", form, "-out", out]);
        run_ok("openssl", &args);
    };
    genpkey(&ca_key, "PEM");
    run_ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            &ca_key,
            "-subj",
            "/CN=Writer Test CA",
            "-days",
            "2",
            "-out",
            &ca_pem,
        ],
    );
    run_ok(
        "openssl",
        &["x509", "-in", &ca_pem, "-outform", "DER", "-out", &ca_der],
    );
    // PKCS#8, as WebCrypto's exportKey("pkcs8") gives it (genpkey's DER is not).
    let key_pem = dir.file("key.pem");
    genpkey(&key_pem, "PEM");
    run_ok(
        "openssl",
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", &key_pem, "-outform", "DER", "-out", &key,
        ],
    );
    run_ok(
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-keyform",
            "DER",
            "-subj",
            "/O=Acme AS/CN=e-banking",
            "-out",
            &csr,
        ],
    );
    run_ok(
        "openssl",
        &[
            "x509", "-req", "-in", &csr, "-CA", &ca_pem, "-CAkey", &ca_key, "-days", "2",
            "-outform", "DER", "-out", &cert,
        ],
    );
    let read = |path: &str| std::fs::read(path).expect("read");
    Fixture {
        ca: read(&ca_der),
        certificate: read(&cert),
        key: read(&key),
    }
}

/// One fixture per key kind for the whole test binary: RSA key generation is slow.
fn fixture(kind: KeyKind) -> &'static Fixture {
    static RSA: OnceLock<Fixture> = OnceLock::new();
    static P256: OnceLock<Fixture> = OnceLock::new();
    match kind {
        KeyKind::Rsa => RSA.get_or_init(|| make_fixture(kind)),
        KeyKind::P256 => P256.get_or_init(|| make_fixture(kind)),
    }
}

/// A seeded source: SHA-256 over the seed and a counter. Deterministic, so a failure can be
/// replayed.
fn seeded(seed: &str) -> impl FnMut(&mut [u8]) + use<> {
    let mut counter = 0u64;
    let seed = seed.to_owned();
    move |bytes: &mut [u8]| {
        for chunk in bytes.chunks_mut(32) {
            counter += 1;
            let block = Sha256::new()
                .chain_update(seed.as_bytes())
                .chain_update(counter.to_be_bytes())
                .finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}

fn write_file(kind: KeyKind, profile: Profile, password: &str) -> Zeroizing<Vec<u8>> {
    let fixture = fixture(kind);
    let input = Pkcs12Input {
        certificate: fixture.certificate.clone(),
        chain: vec![fixture.ca.clone()],
        private_key: Zeroizing::new(fixture.key.clone()),
        friendly_name: NAME.into(),
        password: Zeroizing::new(password.into()),
        profile,
        iterations: ITERATIONS,
    };
    let mut random = seeded(&format!("{kind:?} {profile:?} {password}"));
    bundle::encode(&input, &mut random).expect("encodes")
}

const CASES: [(KeyKind, Profile); 4] = [
    (KeyKind::Rsa, Profile::Modern),
    (KeyKind::Rsa, Profile::Compatible),
    (KeyKind::P256, Profile::Modern),
    (KeyKind::P256, Profile::Compatible),
];

fn now() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since_epoch.as_secs()).expect("fits")
}

#[test]
fn the_inspector_opens_every_written_file_and_finds_the_key_its_certificate_and_the_ca() {
    for (kind, profile) in CASES {
        let case = format!("{kind:?} {profile:?}");
        let fixture = fixture(kind);
        let file = write_file(kind, profile, UNICODE_PASSWORD);
        let report = bundle::open(&file, UNICODE_PASSWORD, Some(&fixture.ca), now())
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(report.key.description, kind.description(), "{case}");
        assert_eq!(
            report.certificate.fingerprint_sha256.as_bytes(),
            Sha256::digest(&fixture.certificate).as_slice(),
            "{case}"
        );
        assert_eq!(
            report.certificate.subject, "CN=e-banking,O=Acme AS",
            "{case}"
        );
        let chain = report.chain.expect("checked");
        assert!(chain.trusted, "{case}: {:?}", chain.error);
        let others: Vec<_> = report
            .other_certificates
            .iter()
            .map(|c| &c.subject)
            .collect();
        assert_eq!(others, ["CN=Writer Test CA"], "{case}");

        let (mac, scheme) = match profile {
            Profile::Modern => ("HMAC-SHA256", "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC"),
            Profile::Compatible => ("HMAC-SHA1", "pbeWithSHAAnd3-KeyTripleDES-CBC"),
        };
        let envelope = &report.envelope;
        let mac_summary = envelope.mac.as_ref().expect("a MAC");
        assert_eq!(
            (mac_summary.algorithm.as_str(), mac_summary.iterations),
            (mac, ITERATIONS),
            "{case}"
        );
        let parts: Vec<_> = envelope
            .parts
            .iter()
            .map(|part| {
                let encryption = part.encryption.as_ref().expect("encrypted");
                (part.kind, encryption.name.as_str(), encryption.iterations)
            })
            .collect();
        assert_eq!(
            parts,
            [
                (PartKind::Container, scheme, ITERATIONS),
                (PartKind::PrivateKey, scheme, ITERATIONS)
            ],
            "{case}"
        );
    }
}

#[test]
fn a_wrong_password_is_refused_by_the_inspector_and_by_openssl() {
    let dir = TempDir::new("wrong-password");
    for (kind, profile) in CASES {
        let case = format!("{kind:?} {profile:?}");
        let file = write_file(kind, profile, PASSWORD);
        let error =
            bundle::open(&file, "Writer-Test-Pass-2346", None, now()).expect_err("wrong password");
        assert_eq!(error.code(), ErrorCode::WrongPassword, "{case}");
        let path = dir.write(&format!("{kind:?}-{profile:?}.p12"), &file);
        let output = run(
            "openssl",
            &[
                "pkcs12",
                "-in",
                &path,
                "-passin",
                "pass:Writer-Test-Pass-2346",
                "-noout",
            ],
        );
        assert!(
            !output.status.success(),
            "{case}: openssl took a wrong password"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("verify error"), "{case}: {stderr}");
    }
}

/// The key as openssl re-encodes it, to compare PKCS#8 keys from different writers.
fn normalised_key(dir: &TempDir, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.file(name);
    let mut all = vec!["pkey"];
    all.extend(args);
    all.extend(["-outform", "DER", "-out", &out]);
    run_ok("openssl", &all);
    std::fs::read(&out).expect("read")
}

#[test]
fn openssl_3_opens_both_profiles_without_legacy_and_names_their_algorithms() {
    let dir = TempDir::new("openssl");
    for (kind, profile) in CASES {
        let case = format!("{kind:?} {profile:?}");
        let fixture = fixture(kind);
        let file = write_file(kind, profile, UNICODE_PASSWORD);
        let path = dir.write(&format!("{kind:?}-{profile:?}.p12"), &file);
        let pass = format!("pass:{UNICODE_PASSWORD}");
        run_ok(
            "openssl",
            &["pkcs12", "-in", &path, "-passin", &pass, "-noout"],
        );

        let info = run(
            "openssl",
            &["pkcs12", "-in", &path, "-passin", &pass, "-info", "-nodes"],
        );
        assert!(info.status.success(), "{case}");
        let text = String::from_utf8_lossy(&info.stderr).into_owned()
            + &String::from_utf8_lossy(&info.stdout);
        let (mac, scheme) = match profile {
            Profile::Modern => (
                "MAC: sha256, Iteration 2048",
                "PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256",
            ),
            Profile::Compatible => (
                "MAC: sha1, Iteration 2048",
                "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
            ),
        };
        for line in [
            mac.to_owned(),
            format!("PKCS7 Encrypted data: {scheme}"),
            format!("Shrouded Keybag: {scheme}"),
        ] {
            assert!(text.contains(&line), "{case}: no {line:?} in\n{text}");
        }
        // openssl's own lines, not the PEM it prints: random base64 may spell "RC2".
        let mut described = text.lines().filter(|line| line.contains([' ', ':']));
        assert!(
            !described.any(|line| line.contains("RC2")),
            "{case}: never RC2:\n{text}"
        );

        // The key bag and the client's certificate bag share the name and the localKeyID
        // (the certificate's SHA-256); the CA's bag has no attributes.
        let local_key_id = Sha256::digest(&fixture.certificate)
            .iter()
            .map(|byte| format!("{byte:02X}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            text.matches(&format!("localKeyID: {local_key_id}")).count(),
            2,
            "{case}:\n{text}"
        );
        assert_eq!(
            text.matches(&format!("friendlyName: {NAME}")).count(),
            2,
            "{case}:\n{text}"
        );
        assert_eq!(
            text.matches("Bag Attributes: <No Attributes>").count(),
            1,
            "{case}:\n{text}"
        );
        assert_eq!(text.matches("BEGIN CERTIFICATE").count(), 2, "{case}");

        // The key openssl decrypts is the key that went in.
        let key_pem = dir.write("key.pem", text.as_bytes());
        let key_in = dir.write("key-in.der", &fixture.key);
        assert_eq!(
            normalised_key(&dir, "out.der", &["-in", &key_pem]),
            normalised_key(&dir, "in.der", &["-inform", "DER", "-in", &key_in]),
            "{case}"
        );
    }
}

#[test]
fn keytool_lists_one_private_key_entry_under_the_friendly_name() {
    let dir = TempDir::new("keytool");
    for (kind, profile) in CASES {
        let case = format!("{kind:?} {profile:?}");
        let file = write_file(kind, profile, PASSWORD);
        let path = dir.write(&format!("{kind:?}-{profile:?}.p12"), &file);
        let list = |password: &str| {
            run(
                "keytool",
                &[
                    "-list",
                    "-keystore",
                    &path,
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password,
                ],
            )
        };
        let output = list(PASSWORD);
        let listing = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{case}: {listing}");
        assert!(
            listing.contains("Your keystore contains 1 entry"),
            "{case}: {listing}"
        );
        assert_eq!(
            listing.matches("PrivateKeyEntry").count(),
            1,
            "{case}: {listing}"
        );
        assert!(listing.contains(&format!("{NAME}, ")), "{case}: {listing}");
        assert!(
            !list("Writer-Test-Pass-2346").status.success(),
            "{case}: wrong password"
        );
    }
}
