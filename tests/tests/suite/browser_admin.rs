//! The staff app in headless Chromium: a staff member signs in with a TOTP code the test
//! computes, issues an order, the contact collects it on the collect pages, and staff follow
//! it, revoke it and renew it; wrong codes, support staff and ended sessions.
//!
//! Assertion messages never hold a password, a TOTP code, a token or a collect code.

use certportal::flow::Actor;
use certportal_shared::model::{RevocationReason, Role};
use certportal_tests::browser::Browser;
use certportal_tests::browser::Options;
use certportal_tests::browser::admin::{admin_url, choose_own_password};
use certportal_tests::*;
use time::Duration;

/// A password alice chooses for herself.
const NEW_PASSWORD: &str = "staple battery horse correct";

#[tokio::test(flavor = "multi_thread")]
async fn staff_issue_an_order_see_it_collected_then_revoke_and_renew_it() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    let browser = Browser::start().await;

    // Signing in with the first password leads to the account page, to choose one's own.
    browser.open_sign_in(&app, "").await;
    browser.sign_in(&app, &alice).await;
    browser.find("[data-test=\"first-password-notice\"]").await;
    assert!(browser.current_url().await.ends_with("/admin/account"));
    browser.type_into("password-current", &alice.password).await;
    browser.type_into("password-new", NEW_PASSWORD).await;
    browser.type_into("password-repeat", NEW_PASSWORD).await;
    browser.click("password-change").await;
    browser
        .wait_for_text("the change", "[data-test=\"password-changed\"]", |t| {
            t.contains("changed")
        })
        .await;
    assert!(
        !browser
            .exists("[data-test=\"first-password-notice\"]")
            .await
    );

    // The new order: a field error while typing, fixed, then issued.
    browser.navigate("nav-new-order", "New order").await;
    for (hook, value) in [
        ("order-org", "Acme AS"),
        ("order-service", "Payments API"),
        ("order-client", "e-banking"),
        ("order-contact-name", "Kari Nordmann"),
        ("order-email", "kari@example.no"),
        ("order-mobile", "912 34 567"),
    ] {
        browser.type_into(hook, value).await;
    }
    browser.click("order-email").await;
    let error = browser
        .wait_for_text("the mobile's error", "#order-mobile-error", |t| {
            !t.is_empty()
        })
        .await;
    assert!(error.contains("country code"), "{error}");
    let mobile = browser.hook("order-mobile").await;
    assert_eq!(
        mobile.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    browser.screenshot("admin-3-new-order-error").await;
    browser.type_into("order-mobile", "+47 912 34 567").await;
    browser
        .wait_for_script(
            "the error to go as the number is fixed",
            "return document.querySelector('#order-mobile-error').textContent === ''",
        )
        .await;
    browser.choose("order-locale", "en").await;
    browser.click("order-submit").await;
    let order_id = browser.order_id_in_url().await;
    browser.wait_for_heading("e-banking · Acme AS").await;
    let order = app.state().store.order(&order_id).await.unwrap().unwrap();
    assert_eq!(order.created_by, "staff:alice");
    assert_eq!(order.spec.mobile.as_str(), "+4791234567");
    let old_serial = order.serial.clone().expect("issued");

    // The contact collects it on the collect pages, in the same browser, a few minutes on
    // (so that the timeline's times differ).
    let token = app.wait_for_link(&order_id).await;
    let code = app.wait_for_code(&order_id, 1).await;
    app.clock.advance(Duration::minutes(4));
    browser.arrive(&app, &token).await;
    browser.acknowledge().await;
    app.clock.advance(Duration::minutes(1));
    browser.enter_code(&code).await;
    browser.download().await;
    app.wait_for_password(&order_id).await;
    app.wait_for_queue_drained(&order_id).await;

    // Staff see it collected, with everything that happened.
    browser
        .goto(&admin_url(&app, &format!("/orders/{order_id}")))
        .await;
    browser
        .wait_for_text("the state", "[data-test=\"order-state\"]", |t| {
            t == "Collected"
        })
        .await;
    let timeline = browser.text("[data-test=\"order-timeline\"]").await;
    for words in [
        "Order created and certificate issued",
        "alice (staff)",
        "Link e-mail sent",
        "Code SMS sent",
        "Link opened",
        "Code accepted",
        "File downloaded",
        "Download confirmed",
        "Password SMS sent",
        "the contact · from 127.0.0.1",
    ] {
        assert!(timeline.contains(words), "the timeline lacks {words:?}");
    }
    let certificate = browser.text("[data-test=\"certificate\"]").await;
    assert!(certificate.contains(old_serial.trim_start_matches('0')));
    assert!(certificate.contains("CN=e-banking"), "{certificate}");
    assert!(certificate.contains("Not revoked"));
    let messages = browser.text("[data-test=\"order-messages\"]").await;
    assert!(messages.contains("Password SMS") && messages.contains("Sent"));
    assert_eq!(
        browser.order_actions().await,
        ["action-renew", "action-revoke"]
    );
    browser.screenshot("admin-4-order-detail").await;

    // Revoke, with a reason, after a confirm step that insists on the reason.
    browser.click("action-revoke").await;
    browser.click("revoke-confirm").await;
    browser
        .wait_for_text("the missing reason", "#revoke-reason-error", |t| {
            t.contains("Choose why")
        })
        .await;
    assert!(
        app.state()
            .store
            .certificate(&old_serial)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );
    browser.choose("revoke-reason", "keyCompromise").await;
    browser.click("revoke-confirm").await;
    browser
        .wait_for_text("the revocation", "[data-test=\"revocation\"]", |t| {
            t.contains("Key compromised")
        })
        .await;
    browser
        .wait_for_text("the state", "[data-test=\"order-state\"]", |t| {
            t == "Revoked"
        })
        .await;
    let revoked = app
        .state()
        .store
        .certificate(&old_serial)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        revoked.revocation_reason,
        Some(RevocationReason::KeyCompromise)
    );
    assert_eq!(browser.order_actions().await, ["action-renew"]);
    assert!(
        browser
            .text("[data-test=\"order-timeline\"]")
            .await
            .contains("Certificate revoked")
    );

    // Renew: the old order's fields, and superseding on by default.
    browser.click("action-renew").await;
    browser.wait_for_heading("Renew a certificate").await;
    assert!(
        browser
            .text("[data-test=\"renewal\"]")
            .await
            .contains(old_serial.trim_start_matches('0'))
    );
    for (hook, value) in [
        ("order-org", "Acme AS"),
        ("order-client", "e-banking"),
        ("order-email", "kari@example.no"),
        ("order-mobile", "+4791234567"),
        ("order-locale", "en"),
    ] {
        assert_eq!(browser.value(hook).await, value, "{hook}");
    }
    let supersede = browser.hook("order-supersede").await;
    assert!(
        supersede.is_selected().await.unwrap(),
        "superseding is the default"
    );
    browser.click("order-submit").await;
    browser
        .wait_for_script(
            "the renewal's own page",
            &format!(
                "return /\\/admin\\/orders\\/[^/]+$/.test(location.pathname) \
                 && !location.pathname.endsWith('{order_id}')"
            ),
        )
        .await;
    let renewal_id = browser.order_id_in_url().await;
    let renewal = app.state().store.order(&renewal_id).await.unwrap().unwrap();
    assert_eq!(renewal.renews_serial.as_deref(), Some(old_serial.as_str()));
    assert!(renewal.supersede_on_collect);
    assert_ne!(renewal.serial.as_deref(), Some(old_serial.as_str()));
    browser
        .wait_for_text("the renewal's facts", "[data-test=\"order-facts\"]", |t| {
            t.contains("Renews") && t.contains(old_serial.trim_start_matches('0'))
        })
        .await;

    // The back button walks the app's own history.
    browser.client.back().await.unwrap();
    browser.wait_for_heading("Renew a certificate").await;
    browser.client.back().await.unwrap();
    browser.wait_for_heading("e-banking · Acme AS").await;
    assert!(browser.current_url().await.ends_with(&order_id));

    assert_eq!(
        browser.console_errors_but_signed_out_check().await,
        Vec::<String>::new(),
        "no script errors or CSP violations"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_code_is_refused_in_words_in_either_language_and_the_right_one_signs_in() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Support).await;
    let password = choose_own_password(&app, &alice).await;
    let browser = Browser::start_with(Options {
        languages: "nb-NO,nb,en",
        ..Options::default()
    })
    .await;
    browser.open_sign_in(&app, "/dashboard").await;
    assert_eq!(browser.text("h1").await, "Innlogging for ansatte");
    let right = alice.code(&app);
    browser
        .submit_sign_in(&alice.username, &password, &wrong_code(&right))
        .await;
    browser
        .wait_for_text("the refusal", "#login-error", |t| {
            t.contains("Brukernavnet, passordet eller koden er feil")
        })
        .await;
    assert!(!browser.exists("[data-test=\"signed-in-as\"]").await);
    assert_eq!(
        browser.value("login-totp").await,
        "",
        "a refused code is cleared"
    );
    browser.screenshot("admin-sign-in-refused-nb").await;
    browser.assert_accessible("a refused sign-in").await;

    browser
        .find("button[lang=\"en\"]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text("the refusal in English", "#login-error", |t| {
            t.contains("The user name, password or code is wrong")
        })
        .await;

    // The right code signs in where the user was going: the dashboard.
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.wait_for_heading("Dashboard").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn support_staff_see_no_staff_or_audit_pages() {
    let app = spawn_app().await;
    let bob = app.add_staff("bob", Role::Support).await;
    let password = choose_own_password(&app, &bob).await;
    let browser = Browser::start().await;
    browser.open_sign_in(&app, "").await;
    browser.sign_in_with_password(&app, &bob, &password).await;
    browser.wait_for_heading("Orders").await;
    for hook in [
        "nav-orders",
        "nav-new-order",
        "nav-dashboard",
        "nav-account",
    ] {
        browser.hook(hook).await;
    }
    for hook in ["nav-staff", "nav-audit"] {
        assert!(
            !browser.exists(&format!("[data-test=\"{hook}\"]")).await,
            "support staff see {hook}"
        );
    }
    browser.goto(&admin_url(&app, "/staff")).await;
    browser.wait_for_heading("For admins only").await;
    assert!(!browser.exists("[data-test=\"staff-table\"]").await);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ended_session_sends_staff_back_to_sign_in_and_then_where_they_were() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    let password = choose_own_password(&app, &alice).await;
    let browser = Browser::start().await;
    browser.open_sign_in(&app, "/dashboard").await;
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.wait_for_heading("Dashboard").await;

    // Disabling the account ends its session; the next call answers 401.
    certportal::flow::staff::set_disabled(app.state(), "alice", true, &Actor::cli())
        .await
        .unwrap();
    browser.navigate("nav-audit", "Staff sign-in").await;
    browser
        .wait_for_text("why", "#login-error", |t| t.contains("session has ended"))
        .await;
    assert!(!browser.exists("[data-test=\"signed-in-as\"]").await);

    certportal::flow::staff::set_disabled(app.state(), "alice", false, &Actor::cli())
        .await
        .unwrap();
    // A code works once: the next one comes with the next 30 seconds.
    app.clock.advance(Duration::seconds(30));
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.wait_for_heading("Audit log").await;
    assert!(browser.current_url().await.ends_with("/admin/audit"));

    // Signing out ends the session for real.
    browser.click("sign-out").await;
    browser.hook("login-username").await;
    browser.goto(&admin_url(&app, "/orders")).await;
    browser.hook("login-username").await;
    browser.close().await;
}
