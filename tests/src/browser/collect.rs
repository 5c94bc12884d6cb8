//! The collect page's steps as a contact takes them, for the browser tests.

use super::Browser;
use crate::TestApp;
use serde_json::Value;

/// The code field.
pub const CODE_INPUT: &str = "[data-test=\"code-input\"]";
/// The in-browser check's summary.
pub const SUMMARY: &str = "[data-test=\"bundle-summary\"]";

/// The collect link for a token.
pub fn link(app: &TestApp, token: &str) -> String {
    format!("{}/collect#{token}", app.url)
}

impl Browser {
    /// Opens the link and waits for the page to describe the order.
    pub async fn arrive(&self, app: &TestApp, token: &str) {
        self.goto(&link(app, token)).await;
        self.wait_for_text("the order's description", ".arrival", |text| {
            text.contains("Acme AS") && text.contains("e-banking")
        })
        .await;
    }

    /// Ticks the warnings' confirmation and waits for the code field.
    pub async fn acknowledge(&self) {
        self.hook("warnings").await;
        self.click("warnings-ack").await;
        self.hook("code-input").await;
    }

    /// Types a code and submits it.
    pub async fn enter_code(&self, code: &str) {
        self.type_into("code-input", code).await;
        self.click("code-submit").await;
    }

    /// Clicks download and waits for the file and for the page to say the password is coming.
    pub async fn download(&self) -> (String, Vec<u8>) {
        self.click("download").await;
        let file = self.downloaded_file().await;
        self.wait_for_text("the password notice", ".password-notice", |text| {
            !text.is_empty()
        })
        .await;
        file
    }

    /// Asks for a new code, once the page offers it.
    pub async fn ask_for_new_code(&self) {
        self.find(".resend button:not([disabled])")
            .await
            .click()
            .await
            .expect("the new-code button");
    }

    /// Types a password into the check and submits it.
    pub async fn check(&self, password: &str) {
        self.type_into("password-input", password).await;
        self.click("password-submit").await;
    }

    /// Waits for the summary to show `fingerprint`.
    pub async fn wait_for_summary(&self, fingerprint: &str) -> String {
        self.wait_for_text("the summary", SUMMARY, |text| text.contains(fingerprint))
            .await
    }

    /// The text of the page's alert with `id` once `check` accepts it.
    pub async fn wait_for_alert(&self, id: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_for_text("the message", &format!("#{id}"), check)
            .await
    }
}

/// The fingerprint the native inspector reads from the file.
pub fn fingerprint(file: &[u8], password: &str, app: &TestApp) -> String {
    certportal_shared::bundle::open(file, password, None, app.now_unix())
        .expect("the native inspector opens the file")
        .certificate
        .fingerprint_sha256
        .to_hex()
}

/// Everything a request carried: URL, headers and body (text, or base64 entries).
pub fn carried(request: &Value) -> String {
    use base64::Engine as _;
    let mut text = format!(
        "{} {} {}",
        request["url"], request["headers"], request["postData"]
    );
    for entry in request["postDataEntries"].as_array().into_iter().flatten() {
        if let Some(bytes) = entry["bytes"]
            .as_str()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}
