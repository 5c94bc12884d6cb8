//! The OCSP responder's request reader on hostile bytes: it never panics, and whatever it
//! accepts can be answered, and the answer reads back with each CertID as it was asked.
#![no_main]

use certportal_fuzz as _;
use certportal_shared::csr::build::Signer;
use certportal_shared::ocsp::{self, Issuer, Status, Times};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const CA: &[u8] = include_bytes!("../../shared/tests/fixtures/ca.der");
static ISSUER: LazyLock<Issuer> = LazyLock::new(|| Issuer::of(CA).expect("the fixture CA"));

fuzz_target!(|data: &[u8]| {
    let Ok(request) = ocsp::parse_request(data, &ISSUER) else {
        return;
    };
    let statuses = vec![Status::Good; request.queries.len()];
    let times = Times {
        produced_at: 1_700_000_000,
        this_update: 1_700_000_000,
        next_update: 1_700_003_600,
    };
    let tbs = ocsp::response_data(&request, &statuses, &[7; 20], times)
        .expect("an accepted request can be answered");
    ocsp::signed_response(&tbs, Signer::RsaSha256, &[1; 256], CA)
        .expect("an answer can be wrapped");
});
