//! The cryptography [`super::open_with`] hands to an engine: the PBES2 decryptions of the
//! file's parts and the CA's signature on its certificate, the two costs that have native
//! code in a browser. Everything else (parsing, the MAC with its PKCS#12 KDF, the PKCS#12
//! PBEs with 3DES and RC2, the key checks) stays in Rust, for every engine.
//!
//! [`RustCrypto`] is the pure-Rust engine that [`super::open`] uses natively and in wasm;
//! `webcrypto::WebCrypto` (feature `webcrypto`) is the browser's, for the collect page. The
//! wasm tests hold both to the same files.

use super::PendingSignature;
use super::cipher::Cipher;
use super::kdf::{self, Hash};
use std::future::{Future, ready};
use zeroize::Zeroizing;

/// One PBES2 decryption (RFC 8018 6.2): a key from PBKDF2 with HMAC over `prf`, then CBC
/// decryption with PKCS#7 padding.
#[derive(Clone, Copy, Debug)]
pub struct Pbes2Job<'a> {
    pub prf: Hash,
    pub cipher: Cipher,
    pub salt: &'a [u8],
    /// At least 1 and at most [`super::MAX_ITERATIONS`], and within [`super::MAX_WORK`].
    pub iterations: u32,
    pub iv: &'a [u8],
    pub ciphertext: &'a [u8],
}

/// What an engine made of a [`Pbes2Job`].
pub enum Decryption {
    /// The plaintext, padding removed.
    Plain(Zeroizing<Vec<u8>>),
    /// The job ran and the data did not decrypt: a wrong password or damaged data.
    Fails,
    /// The engine cannot run this job (a PRF or cipher it lacks, or no cryptography at all):
    /// the inspector runs it in Rust.
    Unable,
}

/// The cryptography of [`super::open_with`].
///
/// The futures need not be `Send`: a browser's are not, and the inspector awaits them on the
/// task that called it.
pub trait Engine {
    /// The password, as the engine keeps it for [`Engine::pbes2_decrypt`].
    type Password;

    /// Takes the password's UTF-8 bytes (PBES2 uses them as they are) for the jobs; `None`
    /// when the engine cannot, and then the jobs run in Rust.
    fn password(&self, utf8: &[u8]) -> impl Future<Output = Option<Self::Password>>;

    /// Runs one job. The inspector makes the future of every job it can see, then verifies
    /// the MAC in Rust, then awaits the jobs (none, if the MAC refuses the password). So an
    /// engine that works off the calling thread (WebCrypto) starts the work when the future is
    /// made, and one that works on it (Rust) when it is polled.
    fn pbes2_decrypt(
        &self,
        password: &Self::Password,
        job: Pbes2Job<'_>,
    ) -> impl Future<Output = Decryption>;

    /// Whether the CA's key verifies the signature; `None` when the engine cannot tell, and
    /// then the report says the chain was not checked.
    fn verify(&self, pending: &PendingSignature) -> impl Future<Output = Option<bool>>;
}

/// The pure-Rust engine (RustCrypto's crates): its work runs on the calling thread when a
/// future is first polled, which is then ready.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl Engine for RustCrypto {
    type Password = Zeroizing<Vec<u8>>;

    fn password(&self, utf8: &[u8]) -> impl Future<Output = Option<Self::Password>> {
        ready(Some(Zeroizing::new(utf8.to_vec())))
    }

    async fn pbes2_decrypt(&self, password: &Self::Password, job: Pbes2Job<'_>) -> Decryption {
        match decrypt_here(password, job) {
            Some(plain) => Decryption::Plain(plain),
            None => Decryption::Fails,
        }
    }

    fn verify(&self, pending: &PendingSignature) -> impl Future<Output = Option<bool>> {
        ready(Some(pending.verify()))
    }
}

/// A PBES2 job in Rust: what [`RustCrypto`] runs, and the inspector when an engine is unable.
/// `None` when the data does not decrypt.
pub(crate) fn decrypt_here(password: &[u8], job: Pbes2Job<'_>) -> Option<Zeroizing<Vec<u8>>> {
    let key = kdf::pbkdf2(
        job.prf,
        password,
        job.salt,
        job.iterations,
        job.cipher.key_len(),
    )
    .ok()?;
    job.cipher.decrypt(&key, job.iv, job.ciphertext)
}
