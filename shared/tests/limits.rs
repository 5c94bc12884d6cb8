//! The inspector's limits against hostile files built byte by byte: the work budget is charged
//! for what each derivation really costs and before it runs, and the number of keys and
//! certificates is capped.
//!
//! No test here times anything: a refusal that comes before the work is shown by its code (a
//! wrong password that still gets `TOO_MANY_ITERATIONS` was never tried), and a file at the
//! budget is shown to pass by the budget's own arithmetic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use certportal_shared::ErrorCode;
use certportal_shared::bundle::{
    self, InspectError, MAX_CERTIFICATES, MAX_ITERATIONS, MAX_KEYS, MAX_WORK,
};
use support::p12::{
    Hash, Scheme, UnverifiableMac, cert_bag, encrypted_part, key_bag, pfx, plain_part,
    shrouded_key_bag,
};

// Shared with inspector.rs, which uses every constant; this file needs only a few.
#[allow(dead_code)]
mod expected {
    include!("fixtures/expected.rs");
}
use expected::{CLIENT_FINGERPRINT, CLIENT_NOT_BEFORE, PASSWORD};

const CLIENT: &[u8] = include_bytes!("fixtures/client.der");
const CLIENT_KEY: &[u8] = include_bytes!("fixtures/client-key.der");
const CA: &[u8] = include_bytes!("fixtures/ca.der");
const NOW: i64 = CLIENT_NOT_BEFORE + 86_400;
const KEY_ID: &[u8] = b"client";

fn code(result: Result<impl std::fmt::Debug, InspectError>) -> ErrorCode {
    result.expect_err("refused").code()
}

fn open(file: &[u8], password: &str) -> Result<bundle::Report, InspectError> {
    bundle::open(file, password, None, NOW)
}

fn aes(prf: Hash, iterations: u32) -> Scheme {
    Scheme::Aes256 { prf, iterations }
}

/// A part that costs `iterations` of PBKDF2-HMAC-SHA256 and holds nothing.
fn costly_part(iterations: u32) -> Vec<u8> {
    encrypted_part(aes(Hash::Sha256, iterations), None, &[])
}

/// What every openable file here holds besides: the client certificate, its key in the clear.
fn client_bags() -> Vec<Vec<u8>> {
    vec![
        cert_bag(CLIENT, Some(KEY_ID)),
        key_bag(CLIENT_KEY, Some(KEY_ID)),
    ]
}

fn fingerprint(report: &bundle::Report) -> String {
    bundle::colon_hex(&report.certificate.fingerprint_sha256)
}

#[test]
fn work_up_to_the_budget_passes_and_one_compression_more_is_refused_before_it_runs() {
    // PBKDF2-HMAC-SHA256 for AES-256 is one 32-byte output block: keying (2 compressions),
    // the salt and index (2), then 2 per further iteration. Four parts of MAX_WORK / 8 - 1
    // iterations cost MAX_WORK / 4 each, the budget exactly.
    let iterations = u32::try_from(MAX_WORK / 8 - 1).expect("fits");
    assert!(iterations <= MAX_ITERATIONS);
    let at_budget = pfx(&vec![costly_part(iterations); 4], None);
    assert!(bundle::probe(&at_budget).is_ok());

    let mut parts = vec![costly_part(iterations); 4];
    parts[3] = costly_part(iterations + 1);
    let over = pfx(&parts, None);
    assert_eq!(code(bundle::probe(&over)), ErrorCode::TooManyIterations);
    // Without a MAC the first part's derivation would otherwise tell the wrong password.
    assert_eq!(code(open(&over, "wrong")), ErrorCode::TooManyIterations);
}

#[test]
fn sha512_derivations_are_charged_for_their_wider_blocks() {
    // One PBKDF2-HMAC-SHA512 part at the iteration limit is 2,000,002 compressions of SHA-512,
    // each charged 4: over the budget on its own, though its count is within the limit.
    let file = pfx(
        &[encrypted_part(aes(Hash::Sha512, MAX_ITERATIONS), None, &[])],
        None,
    );
    assert_eq!(code(bundle::probe(&file)), ErrorCode::TooManyIterations);

    // A SHA-512 MAC (4,000,008 and its HMAC) and two SHA-256 parts (4,000,004) at the limit,
    // three million iterations in all: refused before the MAC runs, so a wrong password is
    // never found out.
    let mac = UnverifiableMac {
        hash: Hash::Sha512,
        iterations: MAX_ITERATIONS,
    };
    let file = pfx(&vec![costly_part(MAX_ITERATIONS); 2], Some(mac));
    assert_eq!(code(bundle::probe(&file)), ErrorCode::TooManyIterations);
    assert_eq!(code(open(&file, "wrong")), ErrorCode::TooManyIterations);
}

#[test]
fn pbkdf2_with_sha1_for_aes_256_is_charged_two_output_blocks() {
    // HMAC-SHA1 gives 20 bytes, AES-256 needs 32: every iteration runs twice. Two such parts at
    // the limit cost 8,000,004; the same with HMAC-SHA256 half of that.
    let sha1 = pfx(
        &vec![encrypted_part(aes(Hash::Sha1, MAX_ITERATIONS), None, &[]); 2],
        None,
    );
    assert_eq!(code(bundle::probe(&sha1)), ErrorCode::TooManyIterations);
    assert_eq!(code(open(&sha1, "wrong")), ErrorCode::TooManyIterations);
    let sha256 = pfx(&vec![costly_part(MAX_ITERATIONS); 2], None);
    assert!(bundle::probe(&sha256).is_ok());
}

#[test]
fn a_pkcs12_pbe_pays_for_key_and_iv_and_the_empty_password_for_its_second_mac_try() {
    // A SHA-1 MAC and two 3DES parts at the limit: each part derives a 24-byte key (two SHA-1
    // outputs) and an IV (one), so a little over 7,000,000 compressions with any password of
    // up to 31 characters: within the budget.
    let mac = UnverifiableMac {
        hash: Hash::Sha1,
        iterations: MAX_ITERATIONS,
    };
    let triple_des = Scheme::TripleDes {
        iterations: MAX_ITERATIONS,
    };
    let file = pfx(&vec![encrypted_part(triple_des, None, &[]); 2], Some(mac));
    assert!(bundle::probe(&file).is_ok());
    // The empty password is also tried as no bytes at all: a second MAC run, a million more.
    assert_eq!(code(open(&file, "")), ErrorCode::TooManyIterations);
}

#[test]
fn keys_shown_by_decryption_are_charged_before_they_are_decrypted() {
    // A cheap part holds a key whose derivation alone is over the budget; probe cannot see it.
    let costly_key = shrouded_key_bag(
        aes(Hash::Sha512, MAX_ITERATIONS),
        None,
        CLIENT_KEY,
        Some(KEY_ID),
    );
    let bags = [cert_bag(CLIENT, Some(KEY_ID)), costly_key];
    let file = pfx(
        &[encrypted_part(aes(Hash::Sha256, 1), Some(PASSWORD), &bags)],
        None,
    );
    assert!(bundle::probe(&file).is_ok());
    // The key's ciphertext opens with no password: had it been tried, WRONG_PASSWORD.
    assert_eq!(code(open(&file, PASSWORD)), ErrorCode::TooManyIterations);
}

#[test]
fn a_file_may_hold_as_many_certificates_as_the_inspector_reads_and_no_more() {
    let mut bags = client_bags();
    bags.extend(vec![cert_bag(CA, None); MAX_CERTIFICATES - 1]);
    let at_limit = pfx(&[plain_part(&bags)], None);
    let report = open(&at_limit, PASSWORD).expect("opens");
    assert_eq!(fingerprint(&report), CLIENT_FINGERPRINT);
    assert_eq!(report.other_certificates.len(), MAX_CERTIFICATES - 1);

    bags.push(cert_bag(CA, None));
    let over = pfx(&[plain_part(&bags)], None);
    assert_eq!(code(bundle::probe(&over)), ErrorCode::FileTooLarge);
    assert_eq!(code(open(&over, PASSWORD)), ErrorCode::FileTooLarge);

    // Inside an encrypted part they are counted once it is decrypted.
    let hidden = pfx(
        &[encrypted_part(aes(Hash::Sha256, 1), Some(PASSWORD), &bags)],
        None,
    );
    assert!(bundle::probe(&hidden).is_ok());
    assert_eq!(code(open(&hidden, PASSWORD)), ErrorCode::FileTooLarge);
}

#[test]
fn a_file_may_hold_as_many_keys_as_the_inspector_reads_and_no_more() {
    // Every key is matched against every certificate, so keys times certificates is at most
    // MAX_KEYS × MAX_CERTIFICATES comparisons.
    let mut bags = vec![cert_bag(CLIENT, Some(KEY_ID))];
    bags.extend(vec![key_bag(CLIENT_KEY, None); MAX_KEYS]);
    let at_limit = pfx(&[plain_part(&bags)], None);
    assert_eq!(
        fingerprint(&open(&at_limit, PASSWORD).expect("opens")),
        CLIENT_FINGERPRINT
    );

    bags.push(key_bag(CLIENT_KEY, None));
    let over = pfx(&[plain_part(&bags)], None);
    assert_eq!(code(bundle::probe(&over)), ErrorCode::FileTooLarge);
    let hidden = pfx(
        &[encrypted_part(aes(Hash::Sha256, 1), Some(PASSWORD), &bags)],
        None,
    );
    assert_eq!(code(open(&hidden, PASSWORD)), ErrorCode::FileTooLarge);
}

/// The worst a file can make the inspector do: the whole budget in the hash that does least
/// per unit (PBKDF2-HMAC-SHA256), as many certificates and keys as it reads. Slow in a debug
/// build, about half a second of opening in release:
/// `cargo test --release -p certportal-shared --test limits -- --ignored --nocapture`.
#[test]
#[ignore = "runs the whole work budget: seconds in a debug build"]
fn a_file_at_the_budget_with_every_part_at_its_limit_opens() {
    let iterations = u32::try_from(MAX_WORK / 8 - 1).expect("fits");
    let scheme = aes(Hash::Sha256, iterations);
    let mut certificates = vec![cert_bag(CLIENT, Some(KEY_ID))];
    certificates.extend(vec![cert_bag(CA, None); MAX_CERTIFICATES - 1]);
    let mut keys = vec![shrouded_key_bag(
        scheme,
        Some(PASSWORD),
        CLIENT_KEY,
        Some(KEY_ID),
    )];
    keys.extend(vec![key_bag(CLIENT_KEY, None); MAX_KEYS - 1]);
    let file = pfx(
        &[
            encrypted_part(scheme, Some(PASSWORD), &certificates),
            plain_part(&keys),
            encrypted_part(scheme, Some(PASSWORD), &[]),
            encrypted_part(scheme, Some(PASSWORD), &[]),
        ],
        None,
    );
    let started = std::time::Instant::now();
    let report = bundle::open(&file, PASSWORD, Some(CA), NOW).expect("opens");
    // A figure for the README, not a check: timing belongs to benchmarks and fuzzing.
    eprintln!(
        "opened a {} KiB file at the work budget in {:?}",
        file.len() / 1024,
        started.elapsed()
    );
    assert_eq!(fingerprint(&report), CLIENT_FINGERPRINT);
    assert!(report.chain.expect("checked").trusted);
}
