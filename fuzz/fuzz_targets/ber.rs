//! The BER walker on hostile bytes: it never panics, stays within its limits and writes DER,
//! which a second pass must leave as it is.
#![no_main]

use certportal_fuzz as _;
use certportal_shared::bundle::fuzzing::ber_to_der;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(der) = ber_to_der(data) {
        assert_eq!(
            ber_to_der(&der).as_deref(),
            Some(der.as_slice()),
            "DER is a fixed point"
        );
    }
});
