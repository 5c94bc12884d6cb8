//! The collect page for a `browser` order in headless Chromium: the page makes the key with
//! WebCrypto, has the portal sign its request, builds the PKCS#12 file itself and shows its
//! password once. The saved file must open in openssl 3, keytool and python-cryptography with
//! that password; neither the key nor the password may be in any request the page made, and
//! the data dir must never have held the key.

use certportal_shared::routes;
use certportal_tests::browser::Browser;
use certportal_tests::browser::collect::{SUMMARY, carried, fingerprint};
use certportal_tests::scan::{files_under, holders};
use certportal_tests::*;
use serde_json::Value;
use time::Duration;

/// Opens a PKCS#12 file with python-cryptography and prints its certificate's subject, its
/// key's type and the count of CA certificates, one per line.
const PYTHON_OPEN: &str = "
import sys
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
key, cert, cas = pkcs12.load_key_and_certificates(open(sys.argv[1], 'rb').read(), sys.argv[2].encode())
print(cert.subject.rfc4514_string())
print('rsa' if isinstance(key, rsa.RSAPrivateKey) else 'ec' if isinstance(key, ec.EllipticCurvePrivateKey) else 'other')
print(len(cas))
";

/// The private half alone of the key in `key_file` (RSA's private exponent, EC's scalar), as
/// `openssl pkey -text` prints it: the file's public half is rightly in the certificate.
fn private_part(key_file: &str) -> Vec<u8> {
    let text = tools::run_ok("openssl", &["pkey", "-in", key_file, "-noout", "-text"]);
    let mut lines = text
        .lines()
        .skip_while(|line| !matches!(line.trim(), "priv:" | "privateExponent:"))
        .skip(1);
    let mut hex_digits = String::new();
    for line in lines.by_ref() {
        let line = line.trim();
        if line.is_empty() || !line.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            break;
        }
        hex_digits.extend(line.chars().filter(char::is_ascii_hexdigit));
    }
    hex::decode(hex_digits).expect("hex")
}

/// A `browser` order with this key and profile, taken through the page to a checked file.
async fn the_page_builds_a_file_the_tools_open(key: &str, profile: &str, shot: Option<&str>) {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let Collect { order, token, code } = app.browser_order(key, profile).await;

    browser.arrive(&app, &token).await;
    let warnings = browser.text("[data-test=\"warnings\"]").await;
    assert!(warnings.contains("shown once"), "{warnings}");
    browser.acknowledge().await;
    browser.enter_code(&code).await;
    browser.hook("build-start").await;
    if let Some(shot) = shot {
        browser.assert_accessible("build step").await;
        browser.screenshot(&format!("{shot}-1-build")).await;
    }
    browser.click("build-start").await;

    let (name, file) = browser.downloaded_file().await;
    let password = browser
        .wait_for_text("the password", "[data-test=\"made-password\"]", |text| {
            text.len() >= 20
        })
        .await;
    let stored = app.stored_order(&order.order_id).await;
    let serial = stored.serial.clone().expect("signed");
    assert_eq!(name, format!("e-banking-{serial}.p12"));
    assert_eq!(stored.state.as_str(), "collected");
    assert_eq!(stored.bundle_sha256, None, "the portal never had a file");
    // The page's password has the portal's form: 20 characters in groups of five.
    assert_eq!(password.len(), 23, "{}", password.len());
    assert_eq!(password.split('-').count(), 4);

    // The page checked its own file, with its own password, and shows what the native
    // inspector reads from it.
    let expected = fingerprint(&file, &password, &app);
    let summary = browser
        .wait_for_text("the summary", SUMMARY, |text| text.contains(&expected))
        .await;
    assert!(
        summary.contains("The password opens the file."),
        "{summary}"
    );
    assert!(
        summary.contains("The private key belongs to the certificate."),
        "{summary}"
    );
    // The CA's signature, verified by WebCrypto in the page.
    assert!(
        summary.contains("issued by the portal's CA (CN=Web Service SSL CA (2048))"),
        "{summary}"
    );
    if let Some(shot) = shot {
        browser.assert_accessible("built and checked").await;
        browser.screenshot(&format!("{shot}-2-checked")).await;
    }

    // The customer's tools open the file with the password the page showed.
    let dir = tempfile::tempdir().unwrap();
    let path = tools::write(dir.path(), &name, &file);
    let pass = format!("pass:{password}");
    let info = tools::run(
        "openssl",
        &["pkcs12", "-in", &path, "-info", "-noout", "-passin", &pass],
    );
    let info_text = String::from_utf8_lossy(&info.stderr).into_owned();
    assert!(
        info.status.success(),
        "openssl 3 without -legacy: {info_text}"
    );
    let expected_scheme = if profile == "modern" {
        "AES-256-CBC"
    } else {
        "pbeWithSHA1And3-KeyTripleDES-CBC"
    };
    assert!(info_text.contains(expected_scheme), "{info_text}");
    let key_pem = tools::run_ok(
        "openssl",
        &[
            "pkcs12", "-in", &path, "-nocerts", "-nodes", "-passin", &pass,
        ],
    );
    let key_file = tools::write(dir.path(), "key.pem", key_pem.as_bytes());
    let cert_file = tools::write(
        dir.path(),
        "cert.pem",
        tools::run_ok(
            "openssl",
            &[
                "pkcs12", "-in", &path, "-clcerts", "-nokeys", "-passin", &pass,
            ],
        )
        .as_bytes(),
    );
    assert_eq!(
        tools::run_ok("openssl", &["pkey", "-in", &key_file, "-pubout"]),
        tools::run_ok("openssl", &["x509", "-in", &cert_file, "-noout", "-pubkey"]),
        "the file's key is the certificate's"
    );
    let subject = tools::run_ok(
        "openssl",
        &["x509", "-in", &cert_file, "-noout", "-subject"],
    );
    assert!(
        subject.contains("O = Acme AS, OU = Payments API, CN = e-banking"),
        "{subject}"
    );
    let ca = tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let verified = tools::run_ok("openssl", &["verify", "-CAfile", &ca, &cert_file]);
    assert!(verified.contains(": OK"), "{verified}");
    let listed = tools::keytool_list(&path, &password);
    assert!(listed.contains("PrivateKeyEntry"), "{listed}");
    assert!(listed.contains("Alias name: e-banking"), "{listed}");
    let opened = tools::run_ok("/usr/bin/python3", &["-c", PYTHON_OPEN, &path, &password]);
    let lines: Vec<&str> = opened.lines().collect();
    assert_eq!(
        lines,
        [
            "CN=e-banking,OU=Payments API,O=Acme AS",
            if key == "p256" { "ec" } else { "rsa" },
            "1",
        ],
        "{opened}"
    );

    // Neither the key nor the password was in any request; the request itself was (the
    // watch sees bodies).
    let requests = browser.requests().await;
    assert!(
        requests.iter().any(|r| {
            r["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/api/collect/csr"))
                && carried(r).contains("{\"csr\":\"MI")
        }),
        "the network log shows the page's request"
    );
    let key_lines: Vec<&str> = key_pem
        .lines()
        .filter(|line| !line.starts_with("-----") && line.len() >= 40)
        .collect();
    assert!(!key_lines.is_empty(), "{key_pem}");
    // The private half itself, in the forms a page could send it: hex, base64, base64url.
    let private = private_part(&key_file);
    let private_forms = {
        use base64::Engine as _;
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let mut forms = vec![hex::encode(&private), hex::encode_upper(&private)];
        forms.extend(engines.iter().map(|engine| {
            let text = engine.encode(&private);
            text[..text.len() - 4].to_owned()
        }));
        forms
    };
    for (n, request) in requests.iter().enumerate() {
        let seen = carried(request);
        assert!(
            !seen.contains(&password) && !seen.contains(&password.replace('-', "")),
            "request #{n} carried the password"
        );
        for line in &key_lines {
            assert!(!seen.contains(line), "request #{n} carried the private key");
        }
        for form in &private_forms {
            assert!(!seen.contains(form), "request #{n} carried the private key");
        }
    }

    // The portal never held the key: no file in the data dir has it, and no password SMS
    // went out, only the notice of the certificate.
    assert!(private.len() >= 32, "{}", private.len());
    assert!(holders(&files_under(app.data_dir()), &private).is_empty());
    app.wait_for_issued_notice(&order.order_id, &serial).await;
    assert!(
        !app.sms.sent().iter().any(|m| m.body.contains(&password)),
        "the page's password is in no message"
    );
    let staff = app.signed_in_admin().await;
    let detail: Value = staff
        .get_json(&routes::admin_order(&order.order_id, None))
        .await;
    assert_eq!(detail["order"]["custody"], "browser");
    assert!(
        detail["timeline"]
            .to_string()
            .contains("never held by the portal"),
        "{}",
        detail["timeline"]
    );
    assert_eq!(
        browser.console_errors().await,
        Vec::<String>::new(),
        "no script errors or CSP violations"
    );
    assert_eq!(browser.download_names().len(), 1);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rsa_key_made_in_the_page_ends_in_a_modern_file_the_tools_open() {
    the_page_builds_a_file_the_tools_open("rsa2048", "modern", Some("collect-browser")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_p256_key_made_in_the_page_ends_in_a_compatible_file_the_tools_open() {
    the_page_builds_a_file_the_tools_open("p256", "compatible", None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_that_ended_sends_the_contact_back_to_the_code_and_a_new_key_is_made_after() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let Collect { order, token, code } = app.browser_order("p256", "modern").await;
    browser.arrive(&app, &token).await;
    browser.acknowledge().await;
    browser.enter_code(&code).await;
    browser.hook("build-start").await;
    // The contact leaves the page open past the session's 15 minutes, then makes the key.
    app.clock.advance(Duration::minutes(16));
    browser.click("build-start").await;
    browser
        .wait_for_alert("code-error", |t| t.contains("Your session has ended"))
        .await;
    assert_eq!(
        app.stored_order(&order.order_id).await.serial,
        None,
        "the request of the ended session was not signed"
    );
    browser.ask_for_new_code().await;
    let fresh = app.wait_for_code(&order.order_id, 2).await;
    browser.enter_code(&fresh).await;
    browser.click("build-start").await;
    let (_, file) = browser.downloaded_file().await;
    let password = browser
        .wait_for_text("the password", "[data-test=\"made-password\"]", |text| {
            text.len() >= 20
        })
        .await;
    browser
        .wait_for_text("the summary", SUMMARY, |text| {
            text.contains(&fingerprint(&file, &password, &app))
        })
        .await;
    let stored = app.stored_order(&order.order_id).await;
    assert_eq!(stored.state.as_str(), "collected");
    assert!(stored.serial.is_some());
    browser.close().await;
}
