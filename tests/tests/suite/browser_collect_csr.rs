//! The collect page for a `csr` order in headless Chromium: the contact runs the openssl
//! commands the page shows, on their own machine, pastes the request, and gets the
//! certificate for their own key; a bad request is refused in words and can be corrected.

use certportal_shared::model::OrderDraft;
use certportal_tests::browser::Browser;
use certportal_tests::*;

/// The text of the first code block on the page that holds `needle`, once there is one.
async fn code_block_with(browser: &Browser, needle: &str) -> String {
    let script = format!(
        "return [...document.querySelectorAll('pre, code')].map(e => e.textContent)\
         .find(t => t.includes({needle:?})) || ''"
    );
    let text = browser.wait_for_script("the command block", &script).await;
    text.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_contact_runs_the_pages_openssl_lines_and_gets_a_certificate_for_their_own_key() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let order = app
        .create_order(OrderDraft {
            custody: Some("csr".into()),
            ..sample_order()
        })
        .await;
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;

    browser.arrive(&app, &token).await;
    browser.acknowledge().await;
    browser.enter_code(&code).await;
    browser.hook("csr-input").await;
    browser.assert_accessible("csr request step").await;
    browser.screenshot("collect-csr-1-request").await;

    // What the page tells the contact to run, run as they would, in a directory of theirs.
    let commands = code_block_with(&browser, "openssl req -new -newkey rsa:2048").await;
    assert!(
        commands.contains("/O=Acme AS/OU=Payments API/CN=e-banking"),
        "{commands}"
    );
    let dir = tempfile::tempdir().unwrap();
    let ran = std::process::Command::new("sh")
        .args(["-c", &commands])
        .current_dir(dir.path())
        .output()
        .expect("sh");
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let csr_file = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|e| e == "csr"))
        .expect("the commands made a .csr file");
    let key_file = csr_file.with_extension("key");
    assert!(key_file.exists(), "and the key beside it");
    let request = std::fs::read_to_string(&csr_file).unwrap();

    // A wrong paste first: refused in words, the form stays.
    browser.type_into("csr-input", "not a request").await;
    browser.click("csr-submit").await;
    browser
        .wait_for_text("the refusal", "#csr-error", |text| text.len() > 20)
        .await;
    browser.hook("csr-input").await.clear().await.unwrap();
    browser.type_into("csr-input", &request).await;
    browser.click("csr-submit").await;

    let pem = browser
        .wait_for_text(
            "the certificate",
            "[data-test=\"certificate-pem\"]",
            |text| text.contains("-----BEGIN CERTIFICATE-----"),
        )
        .await;
    let stored = app.stored_order(&order.order_id).await;
    assert_eq!(stored.state.as_str(), "collected");
    let custody = browser.text("[data-test=\"key-custody\"]").await;
    assert!(!custody.is_empty());
    browser.assert_accessible("csr install step").await;
    browser.screenshot("collect-csr-2-certificate").await;

    browser.click("certificate-download").await;
    let (name, saved) = browser.downloaded_file().await;
    assert!(name.ends_with(".crt"), "{name}");
    let saved = String::from_utf8(saved).unwrap();
    assert_eq!(
        saved.trim(),
        pem.trim(),
        "the saved file is the certificate shown"
    );
    let cert = tools::write(dir.path(), "saved.crt", saved.as_bytes());
    let key = key_file.display().to_string();
    assert_eq!(
        tools::run_ok("openssl", &["x509", "-in", &cert, "-noout", "-pubkey"]),
        tools::run_ok("openssl", &["pkey", "-in", &key, "-pubout"]),
        "the certificate is for the key the contact made"
    );
    let ca = tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let verified = tools::run_ok("openssl", &["verify", "-CAfile", &ca, &cert]);
    assert!(verified.contains(": OK"), "{verified}");
    browser.close().await;
}
