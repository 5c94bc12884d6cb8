//! Staff authentication primitives: password hashes (argon2id) and TOTP codes.

mod hashing;
mod password;
mod totp;

pub use hashing::{HashingPool, HashingStopped};
pub use password::{hash_password, verify_password};
pub use totp::{TOTP_STEP_SECONDS, Totp};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the TOTP secret is not usable: {0}")]
    Totp(String),
    #[error(transparent)]
    Random(#[from] crate::pki::secret::RandomError),
}
