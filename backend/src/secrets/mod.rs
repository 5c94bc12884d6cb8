//! Every secret the portal makes or keeps, in one place: the random tokens, codes and
//! passwords ([`random`]), sealing at rest under the key-encryption key with one
//! [`SealContext`] per kind of sealed value ([`seal`]), staff password hashes and the threads
//! that compute them, and TOTP codes. What uses them (sign-in, the collect flow) lives in
//! `flow/`; this module holds no policy.

mod hashing;
mod password;
pub mod random;
pub mod seal;
mod totp;

pub use hashing::{HashingPool, HashingRefused, HashingStopped};
pub use password::{hash_password, verify_password};
pub use random::RandomError;
pub use seal::{Kek, SealContext, SealError};
pub use totp::{TOTP_STEP_SECONDS, Totp};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the TOTP secret is not usable: {0}")]
    Totp(String),
    #[error(transparent)]
    Random(#[from] RandomError),
}
