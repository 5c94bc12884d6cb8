//! Withdrawal at a real gateway: Debian's nginx demands a client certificate from the
//! portal's CA. With `ssl_ocsp on` it asks the portal's responder (named in the certificate)
//! on each new connection, so the first connection after a revocation is refused. Reading the
//! CRL file instead, it goes on letting the certificate in until someone fetches the new CRL
//! and reloads it: the delay a CRL deployment must plan for.

use certportal_shared::routes;
use certportal_tests::nginx::Nginx;
use certportal_tests::*;
use serde_json::json;
use std::path::Path;

/// A GET through the gateway with the collected file: the HTTP status, or 0 when the TLS
/// handshake itself failed.
fn through(port: u16, server_ca: &str, p12: &str, password: &str) -> u16 {
    let output = tools::run(
        "curl",
        &[
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--cacert",
            server_ca,
            "--cert-type",
            "P12",
            "--cert",
            &format!("{p12}:{password}"),
            &format!("https://127.0.0.1:{port}/"),
        ],
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// Two gateways in one nginx: one asks the portal by OCSP, one reads `crl.pem`.
fn servers(dir: &Path, ocsp_port: u16, crl_port: u16) -> String {
    let d = dir.display();
    let tls = format!(
        "ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; \
         ssl_client_certificate {d}/ca.pem; ssl_verify_client on; ssl_verify_depth 1;"
    );
    format!(
        "server {{ listen 127.0.0.1:{ocsp_port} ssl; {tls} ssl_ocsp on; \
           location / {{ return 200 \"served\\n\"; }} }}\n\
         server {{ listen 127.0.0.1:{crl_port} ssl; {tls} ssl_crl {d}/crl.pem; \
           location / {{ return 200 \"served\\n\"; }} }}"
    )
}

async fn crl_pem(app: &TestApp, dir: &Path) {
    let der = app
        .http
        .get(format!("{}{}", app.url, routes::CRL))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let der_path = tools::write(dir, "crl.der", &der);
    let pem = dir.join("crl.pem").to_string_lossy().into_owned();
    tools::run_ok(
        "openssl",
        &[
            "crl", "-inform", "DER", "-in", &der_path, "-outform", "PEM", "-out", &pem,
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_with_ssl_ocsp_refuses_the_first_connection_after_a_withdrawal() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (server_ca, server_cert, server_key) = tools::server_certificate(dir.path());
    std::fs::rename(&server_cert, dir.path().join("server.pem")).unwrap();
    std::fs::rename(&server_key, dir.path().join("server.key")).unwrap();
    tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    crl_pem(&app, dir.path()).await;
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let p12 = tools::write(dir.path(), "client.p12", &file);
    let (ocsp_port, crl_port) = (tools::free_port(), tools::free_port());
    let nginx = Nginx::start(
        dir.path(),
        &servers(dir.path(), ocsp_port, crl_port),
        &[ocsp_port, crl_port],
    )
    .await;
    let via_ocsp = || through(ocsp_port, &server_ca, &p12, &password);
    let via_crl = || through(crl_port, &server_ca, &p12, &password);
    assert_eq!(via_ocsp(), 200, "{}", nginx.error_log());
    assert_eq!(via_crl(), 200, "{}", nginx.error_log());

    let alice = app.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_revoke(collect.order.serial()),
            &json!({"reason": "keyCompromise"}),
        )
        .await;

    assert_eq!(
        via_ocsp(),
        400,
        "the next connection is refused: {}",
        nginx.error_log()
    );
    assert!(
        nginx.error_log().contains("revoked"),
        "{}",
        nginx.error_log()
    );
    assert_eq!(
        via_crl(),
        200,
        "a gateway reading a CRL file learns nothing until the file is fetched and reloaded"
    );

    crl_pem(&app, dir.path()).await;
    nginx.reload();
    let refused = wait_until(|| (via_crl() == 400).then_some(())).await;
    assert!(
        refused.is_some(),
        "after the reload the CRL gateway refuses: {}",
        nginx.error_log()
    );
}
