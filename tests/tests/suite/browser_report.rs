//! The report page in headless Chromium: from the receipt e-mail's link, the contact asks for
//! a code, withdraws the certificate as lost, reads what happens next and asks for a new one;
//! the CRL lists it, support is told, and the page passes axe-core at each step.
//!
//! Assertion messages never hold the token or the code.

use certportal_shared::routes;
use certportal_tests::browser::Browser;
use certportal_tests::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_contact_withdraws_a_lost_certificate_from_the_receipt_link_and_asks_for_a_new_one() {
    let app = TestApp::builder()
        .config(|config| config.support.email = "support@vendor.example".into())
        .spawn()
        .await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let order_id = collect.order.order_id.as_str();
    let serial = collect.order.serial();
    let receipt = app.wait_for_email(order_id, "receipt", 1).await;
    let token = report_token(&receipt[0].body);

    let browser = Browser::start().await;
    browser
        .goto(&format!("{}{}#{token}", app.url, routes::REPORT_PAGE))
        .await;
    let about = browser
        .wait_for_text(
            "the certificate",
            "[data-test=\"report-certificate\"]",
            |t| t.contains("e-banking"),
        )
        .await;
    assert!(
        about.contains(serial) && about.contains("Acme AS"),
        "{about}"
    );
    assert!(
        !browser.current_url().await.contains(&token),
        "the token leaves the address bar at once"
    );
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.screenshot("report-1-arrival").await;

    browser.click("report-send-code").await;
    browser
        .wait_for_text("the code notice", "[data-test=\"report-code-sent\"]", |t| {
            t.contains("+47•••••567")
        })
        .await;
    let sms = app.wait_for_sms(order_id, "report_code", 1).await;
    let code = code_in(&sms[0].body, 8);
    browser
        .type_into("report-code-input", &wrong_code(&code))
        .await;
    browser.click("report-reason-lost").await;
    browser.click("report-submit").await;
    browser
        .wait_for_text("the wrong code", "[role=\"alert\"]", |t| !t.is_empty())
        .await;
    browser.type_into("report-code-input", &code).await;
    browser.screenshot("report-2-code").await;
    browser.click("report-submit").await;
    let done = browser
        .wait_for_text("the withdrawal", "[data-test=\"report-done\"]", |t| {
            t.contains("The certificate is withdrawn")
        })
        .await;
    assert!(done.contains("refuse connections"), "{done}");
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.screenshot("report-3-withdrawn").await;
    let cert = app.stored_certificate(serial).await;
    assert_eq!(
        cert.revocation_reason.map(|r| r.as_str()),
        Some("keyCompromise")
    );

    browser.click("report-renewal").await;
    browser
        .wait_for_text("the request", "[data-test=\"report-renewal-done\"]", |t| {
            t.contains("support")
        })
        .await;
    let notices = app.wait_for_email(order_id, "support_notice", 2).await;
    assert!(notices.iter().all(|n| n.to == "support@vendor.example"));
    let alice = app.signed_in_admin().await;
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    assert_eq!(dashboard["renewal_requests"][0]["order_id"], order_id);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reminders_link_asks_for_a_new_certificate_while_the_old_one_still_works() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let order_id = collect.order.order_id.as_str();
    let not_after = app.stored_order(order_id).await.not_after.unwrap();
    let to_stage = not_after - 60 * 86_400 + 3_600 - app.now_unix();
    app.clock.advance(time::Duration::seconds(to_stage));
    let reminder = app.wait_for_email(order_id, "expiry_reminder", 1).await;
    let token = report_token(&reminder[0].body);

    let browser = Browser::start().await;
    browser
        .goto(&format!("{}{}#{token}", app.url, routes::REPORT_PAGE))
        .await;
    browser
        .wait_for_text(
            "the certificate",
            "[data-test=\"report-certificate\"]",
            |t| t.contains("e-banking"),
        )
        .await;
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.click("report-renewal").await;
    browser
        .wait_for_text("the request", "[data-test=\"report-renewal-done\"]", |t| {
            t.contains("support")
        })
        .await;
    let order = app.stored_order(order_id).await;
    assert!(
        order.renewal_requested_at.is_some(),
        "the request is on file"
    );
    let cert = app.stored_certificate(collect.order.serial()).await;
    assert_eq!(
        cert.revoked_at, None,
        "asking for a new one withdraws nothing"
    );
    browser.close().await;
}
