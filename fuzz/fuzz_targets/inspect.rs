//! The whole inspector on hostile bytes with a password, as the browser and `certportal
//! inspect` run it, with the real limits: with libFuzzer's `-timeout=1` this is the check that
//! no file keeps it busy for a second.
//!
//! The first byte picks the password and the CA, so that the seed files open and the fuzzer
//! can still try any password: bit 0 passes a CA certificate; bit 1 clear, the fixtures'
//! password, with bit 2 picking the EC CA over the RSA one; bit 1 set, the next `byte >> 2`
//! bytes (lossy UTF-8) are the password and the RSA CA is the one. The rest is the file.
#![no_main]

use certportal_fuzz as _;
use certportal_shared::bundle;
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

const PASSWORD: &str = "Test-Only-Pass-2345";
const CA: &[u8] = include_bytes!("../../shared/tests/fixtures/ca.der");
const EC_CA: &[u8] = include_bytes!("../../shared/tests/fixtures/ec-ca.der");
/// Within the fixtures' certificates' lives.
const NOW: i64 = 1_790_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (password, file, ca) = if selector & 2 == 0 {
        let ca = if selector & 4 == 0 { CA } else { EC_CA };
        (Cow::Borrowed(PASSWORD), rest, ca)
    } else {
        let (password, file) = rest.split_at(usize::from(selector >> 2).min(rest.len()));
        (String::from_utf8_lossy(password), file, CA)
    };
    let ca = (selector & 1 == 1).then_some(ca);
    match bundle::open(file, &password, ca, NOW) {
        Ok(report) => {
            // What opens, probe accepts, and both see the same envelope.
            assert_eq!(bundle::probe(file).as_ref(), Ok(&report.envelope));
            assert!(serde_json::to_vec(&report).is_ok());
        }
        Err(error) => {
            // Refusals never repeat the password. Checked with the fixtures' password only: a
            // password the fuzzer chooses it can also copy from the message.
            if selector & 2 == 0 {
                assert!(!error.message().contains(PASSWORD), "password in a message");
            }
            assert!(serde_json::to_vec(&error).is_ok());
        }
    }
});
