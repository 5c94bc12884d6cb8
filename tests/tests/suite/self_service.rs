//! The contact's own withdrawal: the receipt e-mail says when and from where the certificate
//! was collected and holds a report link; with a code sent to the order's mobile the contact
//! withdraws it (the CRL lists it at once, support is told, the audit trail has address and
//! browser) and can ask support for a new one, which waits on the dashboard until staff renew.

use certportal_shared::routes;
use certportal_tests::*;
use serde_json::{Value, json};
use time::Duration;

const SUPPORT: &str = "support@vendor.example";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

async fn with_support() -> TestApp {
    TestApp::builder()
        .config(|config| config.support.email = SUPPORT.into())
        .spawn()
        .await
}

/// Collects the sample order and returns it with the report link's token.
async fn collected(app: &TestApp) -> (Collect, String) {
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let receipt = app
        .wait_for_email(&collect.order.order_id, "receipt", 1)
        .await;
    (collect, report_token(&receipt[0].body))
}

async fn report(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.url))
        .header("user-agent", FIREFOX)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Asks for a code and returns the `n`th report code SMS of the order.
async fn report_code(app: &TestApp, order_id: &str, token: &str, n: usize) -> String {
    let sent = report(app, routes::REPORT_CODE, json!({"token": token})).await;
    assert_eq!(sent.status(), 200, "{:?}", sent.text().await);
    let sms = app.wait_for_sms(order_id, "report_code", n).await;
    code_in(&sms[n - 1].body, 8)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_contact_withdraws_with_a_code_and_asks_support_for_a_new_certificate() {
    let app = with_support().await;
    let (collect, token) = collected(&app).await;
    let order_id = collect.order.order_id.as_str();
    let serial = collect.order.serial();
    let receipt = &app.wait_for_email(order_id, "receipt", 1).await[0];
    assert_eq!(receipt.to, "kari@example.no");
    assert!(
        receipt.body.contains("from 127.0.0.1") && receipt.body.contains(serial),
        "{}",
        shown(&receipt.body)
    );
    assert!(
        receipt
            .body
            .lines()
            .any(|line| line == format!("{}/report#{token}", app.url)),
        "the link, alone on its line: {}",
        shown(&receipt.body)
    );

    let opened: Value = report(&app, routes::REPORT_OPEN, json!({"token": token}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(opened["serial"], serial);
    assert!(opened.get("revoked_at").is_none(), "{opened}");
    assert_eq!(opened["codes_left"], 6);

    let code = report_code(&app, order_id, &token, 1).await;
    let revoke = |code: String, reason: &str| {
        report(
            &app,
            routes::REPORT_REVOKE,
            json!({"token": token, "code": code, "reason": reason}),
        )
    };
    refused(
        revoke(code.clone(), "superseded").await,
        400,
        "INVALID_INPUT",
    )
    .await;
    refused(
        revoke("12".into(), "keyCompromise").await,
        400,
        "INVALID_INPUT",
    )
    .await;
    let wrong = refused(
        revoke(wrong_code(&code), "keyCompromise").await,
        400,
        "WRONG_CODE",
    )
    .await;
    assert_eq!(wrong["attempts_left"], 4);
    let renewal_first = report(&app, routes::REPORT_RENEWAL, json!({"token": token})).await;
    refused(renewal_first, 409, "INVALID_STATE").await;

    let revoked: Value = revoke(code.clone(), "keyCompromise")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["revocation_reason"], "keyCompromise", "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    refused(revoke(code, "keyCompromise").await, 409, "ALREADY_REVOKED").await;

    let dir = tempfile::tempdir().unwrap();
    let crl = app.get(routes::CRL).await.bytes().await.unwrap();
    let crl = tools::crl_text(dir.path(), &crl);
    assert!(crl.contains(&serial.to_uppercase()), "listed at once");
    assert!(crl.contains("KEY COMPROMISE"), "{crl}");

    let notices = app.wait_for_email(order_id, "support_notice", 1).await;
    assert_eq!(notices[0].to, SUPPORT);
    assert!(
        notices[0].body.contains(serial) && notices[0].body.contains("keyCompromise"),
        "{}",
        notices[0].body
    );
    let alice = app.signed_in_admin().await;
    let detail = alice.get_json(&routes::admin_order(order_id, None)).await;
    let withdrawal = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "self_service.revoked")
        .cloned()
        .expect("the withdrawal is on the timeline");
    assert_eq!(withdrawal["actor"], "contact");
    assert_eq!(withdrawal["ip"], "127.0.0.1");
    assert_eq!(withdrawal["user_agent"], FIREFOX);
    assert_eq!(detail["order"]["state"], "revoked");

    // One click for a new certificate: it waits on the dashboard until staff renew.
    for _ in 0..2 {
        let asked: Value = report(&app, routes::REPORT_RENEWAL, json!({"token": token}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(asked["renewal_requested"], true, "{asked}");
    }
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    let requests = dashboard["renewal_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{dashboard}");
    assert_eq!(requests[0]["order_id"], order_id);
    let notices = app.wait_for_email(order_id, "support_notice", 2).await;
    assert!(
        notices[1]
            .subject
            .as_deref()
            .unwrap()
            .contains("New certificate")
    );

    let mut body = serde_json::to_value(sample_order()).unwrap();
    body["renews"] = json!(serial);
    alice.post_json(routes::ADMIN_ORDERS, &body).await;
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    assert_eq!(
        dashboard["renewal_requests"],
        json!([]),
        "handled by the renewal"
    );
    assert_eq!(
        app.wait_for_email(order_id, "support_notice", 2)
            .await
            .len(),
        2,
        "asking twice told support once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_at_a_report_code_get_five_tries_and_codes_keep_their_cooldown_and_cap() {
    let app = spawn_app().await;
    let (collect, token) = collected(&app).await;
    let order_id = collect.order.order_id.as_str();
    refused(
        report(&app, routes::REPORT_OPEN, json!({"token": "nope"})).await,
        404,
        "UNKNOWN_LINK",
    )
    .await;
    let no_code = report(
        &app,
        routes::REPORT_REVOKE,
        json!({"token": token, "code": "12345678", "reason": "keyCompromise"}),
    )
    .await;
    assert_eq!(
        refusal(no_code).await.1,
        "CODE_EXPIRED",
        "no code asked for yet"
    );

    // Ten parallel asks for the first code: one is sent.
    let asks = futures::future::join_all(
        (0..10).map(|_| report(&app, routes::REPORT_CODE, json!({"token": token}))),
    )
    .await;
    let sent = asks.iter().filter(|r| r.status() == 200).count();
    assert_eq!(sent, 1, "one code within the cooldown");
    let code = code_in(
        &app.wait_for_sms(order_id, "report_code", 1).await[0].body,
        8,
    );

    let wrong = wrong_code(&code);
    let guesses = futures::future::join_all((0..40).map(|_| {
        report(
            &app,
            routes::REPORT_REVOKE,
            json!({"token": token, "code": wrong, "reason": "keyCompromise"}),
        )
    }))
    .await;
    let mut codes = Vec::new();
    for guess in guesses {
        codes.push(refusal(guess).await.1);
    }
    assert_eq!(codes.iter().filter(|c| *c == "WRONG_CODE").count(), 5);
    assert!(
        codes
            .iter()
            .all(|c| c == "WRONG_CODE" || c == "CODE_LOCKED"),
        "{codes:?}"
    );
    let locked = report(
        &app,
        routes::REPORT_REVOKE,
        json!({"token": token, "code": code, "reason": "keyCompromise"}),
    )
    .await;
    assert_eq!(
        refusal(locked).await.1,
        "CODE_LOCKED",
        "even the right code, once locked"
    );

    // New codes, each after the cooldown, up to the cap.
    for n in 2..=6 {
        let early = report(&app, routes::REPORT_CODE, json!({"token": token})).await;
        assert_eq!(refusal(early).await.1, "RESEND_COOLDOWN");
        app.clock.advance(Duration::seconds(61));
        report_code(&app, order_id, &token, n).await;
    }
    app.clock.advance(Duration::seconds(61));
    let over = report(&app, routes::REPORT_CODE, json!({"token": token})).await;
    assert_eq!(refusal(over).await.1, "RESEND_LIMIT");
    let last = code_in(
        &app.wait_for_sms(order_id, "report_code", 6).await[5].body,
        8,
    );
    let done = report(
        &app,
        routes::REPORT_REVOKE,
        json!({"token": token, "code": last, "reason": "cessationOfOperation"}),
    )
    .await;
    assert_eq!(done.status(), 200, "the last code still works");
    let _ = collect;
}
