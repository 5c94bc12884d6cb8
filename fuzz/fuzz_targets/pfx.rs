//! The PFX parser on hostile bytes, alone and as `probe` runs it (the parser, then the limits).
#![no_main]

use certportal_fuzz as _;
use certportal_shared::bundle::{self, fuzzing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = fuzzing::parse_pfx(data);
    let probed = bundle::probe(data);
    match (parsed, probed) {
        (Err(parse_error), probed) => {
            // probe adds limits to the parser; it cannot accept what the parser refused.
            assert_eq!(
                probed.err().map(|error| error.code()),
                Some(parse_error.code())
            );
        }
        (Ok(()), Ok(envelope)) => {
            // What `certportal inspect --json` prints.
            assert!(serde_json::to_vec(&envelope).is_ok());
        }
        (Ok(()), Err(_)) => {}
    }
});
