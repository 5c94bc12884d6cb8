//! The PKCS#12 writer in a real browser, as the collect page runs it: the file it writes opens
//! in the inspector. Run as `tests/wasm.rs` says.
#![cfg(target_arch = "wasm32")]

use certportal_shared::bundle::{self, Pkcs12Input};
use certportal_shared::model::Profile;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

const CLIENT: &[u8] = include_bytes!("fixtures/client.der");
const CLIENT_KEY: &[u8] = include_bytes!("fixtures/client-key.der");
const CA: &[u8] = include_bytes!("fixtures/ca.der");
/// Inside the client certificate's validity.
const NOW: i64 = 1_800_000_000;

#[wasm_bindgen_test]
fn both_profiles_written_in_the_browser_open_in_the_inspector() {
    for profile in [Profile::Modern, Profile::Compatible] {
        let input = Pkcs12Input {
            certificate: CLIENT.to_vec(),
            chain: vec![CA.to_vec()],
            private_key: Zeroizing::new(CLIENT_KEY.to_vec()),
            friendly_name: "e-banking".into(),
            password: Zeroizing::new("pw-1".into()),
            profile,
            iterations: 2048,
        };
        // The page passes crypto.getRandomValues; any bytes do for this test.
        let mut next = 0u8;
        let file = bundle::encode(&input, &mut |bytes| {
            for byte in bytes {
                next = next.wrapping_add(101);
                *byte = next;
            }
        });
        let Ok(file) = file else {
            panic!("{profile:?}: {file:?}");
        };
        let report = bundle::open(&file, "pw-1", Some(CA), NOW);
        let Ok(report) = report else {
            panic!("{profile:?}: {report:?}");
        };
        assert!(
            report.chain.is_some_and(|chain| chain.trusted),
            "{profile:?}"
        );
    }
}
