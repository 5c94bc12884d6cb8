//! Delivery: an HTTP SMS gateway that fails for a while, a restart with messages queued, and a
//! real SMTP server.

use certportal::config::{EmailProvider, SmtpSecurity};
use certportal_tests::gateway::Gateway;
use certportal_tests::*;
use serde_json::Value;
use time::Duration;

async fn app_with_gateway(gateway: &Gateway) -> TestApp {
    let url = gateway.start().await;
    TestApp::builder().sms_gateway(url).spawn().await
}

/// Moves the clock on until `done`, so that retries come due.
async fn advance_until(app: &TestApp, mut done: impl FnMut() -> bool) {
    let reached = wait_until(|| {
        app.clock.advance(Duration::seconds(30));
        done().then_some(())
    })
    .await;
    assert!(reached.is_some(), "never reached");
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_survive_a_gateway_outage_and_arrive_once() {
    let gateway = Gateway::default();
    gateway.fail_first(3);
    let app = app_with_gateway(&gateway).await;
    let order = app.create_order(sample_order()).await;
    let token = app.wait_for_link(&order.order_id).await;

    advance_until(&app, || gateway.texts().len() == 1).await;
    assert!(gateway.calls() >= 4, "the gateway was retried");
    let accepted = gateway.accepted()[0].clone();
    assert_eq!(
        accepted.authorization.as_deref(),
        Some("Bearer gateway-key")
    );
    assert_eq!(accepted.recipient(), "+4791234567");
    assert!(
        accepted.idempotency_key.is_some(),
        "each message carries its stable id"
    );
    let code = code_in(accepted.text(), 8);

    let session = app.session(&token, &code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    gateway.fail_first(2);
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200
    );
    advance_until(&app, || gateway.texts().len() == 2).await;
    app.wait_for_queue_drained(&order.order_id).await;
    let bodies = gateway.texts();
    assert_eq!(
        bodies.len(),
        2,
        "each SMS arrived once (bodies not printed: they carry the code and password)"
    );
    assert!(
        bodies[1]
            .lines()
            .any(|line| line == password_in(&bodies[1]))
    );
    let statuses = app
        .state()
        .store
        .messages_for_order(&order.order_id)
        .await
        .unwrap();
    assert!(
        statuses
            .iter()
            .filter(|m| m.channel == certportal_shared::model::Channel::Sms)
            .all(|m| m.sent_at.is_some() && m.last_error.is_none())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_queued_before_a_restart_goes_out_once_after_it() {
    let gateway = Gateway::default();
    let mut app = app_with_gateway(&gateway).await;
    let order = app.create_order(sample_order()).await;
    let token = app.wait_for_link(&order.order_id).await;
    advance_until(&app, || gateway.texts().len() == 1).await;
    let code = code_in(&gateway.texts()[0], 8);

    gateway.set_down(true);
    let session = app.session(&token, &code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200
    );
    let failed_once = wait_until(|| (gateway.calls() >= 2).then_some(())).await;
    assert!(
        failed_once.is_some(),
        "the password SMS was tried while the gateway was down"
    );

    app.restart().await;
    gateway.set_down(false);
    advance_until(&app, || gateway.texts().len() == 2).await;
    app.wait_for_queue_drained(&order.order_id).await;
    assert_eq!(gateway.texts().len(), 2, "the password went once");
    assert!(!password_in(&gateway.texts()[1]).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn e_mail_goes_through_a_real_smtp_server_with_starttls_and_auth() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = tools::server_certificate(dir.path());
    let port = tools::free_port();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("support/smtp_server.py");
    let mut server = tokio::process::Command::new("/usr/bin/python3")
        .arg(&script)
        .args([
            &port.to_string(),
            cert.as_str(),
            key.as_str(),
            "portal",
            "smtp-secret",
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 with aiosmtpd (apt install python3-aiosmtpd)");
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ready"));

    let app = TestApp::builder()
        .configured_mail()
        .config(move |config| {
            config.email.provider = EmailProvider::Smtp;
            config.email.from = "Certificates <certificates@vendor.example>".into();
            config.email.smtp.host = "127.0.0.1".into();
            config.email.smtp.port = port;
            config.email.smtp.security = SmtpSecurity::Starttls;
            config.email.smtp.username = "portal".into();
            config.email.smtp.password = "smtp-secret".into();
            config.email.smtp.tls_ca_file = ca.into();
        })
        .spawn()
        .await;
    let order = app.create_order(sample_order()).await;
    let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
        .await
        .expect("a message in time")
        .unwrap()
        .unwrap();
    let message: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(message["tls"], true);
    assert_eq!(message["from"], "certificates@vendor.example");
    assert_eq!(message["to"][0], "kari@example.no");
    let data = message["data"].as_str().unwrap();
    assert!(
        data.contains("Subject: Your client certificate for Payments API is ready"),
        "the subject of the link e-mail"
    );
    let unfolded = data.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&format!("{}/collect#", app.config.base_url)),
        "the link (not printed: it carries the token)"
    );
    app.wait_for_queue_drained(&order.order_id).await;
    server.kill().await.ok();
}
