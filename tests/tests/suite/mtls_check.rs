//! The mTLS check: curl with a collected file gets a "valid"; without one, or with a file
//! from another CA, the handshake fails; once revoked or expired, the certificate is refused.

use certportal_tests::*;
use serde_json::Value;
use time::Duration;

fn curl(url: &str, server_ca: &str, client: Option<(&str, &str)>) -> (bool, Value) {
    let mut args = vec![
        "-sS".to_owned(),
        "--cacert".to_owned(),
        server_ca.to_owned(),
    ];
    if let Some((file, password)) = client {
        args.extend([
            "--cert-type".into(),
            "P12".into(),
            "--cert".into(),
            format!("{file}:{password}"),
        ]);
    }
    args.push(url.to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = tools::run("curl", &args);
    let body = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.success(), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mtls_check_tells_a_good_certificate_from_a_revoked_expired_or_foreign_one() {
    let tls = tempfile::tempdir().unwrap();
    let (server_ca, cert, key) = tools::server_certificate(tls.path());
    let app = TestApp::builder().mtls_check(cert, key).spawn().await;
    let url = app.mtls_url().expect("the check listens");
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let p12 = tools::write(tls.path(), "client.p12", &file);

    let (ok, body) = curl(&url, &server_ca, Some((&p12, &password)));
    assert!(ok);
    assert_eq!(body["status"], "valid");
    assert_eq!(body["serial"], collect.order.serial());
    assert_eq!(body["subject"], "CN=e-banking,OU=Payments API,O=Acme AS");
    assert!(
        (728..=730).contains(&body["days_left"].as_i64().unwrap()),
        "{body}"
    );

    let (ok, _) = curl(&url, &server_ca, None);
    assert!(!ok, "no client certificate, no handshake");

    let at = |name: &str| tls.path().join(name).to_string_lossy().into_owned();
    tools::self_signed_ca(tls.path(), "foreign", "Foreign");
    tools::run_ok(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &at("foreign.key"),
            "-in",
            &at("foreign.pem"),
            "-passout",
            "pass:foreign",
            "-out",
            &at("foreign.p12"),
        ],
    );
    let (ok, _) = curl(&url, &server_ca, Some((&at("foreign.p12"), "foreign")));
    assert!(
        !ok,
        "a certificate from another CA is refused in the handshake"
    );

    app.clock.advance(Duration::days(731));
    let (_, body) = curl(&url, &server_ca, Some((&p12, &password)));
    assert_eq!(body["code"], "CERTIFICATE_EXPIRED");
    app.clock.advance(Duration::days(-731));

    certportal::flow::revoke::revoke(
        app.state(),
        &certportal_shared::model::Serial::parse(collect.order.serial()).unwrap(),
        certportal_shared::model::RevocationReason::KeyCompromise,
        &certportal::flow::Actor::cli(),
    )
    .await
    .unwrap();
    let (_, body) = curl(&url, &server_ca, Some((&p12, &password)));
    assert_eq!(body["code"], "CERTIFICATE_REVOKED", "{body}");
}
