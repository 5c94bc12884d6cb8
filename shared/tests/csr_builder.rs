//! The page's certificate requests (custody `browser`) against openssl: the key is made and
//! the request info signed by openssl, as WebCrypto would (PKCS#1 v1.5, or ECDSA given to the
//! builder as `r || s`); openssl must verify the request's self-signature and read its
//! subject, and the portal's own policy must accept it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::Engine as _;
use certportal_shared::csr::build::{BuildError, Signer, request_der, request_info};
use certportal_shared::csr::{self, RequestKey};
use der::Decode;
use der::asn1::UintRef;
use support::tools::{TempDir, run, run_ok};

fn der_of(sent: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(sent)
        .expect("base64 DER")
}

/// An ECDSA signature as openssl writes it (DER), for turning into WebCrypto's form.
#[derive(der::Sequence)]
struct DerSignature<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// A DER ECDSA signature as WebCrypto gives it: `r || s`, each left-padded to 32 bytes.
fn raw_signature(der_signature: &[u8]) -> Vec<u8> {
    let parsed = DerSignature::from_der(der_signature).expect("openssl's ECDSA signature");
    let mut raw = vec![0u8; 64];
    for (half, value) in raw.chunks_mut(32).zip([parsed.r, parsed.s]) {
        let bytes = value.as_bytes();
        half[32 - bytes.len()..].copy_from_slice(bytes);
    }
    raw
}

/// Makes a key with `genpkey_args`, builds and signs the request as the page does, and
/// returns it as the page sends it (base64 DER) with the scratch dir it was made in.
fn page_request(name: &str, genpkey_args: &[&str], signer: Signer) -> (String, TempDir) {
    let dir = TempDir::new(name);
    let (key, spki, info, signature) = (
        dir.file("key.pem"),
        dir.file("spki.der"),
        dir.file("info.der"),
        dir.file("signature"),
    );
    let mut args = vec!["genpkey"];
    args.extend(genpkey_args);
    args.extend(["-out", &key]);
    run_ok("openssl", &args);
    run_ok(
        "openssl",
        &[
            "pkey", "-in", &key, "-pubout", "-outform", "DER", "-out", &spki,
        ],
    );
    let to_sign = request_info(&std::fs::read(&spki).unwrap(), "e-banking").unwrap();
    std::fs::write(&info, &to_sign).unwrap();
    run_ok(
        "openssl",
        &["dgst", "-sha256", "-sign", &key, "-out", &signature, &info],
    );
    let mut signed = std::fs::read(&signature).unwrap();
    if signer == Signer::EcdsaP256Sha256 {
        signed = raw_signature(&signed);
    }
    let der = request_der(&to_sign, signer, &signed).unwrap();
    (base64::engine::general_purpose::STANDARD.encode(der), dir)
}

/// Asserts that openssl verifies the request and reads the page's subject, and that the
/// portal's policy takes it with `key`.
fn accepted(sent: &str, dir: &TempDir, key: RequestKey) {
    let path = dir.write("request.der", &der_of(sent));
    let verified = run(
        "openssl",
        &["req", "-inform", "DER", "-in", &path, "-verify", "-noout"],
    );
    let said = String::from_utf8_lossy(&verified.stderr).into_owned()
        + &String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{said}");
    assert!(said.contains("verify OK"), "{said}");
    let subject = run_ok(
        "openssl",
        &["req", "-inform", "DER", "-in", &path, "-noout", "-subject"],
    );
    assert_eq!(subject.trim(), "subject=CN = e-banking");
    let checked = csr::check(sent).expect("the portal's policy takes the page's request");
    assert_eq!(checked.key, key);
}

#[test]
fn an_rsa_request_verifies_in_openssl_and_passes_the_policy() {
    let (sent, dir) = page_request(
        "csr-rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        Signer::RsaSha256,
    );
    accepted(&sent, &dir, RequestKey::Rsa { bits: 2048 });
}

#[test]
fn a_p256_request_from_r_and_s_verifies_in_openssl_and_passes_the_policy() {
    // Several keys: a signature's r or s with a high first bit, or shorter than 32 bytes,
    // needs its DER INTEGER written with a leading zero or without padding.
    for round in 0..8 {
        let (sent, dir) = page_request(
            &format!("csr-p256-{round}"),
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            Signer::EcdsaP256Sha256,
        );
        accepted(&sent, &dir, RequestKey::P256);
    }
}

#[test]
fn a_signature_made_over_other_bytes_fails_openssls_check() {
    let (sent, dir) = page_request(
        "csr-tampered",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        Signer::RsaSha256,
    );
    // The same signature over another name: what a page with a bug would send.
    let checked = csr::check(&sent).unwrap();
    let other = request_info(&checked.spki_der, "someone-else").unwrap();
    let forged = request_der(&other, Signer::RsaSha256, &checked.signature).unwrap();
    let path = dir.write("forged.der", &forged);
    let verified = run(
        "openssl",
        &["req", "-inform", "DER", "-in", &path, "-verify", "-noout"],
    );
    let said = String::from_utf8_lossy(&verified.stderr).into_owned()
        + &String::from_utf8_lossy(&verified.stdout);
    // openssl 3 may still exit 0 here; what it says is the verdict.
    assert!(
        !said.contains("verify OK") && said.contains("verify failure"),
        "a signature over other bytes must not verify: {said}"
    );
}

#[test]
fn what_is_not_a_public_key_or_a_signature_is_refused() {
    assert_eq!(request_info(b"not der", "x"), Err(BuildError::PublicKey));
    let (sent, _dir) = page_request(
        "csr-short",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        Signer::EcdsaP256Sha256,
    );
    let checked = csr::check(&sent).unwrap();
    assert_eq!(
        request_der(&checked.signed, Signer::EcdsaP256Sha256, &[7; 70]),
        Err(BuildError::Signature(Signer::EcdsaP256Sha256))
    );
}
