//! The collect pages in headless Chromium: the customer's whole flow, its failures, a phone,
//! Norwegian, the keyboard alone, the network (the password never leaves the page) and
//! axe-core at every step. Screenshots of each step go to `target/screenshots/`.
//!
//! Assertion messages never hold the token, the code or the password.

use certportal_tests::browser::collect::{CODE_INPUT, SUMMARY, carried, fingerprint};
use certportal_tests::browser::{Browser, Options};
use certportal_tests::*;
use serde_json::Value;

/// A small phone's width in CSS pixels.
const PHONE_WIDTH: u32 = 360;

/// Whether the page is wider than a phone of `width` CSS pixels (it would scroll sideways, or
/// the browser would zoom out to fit it).
async fn overflows(browser: &Browser, width: u32) -> bool {
    let widths = browser
        .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
        .await;
    widths != serde_json::json!([width, width])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_flow_saves_the_servers_file_and_shows_its_fingerprint() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;

    browser.arrive(&app, &collect.token).await;
    assert!(
        !browser.current_url().await.contains(&collect.token),
        "the token must leave the address bar at once"
    );
    let arrival = browser.text(".arrival").await;
    assert!(arrival.contains("+47•••••567"), "{arrival}");
    assert!(arrival.contains("The code is valid until"), "{arrival}");
    let warnings = browser.text("[data-test=\"warnings\"]").await;
    for words in [
        "on your organisation's behalf",
        "directly on the server",
        "Never send the file by e-mail, chat",
        "Delete the SMS",
        "Erase temporary copies",
        "backups",
        "tell the vendor at once",
    ] {
        assert!(warnings.contains(words), "the warnings lack {words:?}");
    }
    assert!(
        !browser.exists(CODE_INPUT).await,
        "no code before the warnings are confirmed"
    );
    browser.screenshot("collect-1-arrival").await;

    browser.acknowledge().await;
    let input = browser.hook("code-input").await;
    assert_eq!(
        input.attr("inputmode").await.unwrap().as_deref(),
        Some("numeric")
    );
    assert_eq!(
        input.attr("autocomplete").await.unwrap().as_deref(),
        Some("one-time-code")
    );
    browser
        .wait_for_text("the countdown", "[role=\"timer\"]", |t| {
            t.contains("valid for 29:") || t.contains("valid for 30:")
        })
        .await;
    browser.type_into("code-input", &collect.code).await;
    browser.screenshot("collect-2-code").await;
    browser.click("code-submit").await;

    let (name, file) = browser.download().await;
    assert_eq!(name, format!("e-banking-{}.p12", collect.order.serial()));
    let order = app.stored_order(&collect.order.order_id).await;
    assert_eq!(
        sha256_hex(&file),
        hex::encode(order.bundle_sha256.as_deref().unwrap_or_default()),
        "the saved file is byte for byte the one the server sent"
    );
    assert_eq!(
        order.state,
        certportal_shared::model::OrderState::Collected,
        "the page sent the receipt"
    );
    let notice = browser.text(".password-notice").await;
    assert!(notice.contains("+47•••••567"), "{notice}");
    browser.screenshot("collect-3-downloaded").await;

    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.check(&password).await;
    let expected = fingerprint(&file, &password, &app);
    let summary = browser
        .wait_for_text("the summary", SUMMARY, |text| text.contains(&expected))
        .await;
    for words in [
        "The password opens the file.",
        "The private key belongs to the certificate.",
        "issued by the portal's CA (CN=Web Service SSL CA (2048))",
        "Valid now",
        "CN=e-banking",
        collect.order.serial().trim_start_matches('0'),
        "RSA 2048",
    ] {
        assert!(summary.contains(words), "the summary lacks {words:?}");
    }
    let guides = browser.text_content(".guides").await;
    for words in [
        "curl --cert-type P12",
        "keytool -importkeystore",
        "X509Certificate2",
        "Import-PfxCertificate",
        "security import",
        "proxy_ssl_certificate",
        "openssl pkcs12",
    ] {
        assert!(guides.contains(words), "the guides lack {words:?}");
    }
    assert!(
        guides.contains(&format!("--cert \"{name}:")),
        "the guides name the saved file"
    );
    assert!(browser.text(".reminder").await.contains("Delete the SMS"));
    browser.screenshot("collect-4-checked").await;

    // The theme comes from the unhashed /theme.css an operator may replace.
    let accent = browser
        .eval(
            "return [document.querySelector('link[href=\"/theme.css\"]') !== null,
                     getComputedStyle(document.documentElement).getPropertyValue('--cp-color-accent').trim()]",
        )
        .await;
    assert_eq!(accent, serde_json::json!([true, "#1f5fbf"]));
    let storage = browser
        .eval("return [localStorage.length, sessionStorage.length, document.cookie]")
        .await;
    assert_eq!(
        storage,
        serde_json::json!([0, 0, ""]),
        "nothing in storage or cookies"
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
async fn the_password_never_leaves_the_browser() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    browser.enter_code(&collect.code).await;
    let (_, file) = browser.download().await;
    let password = app.wait_for_password(&collect.order.order_id).await;
    // A wrong try first (the right one with a typo), then the right one, then "show".
    browser.check(&format!("{password}x")).await;
    browser
        .wait_for_text("the refusal", "#password-error", |t| {
            t.contains("does not open")
        })
        .await;
    browser.check(&password).await;
    browser
        .wait_for_text("the summary", SUMMARY, |t| {
            t.contains(&fingerprint(&file, &password, &app))
        })
        .await;

    let requests = browser.requests().await;
    let api_calls: Vec<&Value> = requests
        .iter()
        .filter(|r| r["url"].as_str().is_some_and(|u| u.contains("/api/")))
        .collect();
    assert!(
        api_calls.len() >= 4,
        "the log saw the open, verify, bundle and receipt calls ({} API requests)",
        api_calls.len()
    );
    // The watch can see bodies: the verify call's body holds the code.
    assert!(
        requests.iter().any(|r| {
            r["url"].as_str().is_some_and(|u| u.ends_with("/verify"))
                && carried(r).contains(&collect.code)
        }),
        "the network log shows request bodies"
    );
    let forms = [
        password.clone(),
        format!("{password}x"),
        password.replace('-', ""),
        password.to_uppercase(),
    ];
    for (n, request) in requests.iter().enumerate() {
        let seen = carried(request);
        for form in &forms {
            // Not the URL: it could be where the password went.
            assert!(
                !seen.contains(form.as_str()),
                "request #{n} ({}) carried the password",
                request["method"]
            );
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_flow_fits_a_phone_screen() {
    let app = spawn_app().await;
    let browser = Browser::start_with(Options {
        size: (PHONE_WIDTH, 740),
        phone: true,
        ..Options::default()
    })
    .await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    assert!(
        !overflows(&browser, PHONE_WIDTH).await,
        "the arrival fits the width"
    );
    browser.screenshot("phone-1-arrival").await;
    browser.acknowledge().await;
    browser.enter_code(&collect.code).await;
    let (_, file) = browser.download().await;
    assert!(
        !overflows(&browser, PHONE_WIDTH).await,
        "the download step fits the width"
    );
    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.check(&password).await;
    browser
        .wait_for_text("the summary", SUMMARY, |t| {
            t.contains(&fingerprint(&file, &password, &app))
        })
        .await;
    assert!(
        !overflows(&browser, PHONE_WIDTH).await,
        "the summary and the guides fit the width"
    );
    browser.screenshot("phone-2-checked").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_norwegian_browser_gets_norwegian_and_can_switch_to_english() {
    let app = spawn_app().await;
    let browser = Browser::start_with(Options {
        languages: "nb-NO,nb,en",
        ..Options::default()
    })
    .await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    assert_eq!(browser.text("h1").await, "Hent klientsertifikatet ditt");
    assert_eq!(
        browser.eval("return document.documentElement.lang").await,
        "nb"
    );
    let warnings = browser.text("[data-test=\"warnings\"]").await;
    assert!(
        warnings.contains("Send aldri filen på e-post"),
        "{warnings}"
    );
    browser.acknowledge().await;
    browser.enter_code(&wrong_code(&collect.code)).await;
    browser
        .wait_for_text("the refusal in Norwegian", "#code-error", |t| {
            t.contains("Koden er ikke riktig") && t.contains("Forsøk igjen: 4")
        })
        .await;
    browser.screenshot("collect-nb").await;
    browser.assert_accessible("Norwegian").await;

    browser
        .find("button[lang=\"en\"]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text("English", "h1", |t| t == "Collect your client certificate")
        .await;
    assert_eq!(
        browser.eval("return document.documentElement.lang").await,
        "en"
    );
    assert!(
        browser
            .text("#code-error")
            .await
            .contains("The code is not right"),
        "a message on screen changes language too"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_flow_can_be_done_with_the_keyboard_alone() {
    let enter = fantoccini::key::Key::Enter.to_string();
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;

    browser.tab_to("warnings-ack").await;
    browser.press(" ").await;
    browser.tab_to("code-input").await;
    browser.press(&collect.code).await;
    browser.press(&enter).await;
    // Focus moves to the download step's heading; the button is next in the tab order.
    browser.hook("download").await;
    browser.tab_to("download").await;
    browser.press(&enter).await;
    let (_, file) = browser.downloaded_file().await;
    browser
        .wait_for_text("the password notice", ".password-notice", |t| !t.is_empty())
        .await;
    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.tab_to("password-input").await;
    browser.press(&password).await;
    browser.press(&enter).await;
    browser
        .wait_for_text("the summary", SUMMARY, |t| {
            t.contains(&fingerprint(&file, &password, &app))
        })
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_step_passes_an_axe_scan() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.assert_accessible("arrival and warnings").await;
    browser.acknowledge().await;
    browser.assert_accessible("the code step").await;
    browser.enter_code(&collect.code).await;
    browser.hook("download").await;
    browser.assert_accessible("the download step").await;
    let (_, file) = browser.download().await;
    browser.assert_accessible("the check step").await;
    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.check(&password).await;
    browser
        .wait_for_text("the summary", SUMMARY, |t| {
            t.contains(&fingerprint(&file, &password, &app))
        })
        .await;
    browser
        .assert_accessible("the summary and the guides")
        .await;
    browser.close().await;
}
