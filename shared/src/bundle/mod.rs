//! The PKCS#12 inspector: what the browser and `certportal inspect` run on a downloaded file.
//!
//! Two stages. [`probe`] needs no password: it checks that the file is a PKCS#12 file the
//! inspector can open and says how it is protected. [`open`] takes the password: it verifies
//! the MAC, decrypts, finds the private key and the certificate it belongs to, summarises them
//! and, given the CA certificate, checks that the CA issued it.
//!
//! Pure by design: no I/O, no clock (the caller passes `now`), no randomness, so the same code
//! gives the same answer in the browser (wasm32) and on the server. Every refusal is an
//! [`InspectError`] with a stable [`ErrorCode`]; hostile input never panics.
//!
//! Supported: DER or BER files; HMAC-SHA-1/224/256/384/512 MACs with the PKCS#12 KDF; PBES2
//! (PBKDF2 with HMAC-SHA-1/224/256/384/512, AES-128/192/256-CBC or DES-EDE3-CBC) and the
//! PKCS#12 PBEs with SHA-1 (3-key and 2-key 3DES, 128- and 40-bit RC2); RSA and EC P-256 keys;
//! RSA PKCS#1 v1.5 (SHA-256/384/512) and ECDSA P-256 SHA-256 certificate signatures.
//!
//! Beside it, [`encode`] writes the server's two profiles, for the collect page when the browser
//! made the key; it reuses the inspector's key derivations.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod ber;
mod chain;
mod cipher;
mod encode;
mod engine;
mod kdf;
mod keys;
mod limits;
mod mac;
mod pbe;
mod pfx;
mod report;
mod summary;
#[cfg(feature = "webcrypto")]
pub mod webcrypto;
mod work;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use chain::{PendingSignature, SignatureAlgorithm};
pub use cipher::Cipher;
pub use encode::{EncodeError, Pkcs12Input, encode};
pub use engine::{Decryption, Engine, Pbes2Job, RustCrypto};
pub use kdf::Hash;
pub use report::{
    CertificateSummary, ChainCheck, EncryptionScheme, Envelope, KeySummary, MacSummary, Part,
    PartKind, Report, ValidityStatus,
};
pub use summary::colon_hex;

use crate::error::{ApiError, ErrorCode};
use limits::Limits;
use serde::Serialize;
use zeroize::Zeroizing;

/// The largest file the inspector reads (1 MiB); a client certificate file is a few KB.
pub const MAX_FILE_SIZE: usize = 1024 * 1024;

/// The largest iteration count (MAC, PBKDF2, PKCS#12 PBE) the inspector runs, so that a hostile
/// file cannot keep a browser tab busy for minutes.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// The most hash work opening one file may take, in compressions of a 64-byte block (a SHA-384
/// or SHA-512 compression counts 4): about half a second natively on a current x86-64, longer
/// in a browser. It is charged before the work runs, for the MAC (twice for the empty
/// password, which is also tried as no bytes at all), the key and IV of each PKCS#12 PBE and
/// every PBKDF2 output block.
///
/// Enough for a file whose MAC and two parts each take [`MAX_ITERATIONS`] with openssl's
/// defaults (5,000,000), `-legacy` (6,000,000) or 3DES (7,000,000). Every real tool writes far
/// less: openssl 2048 iterations, Java 10,000.
pub const MAX_WORK: u64 = 8_000_000;

/// The most private keys a file may hold: each is matched against every certificate.
pub const MAX_KEYS: usize = 16;

/// The most certificates a file may hold; a Java trust store in PKCS#12 holds about 150.
pub const MAX_CERTIFICATES: usize = 256;

/// Why the inspector refused a file: a stable code to branch on and a plain sentence.
///
/// The message never holds the password or key material.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct InspectError {
    code: ErrorCode,
    message: String,
}

impl InspectError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The stable code, for example [`ErrorCode::WrongPassword`].
    pub fn code(&self) -> ErrorCode {
        self.code.clone()
    }

    /// What went wrong, in plain words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<InspectError> for ApiError {
    fn from(error: InspectError) -> Self {
        ApiError::new(error.code, error.message)
    }
}

/// Checks, without the password, that `file` is a PKCS#12 file the inspector can open, and
/// describes its protection and its SHA-256.
///
/// Refuses with `FILE_TOO_LARGE` (over [`MAX_FILE_SIZE`], or more keys or certificates than
/// [`MAX_KEYS`] and [`MAX_CERTIFICATES`] outside the encrypted parts), `NOT_PKCS12` (not a
/// PKCS#12 file at all), `MALFORMED` (damaged inside), `UNSUPPORTED_ALGORITHM` or
/// `TOO_MANY_ITERATIONS` (an iteration count over [`MAX_ITERATIONS`], or more work than
/// [`MAX_WORK`] whatever the password): everything that can be seen before decrypting is
/// checked here, so [`open`] can only add password and content errors, and the same two limits
/// on what decryption shows.
pub fn probe(file: &[u8]) -> Result<Envelope, InspectError> {
    let parsed = pfx::parse(file)?;
    Limits::DEFAULT.check_parsed(&parsed, &[pbe::Password::null()])?;
    Ok(parsed.envelope)
}

/// Opens `file` with `password` and reports on its certificate and key, in pure Rust: what
/// [`open_with`] does with the [`RustCrypto`] engine.
///
/// `ca_der` is the DER certificate of the CA that should have issued the file's certificate;
/// the outcome is in [`Report::chain`] and never makes `open` fail. `now_unix` (Unix seconds)
/// decides the validity status and the days left.
///
/// Besides the refusals of [`probe`]: `WRONG_PASSWORD` (the MAC does not verify or, in a file
/// without a MAC, the contents do not decrypt), `NO_PRIVATE_KEY`, `NO_CERTIFICATE` (a key but
/// no certificate) and `KEY_MISMATCH` (no certificate belongs to the key).
pub fn open(
    file: &[u8],
    password: &str,
    ca_der: Option<&[u8]>,
    now_unix: i64,
) -> Result<Report, InspectError> {
    ready_now(open_with(&RustCrypto, file, password, ca_der, now_unix))
}

/// [`open`], with the PBES2 decryptions and the CA's signature done by `engine`: in the
/// collect page, the browser's WebCrypto, natively and off the page's thread. The engine's
/// decryptions run while the MAC is verified here; what the engine cannot do runs in Rust.
/// The answer is the same whatever the engine, save that an engine that cannot verify the
/// CA's signature leaves [`Report::chain`] `None`: not checked.
pub async fn open_with<E: Engine>(
    engine: &E,
    file: &[u8],
    password: &str,
    ca_der: Option<&[u8]>,
    now_unix: i64,
) -> Result<Report, InspectError> {
    let Opened {
        mut report,
        pending,
    } = open_within(engine, &Limits::DEFAULT, file, password, ca_der, now_unix).await?;
    if let Some(pending) = pending {
        report.chain = engine
            .verify(&pending)
            .await
            .map(|verified| pending.settle(verified));
    }
    Ok(report)
}

/// Runs `file` through [`open_with`] with the empty password and drops the outcome, so that
/// a browser has optimised the inspector's code and started its WebCrypto before the check
/// that counts. V8 runs WebAssembly first with a baseline compiler and optimises a function
/// once it has run a while, for its later calls; the MAC's key derivation, one loop of
/// thousands of hashes, runs several times slower before. The collect page runs it while the
/// contact waits for the SMS. Nothing of it depends on the password.
pub async fn warm_up<E: Engine>(engine: &E, file: &[u8]) {
    let _ = open_with(engine, file, "", None, 0).await;
}

/// What [`open_deferred`] found: the report, and the CA's signature still to be verified.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The report; its `chain` is `None` while `pending` is `Some`.
    pub report: Report,
    /// The chain check's last step, for an engine to verify ([`Engine::verify`]).
    pub pending: Option<PendingSignature>,
}

/// [`open`], but leaves the CA's signature on the certificate to the caller, for holding two
/// engines' verifications to the same signature.
pub fn open_deferred(
    file: &[u8],
    password: &str,
    ca_der: Option<&[u8]>,
    now_unix: i64,
) -> Result<Opened, InspectError> {
    ready_now(open_within(
        &RustCrypto,
        &Limits::DEFAULT,
        file,
        password,
        ca_der,
        now_unix,
    ))
}

/// The output of a future that never waits: the [`RustCrypto`] engine's.
fn ready_now<F: std::future::Future>(future: F) -> F::Output {
    // A `RustCrypto` future is ready when first polled, so this never blocks.
    futures::executor::block_on(future)
}

async fn open_within<E: Engine>(
    engine: &E,
    limits: &Limits,
    file: &[u8],
    password: &str,
    ca_der: Option<&[u8]>,
    now_unix: i64,
) -> Result<Opened, InspectError> {
    let contents = decrypt_with(engine, limits, file, password).await?;
    let (key, leaf) = keys::find_leaf(&contents.keys, &contents.certificates)?;
    let certificate = summary::certificate(&leaf.certificate, &leaf.der)?;
    let other_certificates = contents
        .certificates
        .iter()
        .filter(|other| !std::ptr::eq(*other, leaf))
        .map(|other| summary::certificate(&other.certificate, &other.der))
        .collect::<Result<Vec<_>, _>>()?;
    let (chain, pending) =
        match ca_der.map(|ca_der| chain::check(&leaf.certificate, &leaf.der, ca_der)) {
            None => (None, None),
            Some(chain::ChainStep::Done(chain)) => (Some(chain), None),
            Some(chain::ChainStep::Pending(pending)) => (None, Some(pending)),
        };
    let report = Report {
        validity: summary::validity_status(&certificate, now_unix),
        days_left: summary::days_left(&certificate, now_unix),
        key: key.public.summary(),
        certificate,
        chain,
        other_certificates,
        envelope: contents.envelope,
    };
    Ok(Opened { report, pending })
}

/// A file's keys and certificates, decrypted.
struct Contents {
    envelope: Envelope,
    keys: Vec<keys::PrivateKey>,
    certificates: Vec<keys::FileCertificate>,
}

/// Parses, checks the limits, verifies the MAC and decrypts: the PBES2 parts seen before
/// decrypting by `engine`, while the MAC is verified here, and the rest here.
async fn decrypt_with<E: Engine>(
    engine: &E,
    limits: &Limits,
    file: &[u8],
    password: &str,
) -> Result<Contents, InspectError> {
    let parsed = pfx::parse(file)?;
    let forms = match parsed.mac {
        Some(_) => pbe::Password::candidates(password),
        None => vec![pbe::Password::new(password)],
    };
    limits.check_parsed(&parsed, &forms)?;
    let jobs = pfx::pbes2_jobs(&parsed.contents);
    // Handing the password over takes a turn of a browser's event loop, which the MAC below
    // would hold up: it is done first.
    let key = match jobs.is_empty() {
        true => None,
        false => engine.password(password.as_bytes()).await,
    };
    // Made now, which starts an engine's work off this thread (WebCrypto's); a pure-Rust
    // engine's runs only when awaited, after the MAC, so a wrong password costs only the MAC.
    let runs: Vec<_> = match &key {
        Some(key) => jobs
            .iter()
            .map(|(_, job)| engine.pbes2_decrypt(key, *job))
            .collect(),
        None => Vec::new(),
    };
    let mac = match &parsed.mac {
        Some(mac_data) => Some(mac::verify(mac_data, &parsed.auth_safe, &forms)?.clone()),
        None => None,
    };
    let decryptions = futures::future::join_all(runs).await;
    let ahead = pbe::Ahead::new(
        jobs.into_iter()
            .zip(decryptions)
            .map(|((scheme, job), decryption)| (scheme, job.ciphertext, decryption)),
    );
    let (password, mac_verified) = match mac {
        Some(verified) => (verified, true),
        None => (pbe::Password::new(password), false),
    };
    let decrypter = pbe::Decrypter {
        password,
        mac_verified,
        ahead,
    };
    let bags = pfx::decrypt_contents(&parsed.contents, &decrypter)?;
    // Decrypting may have shown keys and certificates that probe could not count.
    limits.check_bags(&parsed, &bags, &forms)?;
    Ok(Contents {
        keys: keys::read_keys(&bags, &decrypter)?,
        certificates: keys::read_certificates(&bags.certificates)?,
        envelope: parsed.envelope,
    })
}

/// A file's private key and the certificate it belongs to, for proving possession of the key
/// (the renewal page signs the portal's challenge with it, through WebCrypto).
pub struct Unlocked {
    /// The private key, PKCS#8 DER; wiped when dropped.
    pub pkcs8: Zeroizing<Vec<u8>>,
    /// The key's certificate, DER.
    pub certificate_der: Vec<u8>,
    pub certificate: CertificateSummary,
    pub key: KeySummary,
}

impl std::fmt::Debug for Unlocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unlocked")
            .field("certificate", &self.certificate)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Opens `file` with `password` and hands out its private key and that key's certificate,
/// with the refusals of [`open`].
pub fn unlock(file: &[u8], password: &str) -> Result<Unlocked, InspectError> {
    let mut contents = ready_now(decrypt_with(&RustCrypto, &Limits::DEFAULT, file, password))?;
    let (key, leaf) = keys::find_leaf(&contents.keys, &contents.certificates)?;
    let certificate = summary::certificate(&leaf.certificate, &leaf.der)?;
    let key_summary = key.public.summary();
    let certificate_der = leaf.der.clone();
    let index = contents
        .keys
        .iter()
        .position(|k| std::ptr::eq(k, key))
        .unwrap_or_default();
    let pkcs8 = std::mem::take(&mut contents.keys[index].pkcs8);
    Ok(Unlocked {
        pkcs8,
        certificate_der,
        certificate,
        key: key_summary,
    })
}

fn malformed(message: impl Into<String>) -> InspectError {
    InspectError::new(ErrorCode::Malformed, message)
}

fn unsupported(message: impl Into<String>) -> InspectError {
    InspectError::new(ErrorCode::UnsupportedAlgorithm, message)
}

fn wrong_password() -> InspectError {
    InspectError::new(
        ErrorCode::WrongPassword,
        "the password does not open this file",
    )
}
