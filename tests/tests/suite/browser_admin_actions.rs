//! The staff app's other actions in headless Chromium: a new link and code, cancelling an
//! uncollected order, the order list a page at a time, and an admin's changes to other
//! staff accounts.
//!
//! Assertion messages never hold a password, a TOTP secret or code, or a collect code.

use certportal_shared::model::{RevocationReason, Role};
use certportal_tests::browser::Browser;
use certportal_tests::browser::admin::{admin_url, choose_own_password};
use certportal_tests::staff::StaffClient;
use certportal_tests::*;

/// The rows of the order list on screen.
const ROWS: &str =
    "return document.querySelectorAll('[data-test=\"orders-table\"] tbody tr').length";

#[tokio::test(flavor = "multi_thread")]
async fn staff_send_a_new_link_and_cancel_an_uncollected_order() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Support).await;
    let password = choose_own_password(&app, &alice).await;
    let collect = app.order_with_link().await;
    let order_id = collect.order.order_id.clone();
    let browser = Browser::start().await;
    browser
        .open_sign_in(&app, &format!("/orders/{order_id}"))
        .await;
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.wait_for_heading("e-banking · Acme AS").await;
    assert_eq!(
        browser.order_actions().await,
        [
            "action-resend",
            "action-renew",
            "action-cancel",
            "action-revoke"
        ]
    );

    browser.click("action-resend").await;
    browser
        .wait_for_text("the outcome", "[data-test=\"order-outcome\"]", |t| {
            t.contains("A new link is on its way to kari@example.no")
        })
        .await;
    app.wait_for_sms(&order_id, "otp", 2).await;
    let opened = app.open(&collect.token).await;
    assert_ne!(opened.status(), 200, "the old link stops working");
    browser
        .wait_for_text("the timeline", "[data-test=\"order-timeline\"]", |t| {
            t.contains("New link and code sent by staff")
        })
        .await;

    // Cancelling asks first; keeping the order leaves it be.
    browser.click("action-cancel").await;
    browser
        .find(".confirm button:not([data-test])")
        .await
        .click()
        .await
        .unwrap();
    assert!(!browser.exists("[data-test=\"cancel-confirm\"]").await);
    browser.click("action-cancel").await;
    browser.click("cancel-confirm").await;
    browser
        .wait_for_text("the state", "[data-test=\"order-state\"]", |t| {
            t == "Cancelled"
        })
        .await;
    browser
        .wait_for_text("the outcome", "[data-test=\"order-outcome\"]", |t| {
            t.contains("cancelled and its certificate revoked")
        })
        .await;
    let certificate = app
        .state()
        .store
        .certificate(collect.order.serial())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        certificate.revocation_reason,
        Some(RevocationReason::CessationOfOperation)
    );
    assert_eq!(browser.order_actions().await, ["action-renew"]);
    assert!(
        browser
            .text("[data-test=\"revocation\"]")
            .await
            .contains("No longer used")
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_order_list_goes_a_page_at_a_time() {
    let app = spawn_app().await;
    for n in 0..26 {
        app.create_order(certportal_shared::model::OrderDraft {
            client: format!("client-{n:02}"),
            key: Some("p256".into()),
            ..sample_order()
        })
        .await;
        // Newest first needs times that differ.
        app.clock.advance(time::Duration::seconds(1));
    }
    let alice = app.add_staff("alice", Role::Support).await;
    let password = choose_own_password(&app, &alice).await;
    let browser = Browser::start().await;
    browser.open_sign_in(&app, "/orders").await;
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser
        .wait_for_script("a full page", &format!("{ROWS} === 25"))
        .await;
    assert!(browser.text(".paging").await.contains("Orders 1–25 of 26"));
    assert!(!browser.exists("[data-test=\"orders-newer\"]").await);
    browser.click("orders-older").await;
    browser
        .wait_for_script("the last order", &format!("{ROWS} === 1"))
        .await;
    assert!(browser.text(".paging").await.contains("Orders 26–26 of 26"));
    assert!(
        browser
            .current_url()
            .await
            .contains("/admin/orders?page=2&before="),
        "the next page starts where the first ended"
    );
    assert!(
        browser
            .text("[data-test=\"orders-table\"]")
            .await
            .contains("client-00"),
        "oldest last"
    );
    // From any page, the newest orders are one click away.
    assert!(browser.exists("[data-test=\"orders-newer\"]").await);
    browser.client.back().await.unwrap();
    browser
        .wait_for_script("the first page again", &format!("{ROWS} === 25"))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_give_new_credentials_and_disable_and_enable_accounts() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    let password = choose_own_password(&app, &alice).await;
    let bob = app.add_staff("bob", Role::Support).await;
    let browser = Browser::start().await;
    browser.open_sign_in(&app, "/staff").await;
    browser.sign_in_with_password(&app, &alice, &password).await;
    let row = |user: &str, hook: &str| format!("[data-user=\"{user}\"] [data-test=\"{hook}\"]");
    browser.find(&row("bob", "staff-disable")).await;
    assert!(
        !browser.exists(&row("alice", "staff-disable")).await,
        "admins cannot disable themselves"
    );

    // A new authenticator: a QR code and URI, no password.
    browser
        .find(&row("bob", "staff-reset-totp"))
        .await
        .click()
        .await
        .unwrap();
    browser.click("staff-confirm").await;
    browser.hook("enrolment-qr").await;
    assert!(!browser.exists("[data-test=\"enrolment-password\"]").await);
    let uri = browser.text("[data-test=\"enrolment-uri\"]").await;
    assert!(
        bob.totp.get_secret_base32() != totp_rs::TOTP::from_url(&uri).unwrap().get_secret_base32(),
        "a new secret"
    );
    browser.click("enrolment-done").await;

    // A new password, shown once; with the new authenticator it signs bob in.
    browser
        .find(&row("bob", "staff-reset-password"))
        .await
        .click()
        .await
        .unwrap();
    browser.click("staff-confirm").await;
    let new_password = browser.text("[data-test=\"enrolment-password\"]").await;
    assert!(!browser.exists("[data-test=\"enrolment-qr\"]").await);
    let bob = StaffClient::new(&app, "bob", &new_password, &uri);
    bob.login(&app).await;

    // Disabled, bob cannot sign in; enabled, he can again.
    browser
        .find(&row("bob", "staff-disable"))
        .await
        .click()
        .await
        .unwrap();
    browser.click("staff-confirm").await;
    browser
        .wait_for_text("bob disabled", "[data-user=\"bob\"]", |t| {
            t.contains("Disabled")
        })
        .await;
    app.clock.advance(time::Duration::seconds(30));
    let refused = bob.login_with(&bob.password, &bob.code(&app)).await;
    assert_eq!(refused.status(), 401);
    browser
        .find(&row("bob", "staff-enable"))
        .await
        .click()
        .await
        .unwrap();
    browser.click("staff-confirm").await;
    browser
        .wait_for_text("bob enabled", "[data-user=\"bob\"]", |t| {
            !t.contains("Disabled")
        })
        .await;
    app.clock.advance(time::Duration::seconds(30));
    bob.login(&app).await;

    browser.goto(&admin_url(&app, "/audit")).await;
    browser
        .wait_for_text("the audit log", "[data-test=\"audit-table\"]", |t| {
            [
                "Reset an authenticator",
                "Reset a password",
                "Disabled an account",
                "Enabled an account",
            ]
            .iter()
            .all(|action| t.contains(action))
        })
        .await;
    browser.close().await;
}
