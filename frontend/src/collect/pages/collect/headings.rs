//! The ids of the flow's headings, in one place: a step that is done moves focus to the next
//! step's heading (so that screen readers announce it), and the flow moves it back to the code
//! step when the session ends, so each of them names a heading another file renders.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_headings_share_an_id() {
        let ids = [WARNINGS, CODE, DOWNLOAD, CHECK, INSTALL, SUMMARY];
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(id), "{id}");
        }
    }
}
