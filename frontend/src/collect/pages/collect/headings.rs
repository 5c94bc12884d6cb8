//! The ids of the flow's headings, in one place: a step that is done moves focus to the next
//! step's heading (so that screen readers announce it), and the flow moves it back to the code
//! step when the session ends, so each of them names a heading another file renders.

use certportal_shared::model::Custody;

/// Step 1: the warnings.
pub const WARNINGS: &str = "step-warnings";
/// Step 2: the code.
pub const CODE: &str = "step-code";
/// Step 3: the download.
pub const DOWNLOAD: &str = "step-download";
/// Step 4: the check.
pub const CHECK: &str = "step-check";
/// Step 5: the install guides.
pub const INSTALL: &str = "step-install";
/// What the check found, inside step 4.
pub const SUMMARY: &str = "summary-title";
/// Step 3 when the contact makes the key: the certificate request.
pub const REQUEST: &str = "step-request";
/// Step 4 when the contact makes the key: the signed certificate.
pub const CERTIFICATE: &str = "step-certificate";
/// Step 3 when the page makes the key: the key, the certificate and the file.
pub const BUILD: &str = "step-build";
/// The password the page made, inside step 3.
pub const MADE_PASSWORD: &str = "made-password-title";

/// The step that follows the code, by who makes the key.
pub fn after_code(custody: Custody) -> &'static str {
    match custody {
        Custody::Server => DOWNLOAD,
        Custody::Browser => BUILD,
        Custody::Csr => REQUEST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_headings_share_an_id() {
        let ids = [
            WARNINGS,
            CODE,
            DOWNLOAD,
            CHECK,
            INSTALL,
            SUMMARY,
            REQUEST,
            CERTIFICATE,
            BUILD,
            MADE_PASSWORD,
        ];
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(id), "{id}");
        }
    }

    #[test]
    fn the_code_leads_to_the_download_the_build_or_the_request() {
        assert_eq!(after_code(Custody::Server), DOWNLOAD);
        assert_eq!(after_code(Custody::Browser), BUILD);
        assert_eq!(after_code(Custody::Csr), REQUEST);
    }
}
