//! The collect API with its rules and numbers.

use certportal_tests::*;
use serde_json::Value;
use time::Duration;

async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_happy_path_ends_with_a_file_that_opens_with_the_sms_password() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;

    let (status, opened) = json(app.open(&collect.token).await).await;
    assert_eq!(status, 200);
    assert_eq!(opened["org"], "Acme AS");
    assert_eq!(opened["client"], "e-banking");
    assert_eq!(opened["masked_mobile"], "+47•••••567");
    assert_eq!(opened["state"], "link_sent");
    assert_eq!(opened["code_expires_in"], 30 * 60);

    let session = app.session(&collect.token, &collect.code).await;
    let response = app.bundle(&session).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/x-pkcs12");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"e-banking-"),
        "{disposition}"
    );
    assert!(
        disposition.ends_with(&format!("{}.p12\"", collect.order.serial())),
        "{disposition}"
    );
    let file = response.bytes().await.unwrap().to_vec();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &file);
    use base64::Engine as _;
    let expected = format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    );
    assert_eq!(headers["repr-digest"].to_str().unwrap(), expected);
    assert!(
        app.sms.sent().iter().all(|m| m.purpose != "password"),
        "no password before the receipt"
    );

    let (status, receipt) = json(app.receipt(&session, &sha256_hex(&file)).await).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["state"], "collected");
    let password = app.wait_for_password(&collect.order.order_id).await;

    let dir = tempfile::tempdir().unwrap();
    let path = tools::write(dir.path(), "client.p12", &file);
    let info = tools::run_ok(
        "openssl",
        &[
            "pkcs12",
            "-in",
            &path,
            "-passin",
            &format!("pass:{password}"),
            "-nokeys",
            "-clcerts",
        ],
    );
    assert!(
        info.contains("subject=O = Acme AS, OU = Payments API, CN = e-banking"),
        "{info}"
    );
    assert!(
        info.contains("issuer=CN = Web Service SSL CA (2048)"),
        "{info}"
    );
    let wrong = tools::run(
        "openssl",
        &["pkcs12", "-in", &path, "-passin", "pass:wrong", "-nokeys"],
    );
    assert!(!wrong.status.success());

    let report = certportal_shared::bundle::open(&file, &password, None, app.now_unix())
        .expect("the inspector opens it");
    assert_eq!(report.certificate.serial, collect.order.serial());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_code_counts_down_and_the_fifth_ends_the_code() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let wrong = wrong_code(&collect.code);
    for left in (0..5).rev() {
        let (status, body) = json(app.verify(&collect.token, &wrong).await).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], "WRONG_CODE");
        assert_eq!(body["attempts_left"], left);
    }
    let (status, body) = json(app.verify(&collect.token, &collect.code).await).await;
    assert_eq!(
        status, 429,
        "even the right code is refused once locked: {body}"
    );
    assert_eq!(body["code"], "CODE_LOCKED");

    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.resend(&collect.token).await.status(), 200);
    let fresh = app.wait_for_code(&collect.order.order_id, 2).await;
    assert_eq!(
        app.verify(&collect.token, &fresh).await.status(),
        200,
        "a new code unlocks"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_of_the_wrong_shape_is_refused_without_counting() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    refused(
        app.verify(&collect.token, "123").await,
        400,
        "INVALID_INPUT",
    )
    .await;
    let (_, opened) = json(app.open(&collect.token).await).await;
    assert_eq!(opened["attempts_left"], 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_expires_after_thirty_minutes() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.clock.advance(Duration::minutes(30));
    refused(
        app.verify(&collect.token, &collect.code).await,
        400,
        "CODE_EXPIRED",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_works_once() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.session(&collect.token, &collect.code).await;
    refused(
        app.verify(&collect.token, &collect.code).await,
        400,
        "CODE_EXPIRED",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_expires_after_seven_days_and_the_sweeper_wipes_its_file() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.clock.advance(Duration::days(7));
    refused(app.open(&collect.token).await, 410, "LINK_EXPIRED").await;

    let swept = certportal::flow::sweeper::sweep(app.state())
        .await
        .expect("sweep");
    assert_eq!(
        swept.expired_orders,
        std::slice::from_ref(&collect.order.order_id)
    );
    let order = app.stored_order(&collect.order.order_id).await;
    assert_eq!(order.state, certportal_shared::model::OrderState::Expired);
    assert!(!order.has_bundle);
    assert_eq!(
        app.state().store.sealed_password(&order.id).await.unwrap(),
        None
    );
    refused(
        app.verify(&collect.token, &collect.code).await,
        410,
        "LINK_EXPIRED",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn opening_the_link_never_uses_it_up() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    for _ in 0..5 {
        assert_eq!(app.open(&collect.token).await.status(), 200);
    }
    assert_eq!(
        app.verify(&collect.token, &collect.code).await.status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_code_waits_for_its_cooldown_and_stops_at_five() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let body = refused(app.resend(&collect.token).await, 429, "RESEND_COOLDOWN").await;
    assert!(body["retry_after"].as_u64().unwrap() <= 60);

    for n in 1..=5 {
        app.clock.advance(Duration::seconds(60));
        let (status, body) = json(app.resend(&collect.token).await).await;
        assert_eq!(status, 200, "resend {n}: {body}");
        assert_eq!(body["resends_left"], 5 - n);
        let code = app
            .wait_for_code(&collect.order.order_id, n as usize + 1)
            .await;
        assert_eq!(code.len(), 8);
    }
    app.clock.advance(Duration::seconds(60));
    refused(app.resend(&collect.token).await, 429, "RESEND_LIMIT").await;

    let last = app.wait_for_code(&collect.order.order_id, 6).await;
    let first_code_refused = app.verify(&collect.token, &collect.code).await;
    assert_eq!(
        first_code_refused.status(),
        400,
        "a replaced code no longer works"
    );
    assert_eq!(app.verify(&collect.token, &last).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_token_is_refused_as_unknown() {
    let app = spawn_app().await;
    for token in ["nope", "", &"x".repeat(43)] {
        let (status, body) = json(app.open(token).await).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("UNKNOWN_LINK")),
            "{token}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_used_link_is_gone() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    for response in [
        app.open(&collect.token).await,
        app.verify(&collect.token, &collect.code).await,
        app.resend(&collect.token).await,
    ] {
        refused(response, 410, "LINK_USED").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_file_needs_a_current_session() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let response = app
        .http
        .post(format!("{}/api/collect/bundle", app.url))
        .send()
        .await
        .unwrap();
    refused(response, 401, "SESSION_INVALID").await;
    let (status, _) = json(app.bundle("made-up-session").await).await;
    assert_eq!(status, 401);

    let session = app.session(&collect.token, &collect.code).await;
    app.clock.advance(Duration::minutes(15));
    let (status, body) = json(app.bundle(&session).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("SESSION_INVALID")),
        "an old session"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_file_can_be_downloaded_three_times_before_the_receipt() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    let mut files = Vec::new();
    for _ in 0..3 {
        let response = app.bundle(&session).await;
        assert_eq!(response.status(), 200);
        files.push(response.bytes().await.unwrap());
    }
    assert!(
        files.windows(2).all(|pair| pair[0] == pair[1]),
        "the same file each time"
    );
    refused(app.bundle(&session).await, 429, "DOWNLOAD_LIMIT").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_with_a_wrong_digest_changes_nothing() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    refused(
        app.receipt(&session, &sha256_hex(b"something else")).await,
        400,
        "DIGEST_MISMATCH",
    )
    .await;
    refused(
        app.receipt(&session, "not-a-digest").await,
        400,
        "MALFORMED_REQUEST",
    )
    .await;
    assert!(app.sms.sent().iter().all(|m| m.purpose != "password"));
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200,
        "the right digest still works"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_before_any_download_is_refused() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    refused(
        app.receipt(&session, &sha256_hex(b"x")).await,
        409,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_receipt_answers_the_same_and_sends_one_password() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    let digest = sha256_hex(&file);
    assert_eq!(app.receipt(&session, &digest).await.status(), 200);
    assert_eq!(app.receipt(&session, &digest).await.status(), 200);
    app.wait_for_password(&collect.order.order_id).await;
    app.wait_for_queue_drained(&collect.order.order_id).await;
    let passwords = app
        .sms
        .sent()
        .into_iter()
        .filter(|m| m.purpose == "password")
        .count();
    assert_eq!(passwords, 1);
    let (status, body) = json(app.bundle(&session).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (410, Some("LINK_USED")),
        "no file after the receipt"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_receipts_send_one_password() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    let digest = sha256_hex(&file);
    let receipts = (0..8).map(|_| app.receipt(&session, &digest));
    let statuses: Vec<u16> = futures::future::join_all(receipts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    app.wait_for_password(&collect.order.order_id).await;
    app.wait_for_queue_drained(&collect.order.order_id).await;
    let passwords = app
        .sms
        .sent()
        .into_iter()
        .filter(|m| m.purpose == "password")
        .count();
    assert_eq!(passwords, 1);
    let events = app
        .state()
        .store
        .audit_for_order(&collect.order.order_id)
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "receipt.confirmed")
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_step_leaves_an_audit_event_with_address_and_agent() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.verify(&collect.token, &wrong_code(&collect.code)).await;
    app.collect(&collect).await;
    app.wait_for_queue_drained(&collect.order.order_id).await;
    let events = app
        .state()
        .store
        .audit_for_order(&collect.order.order_id)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "order.created",
        "message.sent.collect_link",
        "message.sent.otp",
        "code.failed",
        "code.verified",
        "bundle.downloaded",
        "receipt.confirmed",
        "message.sent.password",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let verified = events.iter().find(|e| e.action == "code.verified").unwrap();
    assert_eq!(verified.actor, "contact");
    assert_eq!(verified.ip.as_deref(), Some("127.0.0.1"));
    assert!(verified.user_agent.is_some() || verified.ip.is_some());
}
