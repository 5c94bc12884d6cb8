//! The contract between the certportal browser app and its server: API bodies, error codes,
//! parsed values, paths, and the PKCS#12 inspector both sides run.
//!
//! No I/O, no clock, no randomness: everything here compiles to `wasm32-unknown-unknown`. With
//! the `webcrypto` feature, `bundle::webcrypto` hands the chain check's signature to the
//! browser.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod bundle;
pub mod csr;
pub mod error;
pub mod model;
pub mod ocsp;
pub mod routes;
pub mod secret;
mod tlv;

pub use error::{ApiError, ErrorCode, FieldError};
