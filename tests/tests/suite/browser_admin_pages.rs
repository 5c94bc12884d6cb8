//! Every page of the staff app with real content on it: axe-core finds no serious or critical
//! problems, the README's screenshots are taken, and the pages fit a phone. Also: an
//! enrolment shown on the staff page really signs the new staff member in.
//!
//! Assertion messages never hold a password, a TOTP secret or code.

use certportal::flow::Actor;
use certportal_shared::model::{OrderDraft, RevocationReason, Role, Serial};
use certportal_tests::browser::admin::{admin_url, choose_own_password};
use certportal_tests::browser::{Browser, Options};
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use time::Duration;

/// A small phone's width in CSS pixels.
const PHONE_WIDTH: u32 = 360;

fn order(org: &str, client: &str, contact: &str, email: &str) -> OrderDraft {
    OrderDraft {
        org: org.into(),
        client: client.into(),
        contact_name: contact.into(),
        email: email.into(),
        ..sample_order()
    }
}

/// A portal with history: one certificate collected 700 days ago (so it expires soon), one
/// order cancelled, one revoked, three waiting; and an admin, alice, past her first password
/// (with a fresh TOTP window ahead). Returns alice, her password and the collected order.
async fn portal_with_history() -> (TestApp, StaffClient, String, String) {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let actor = Actor::cli();
    let cancelled = app
        .create_order(order(
            "Fjord Bank ASA",
            "bedriftsnettbank",
            "Ingrid Berg",
            "ingrid@fjordbank.example",
        ))
        .await;
    certportal::flow::admin::cancel(app.state(), &cancelled.order_id, &actor)
        .await
        .unwrap();
    let revoked = app
        .create_order(order(
            "Nordlys Energi AS",
            "min side",
            "Ola Hansen",
            "ola@nordlys.example",
        ))
        .await;
    let serial = Serial::parse(revoked.serial()).unwrap();
    certportal::flow::revoke::revoke(
        app.state(),
        &serial,
        RevocationReason::KeyCompromise,
        &actor,
    )
    .await
    .unwrap();
    app.clock.advance(Duration::days(700));
    for draft in [
        order("Acme AS", "reporting", "Kari Nordmann", "kari@example.no"),
        order(
            "Havbris Forsikring",
            "claims-api",
            "Per Olsen",
            "per@havbris.example",
        ),
        order(
            "Nordlys Energi AS",
            "min side",
            "Ola Hansen",
            "ola@nordlys.example",
        ),
    ] {
        let waiting = app.create_order(draft).await;
        // Sent, so that they are "link sent" rather than "issued" on the pages.
        app.wait_for_queue_drained(&waiting.order_id).await;
    }

    let alice = app.add_staff("alice", Role::Admin).await;
    let password = choose_own_password(&app, &alice).await;
    (app, alice, password, collect.order.order_id)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_admin_page_passes_an_axe_scan_and_is_pictured() {
    let (app, alice, password, collected) = portal_with_history().await;
    let browser = Browser::start().await;

    browser.open_sign_in(&app, "").await;
    browser.assert_accessible("sign-in").await;
    browser.screenshot("admin-1-sign-in").await;
    browser.sign_in_with_password(&app, &alice, &password).await;

    browser.wait_for_heading("Orders").await;
    browser
        .wait_for_script(
            "six orders",
            "return document.querySelectorAll('[data-test=\"orders-table\"] tbody tr').length === 6",
        )
        .await;
    let list = browser.text("[data-test=\"orders-table\"]").await;
    for state in ["Collected", "Cancelled", "Revoked"] {
        assert!(list.contains(state), "the list shows {state}");
    }
    browser.assert_accessible("the order list").await;
    browser.screenshot("admin-2-orders").await;

    // Search and filter live in the address, and the back button returns to the full list.
    browser.type_into("orders-q", "nordlys").await;
    browser.choose("orders-state", "revoked").await;
    browser.click("orders-search").await;
    browser
        .wait_for_script(
            "one revoked Nordlys order",
            "return document.querySelectorAll('[data-test=\"orders-table\"] tbody tr').length === 1",
        )
        .await;
    assert!(
        browser
            .current_url()
            .await
            .contains("q=nordlys&state=revoked")
    );
    browser.client.back().await.unwrap();
    browser
        .wait_for_script(
            "the whole list again",
            "return document.querySelectorAll('[data-test=\"orders-table\"] tbody tr').length === 6",
        )
        .await;

    browser
        .goto(&admin_url(&app, &format!("/orders/{collected}")))
        .await;
    browser.wait_for_heading("e-banking · Acme AS").await;
    browser.hook("order-timeline").await;
    browser.assert_accessible("an order").await;
    browser.click("action-revoke").await;
    browser.hook("revoke-reason").await;
    browser.assert_accessible("the revoke confirm step").await;

    browser.navigate("nav-new-order", "New order").await;
    browser.click("order-submit").await;
    browser
        .wait_for_text("the form's refusal", "#order-form-error", |t| {
            t.contains("6 field(s) need fixing")
        })
        .await;
    assert_eq!(
        browser.focused_hook().await,
        "order-org",
        "focus goes to the first field to fix"
    );
    browser
        .assert_accessible("the order form with errors")
        .await;

    browser.navigate("nav-dashboard", "Dashboard").await;
    let expiring = browser
        .wait_for_text(
            "the expiring certificates",
            "[data-test=\"expiring\"]",
            |t| t.contains("e-banking"),
        )
        .await;
    assert!(expiring.contains("within 60 days"), "{expiring}");
    for (state, count) in [
        ("collected", "1"),
        ("cancelled", "1"),
        ("revoked", "1"),
        ("link_sent", "3"),
    ] {
        let shown = browser.text(&format!(".count-{state} .count-number")).await;
        assert_eq!(shown, count, "{state}");
    }
    browser.assert_accessible("the dashboard").await;
    browser.screenshot("admin-5-dashboard").await;

    browser.navigate("nav-staff", "Staff").await;
    browser.type_into("staff-username", "Bob").await;
    browser.choose("staff-role", "support").await;
    browser.click("staff-add").await;
    browser.hook("enrolment").await;
    let decoded = browser
        .wait_for_script(
            "the QR code to be drawn",
            "const img = document.querySelector('[data-test=\"enrolment-qr\"]'); \
             return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('data:image/svg+xml;base64,')",
        )
        .await;
    assert_eq!(decoded, true);
    browser
        .assert_accessible("the staff page with an enrolment")
        .await;
    browser.screenshot("admin-6-staff-enrolment").await;

    // What the page handed out signs bob in.
    let password = browser.text("[data-test=\"enrolment-password\"]").await;
    let uri = browser.text("[data-test=\"enrolment-uri\"]").await;
    let bob = StaffClient::new(&app, "bob", &password, &uri);
    let me = bob.login(&app).await;
    assert_eq!(me["role"], "support");
    assert_eq!(me["must_change_password"], true);
    browser.click("enrolment-done").await;
    assert!(!browser.exists("[data-test=\"enrolment\"]").await);
    browser
        .wait_for_text("bob in the list", "[data-test=\"staff-table\"]", |t| {
            t.contains("bob")
        })
        .await;

    // An API token for a CRM: shown once, it works, and revoked on the page it stops.
    browser.navigate("nav-tokens", "API tokens").await;
    browser.type_into("token-name", "crm").await;
    browser.click("token-scope-orders-write").await;
    browser.type_into("token-days", "30").await;
    browser.click("token-add").await;
    let token = browser.text("[data-test=\"token-value\"]").await;
    assert!(token.starts_with("cpt_"), "a token is shown");
    browser
        .assert_accessible("the tokens page with a new token")
        .await;
    browser.screenshot("admin-7-tokens").await;
    let with_token = || {
        reqwest::Client::new()
            .get(format!(
                "{}{}",
                app.url,
                certportal_shared::routes::ADMIN_ORDERS
            ))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(with_token().await.unwrap().status(), 200);
    browser.click("token-done").await;
    assert!(!browser.exists("[data-test=\"token-created\"]").await);
    browser
        .wait_for_text(
            "the token in the list",
            "[data-test=\"tokens-table\"]",
            |t| t.contains("crm") && t.contains("orders:read, orders:write"),
        )
        .await;
    browser.click("token-revoke").await;
    browser.click("token-confirm").await;
    browser
        .wait_for_text("the revocation", "[data-test=\"token-revoked\"]", |t| {
            t.contains("revoked")
        })
        .await;
    assert_eq!(with_token().await.unwrap().status(), 401);

    // A webhook endpoint: registered on the page with its secret shown once, told of a new
    // order with that secret's signature, its delivery in the history, then disabled.
    let receiver = certportal_tests::receiver::Receiver::default();
    // The test moved the portal's clock on: the signatures' timestamps are held to it.
    receiver.use_clock(&app.clock);
    let hook_url = receiver.start().await;
    browser.navigate("nav-webhooks", "Webhooks").await;
    browser.type_into("webhook-url", &hook_url).await;
    browser.click("webhook-event-order-created").await;
    browser.click("webhook-add").await;
    let secret = browser.text("[data-test=\"webhook-secret\"]").await;
    assert!(secret.starts_with("whsec_"), "the secret is shown");
    receiver.set_secret(&secret);
    browser
        .assert_accessible("the webhooks page with a new secret")
        .await;
    browser.screenshot("admin-8-webhooks").await;
    browser.click("webhook-done").await;
    app.create_order(sample_order()).await;
    for _ in 0..100 {
        if !receiver.taken().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        receiver.taken().len(),
        1,
        "the endpoint is told of the order"
    );
    browser.click("webhook-history").await;
    browser
        .wait_for_text("the delivery", "[data-test=\"webhook-deliveries\"]", |t| {
            t.contains("order.created") && t.contains("Sent")
        })
        .await;
    browser.assert_accessible("an endpoint's deliveries").await;
    browser.click("webhook-disable").await;
    browser.click("webhook-confirm").await;
    browser
        .wait_for_text(
            "the endpoint disabled",
            "[data-test=\"webhook-disabled\"]",
            |t| t.contains("disabled"),
        )
        .await;

    browser.navigate("nav-audit", "Audit log").await;
    browser
        .wait_for_text("alice's actions", "[data-test=\"audit-table\"]", |t| {
            t.contains("Added a staff member")
                && t.contains("alice (staff)")
                && t.contains("Made an API token")
                && t.contains("Revoked an API token")
                && t.contains("Registered a webhook endpoint")
                && t.contains("Disabled a webhook endpoint")
        })
        .await;
    browser.assert_accessible("the audit log").await;

    browser.navigate("nav-account", "Your account").await;
    browser.assert_accessible("the account page").await;

    browser.goto(&admin_url(&app, "/no-such-page")).await;
    browser.wait_for_heading("Page not found").await;
    browser.assert_accessible("not found").await;

    assert_eq!(
        browser.console_errors_but_signed_out_check().await,
        Vec::<String>::new(),
        "no script errors or CSP violations"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_pages_fit_a_phone() {
    let (app, alice, password, collected) = portal_with_history().await;
    let browser = Browser::start_with(Options {
        size: (PHONE_WIDTH, 740),
        phone: true,
        ..Options::default()
    })
    .await;
    browser.open_sign_in(&app, "").await;
    assert!(!browser.overflows(PHONE_WIDTH).await, "the sign-in fits");
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.hook("orders-table").await;
    assert!(!browser.overflows(PHONE_WIDTH).await, "the order list fits");
    browser.screenshot("admin-phone-orders").await;

    browser
        .goto(&admin_url(&app, &format!("/orders/{collected}")))
        .await;
    browser.hook("order-timeline").await;
    assert!(!browser.overflows(PHONE_WIDTH).await, "an order fits");
    browser.screenshot("admin-phone-order").await;

    for (path, ready) in [
        ("/orders/new", "order-submit"),
        ("/dashboard", "state-counts"),
        ("/staff", "staff-table"),
        ("/tokens", "token-add"),
        ("/audit", "audit-table"),
        ("/account", "password-change"),
    ] {
        browser.goto(&admin_url(&app, path)).await;
        browser.hook(ready).await;
        assert!(!browser.overflows(PHONE_WIDTH).await, "{path} fits");
    }
    browser.close().await;
}
