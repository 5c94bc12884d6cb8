//! The JSON bodies of the collect API on hostile bytes: what the server reads (each request,
//! with the digest parsing its `sha256` goes through) and what the browser app reads back
//! (each response and the error body), plus the two response headers the app parses. Whatever
//! parses must survive a round trip unchanged.
#![no_main]

use certportal_fuzz as _;
use certportal_shared::ApiError;
use certportal_shared::api::collect::{
    OpenResponse, ReceiptRequest, ReceiptResponse, ResendResponse, TokenRequest, VerifyRequest,
    VerifyResponse, attachment_filename, repr_digest_sha256,
};
use certportal_shared::model::Sha256Digest;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// Parses `data` as a `T`; what parses serialises and parses back to itself.
fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let json = serde_json::to_vec(&value).expect("serialises");
    let again: T = serde_json::from_slice(&json).expect("reads its own JSON");
    assert_eq!(again, value);
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    round_trip::<TokenRequest>(data);
    round_trip::<VerifyRequest>(data);
    if let Some(receipt) = round_trip::<ReceiptRequest>(data) {
        // The receipt's digest, as the server compares it, in both forms it accepts.
        let digest = receipt.sha256;
        assert_eq!(Sha256Digest::parse(&digest.to_hex()), Ok(digest));
        assert_eq!(Sha256Digest::parse(&digest.to_base64()), Ok(digest));
    }
    round_trip::<OpenResponse>(data);
    round_trip::<VerifyResponse>(data);
    round_trip::<ResendResponse>(data);
    round_trip::<ReceiptResponse>(data);
    round_trip::<ApiError>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(digest) = repr_digest_sha256(text) {
            assert_eq!(Sha256Digest::parse(&digest.to_base64()), Ok(digest));
        }
        if let Some(name) = attachment_filename(text) {
            let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
            assert!(name.chars().all(safe) && !name.starts_with('.'), "{name:?}");
        }
        let _ = Sha256Digest::parse(text);
    }
});
