//! Issuing a client certificate against the openssl CLI doing the same work, from one run on
//! the same machine: key + certificate + PKCS#12 (RSA-2048, AES-256/PBKDF2 at 10,000
//! iterations), and the inspector on the file it makes.
//!
//! `cargo bench -p certportal --bench issuance` (or `cargo xtask bench`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use base64::Engine as _;
use certportal::pki::{self, Ca, ClientCertRequest};
use certportal::secrets::random;
use certportal_shared::model::{ClientName, KeyType, Organisation, Profile, Service};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const RUNS: usize = 30;
const ITERATIONS: u32 = 10_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn ours(ca: &Ca) -> (Vec<u8>, String) {
    let (org, service, client) = (
        Organisation::parse("Acme AS").unwrap(),
        Service::parse("Payments API").unwrap(),
        ClientName::parse("e-banking").unwrap(),
    );
    let request = ClientCertRequest {
        org: &org,
        service: &service,
        client: &client,
        key: KeyType::Rsa2048,
        not_before: OffsetDateTime::now_utc(),
        validity_days: 730,
        status: certportal::pki::StatusUrls {
            crl: "https://portal.example/crl".into(),
            ocsp: "http://portal.example/ocsp".into(),
        },
    };
    let issued = pki::issue(ca, &request).unwrap();
    let password = random::password(20).unwrap();
    let file = pki::write_pkcs12(
        &issued,
        ca.cert_der(),
        "e-banking",
        &password,
        Profile::Modern,
        ITERATIONS,
    )
    .unwrap();
    (file.to_vec(), password.to_string())
}

fn run(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The same profile with the openssl CLI: a key and request, a certificate signed by the CA
/// with clientAuth and a CRL distribution point, and the PKCS#12 file.
fn openssl_pipeline(dir: &Path) {
    let serial = format!("0x{}", hex::encode(random::serial().unwrap()));
    run(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "c.key",
            "-out",
            "c.csr",
            "-subj",
            "/O=Acme AS/OU=Payments API/CN=e-banking",
        ],
    );
    run(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "c.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            &serial,
            "-days",
            "730",
            "-extfile",
            "ext.cnf",
            "-out",
            "c.pem",
        ],
    );
    run(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "c.key",
            "-in",
            "c.pem",
            "-certfile",
            "ca.pem",
            "-passout",
            "pass:abcde-fghjk-mnpqr-stvwx",
            "-iter",
            &ITERATIONS.to_string(),
            "-out",
            "c.p12",
        ],
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::create(
        "Bench CA",
        KeyType::Rsa2048,
        3650,
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
    std::fs::write(
        dir.path().join("ca.key"),
        pem("PRIVATE KEY", &ca.key_pkcs8()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ext.cnf"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n\
         authorityKeyIdentifier=keyid\ncrlDistributionPoints=URI:https://portal.example/crl\n",
    )
    .unwrap();

    // One warm-up of each, then the timed runs, interleaved so that a busy moment on the
    // machine falls on both.
    ours(&ca);
    openssl_pipeline(dir.path());
    let (mut ours_times, mut openssl_times) = (Vec::new(), Vec::new());
    let mut sample = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        sample = Some(ours(&ca));
        ours_times.push(start.elapsed());
        let start = Instant::now();
        openssl_pipeline(dir.path());
        openssl_times.push(start.elapsed());
    }
    let (file, password) = sample.unwrap();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let inspector_times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            certportal_shared::bundle::open(&file, &password, Some(ca.cert_der()), now).unwrap();
            start.elapsed()
        })
        .collect();

    let (ours, openssl) = (median(ours_times), median(openssl_times));
    println!(
        "issuance, RSA-2048 key + certificate + PKCS#12 at {ITERATIONS} iterations, median of {RUNS}:"
    );
    println!(
        "  certportal (in process)                {:>8.1} ms",
        ms(ours)
    );
    println!(
        "  openssl req + x509 -req + pkcs12       {:>8.1} ms",
        ms(openssl)
    );
    println!(
        "  ratio                                  {:>8.2}   (target ≤ 0.30)",
        ours.as_secs_f64() / openssl.as_secs_f64()
    );
    println!("inspector, native, the file above with its password and CA, median of {RUNS}:");
    println!(
        "  certportal_shared::bundle::open        {:>8.1} ms",
        ms(median(inspector_times))
    );
}
