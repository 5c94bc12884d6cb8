//! A certificate renews itself over mutual TLS, for scripts: `POST /api/renew` on the mTLS
//! listener with the current certificate starts one renewal order, however many requests race;
//! its contact gets the link and code; once the new one is collected the old one is revoked
//! as superseded and can renew no more.

use certportal_shared::routes;
use certportal_tests::*;
use serde_json::Value;

/// POSTs to `/api/renew` `n` times at once with curl `--parallel`; the status and body of each.
/// Each transfer writes its body to a file of its own (URL globbing numbers them), so that
/// parallel answers cannot interleave.
fn renew(url: &str, server_ca: &str, p12: &str, password: &str, n: usize) -> Vec<(u16, Value)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}{}?try=[1-{n}]", url.trim_end_matches('/'), routes::RENEW);
    let cert = format!("{p12}:{password}");
    let bodies = dir.path().join("#1.json").display().to_string();
    let args = [
        "-sS",
        "--parallel",
        "--parallel-immediate",
        "--cacert",
        server_ca,
        "--cert-type",
        "P12",
        "--cert",
        &cert,
        "-X",
        "POST",
        "-o",
        &bodies,
        "-w",
        "%{http_code} %{filename_effective}\n",
        &url,
    ];
    let out = tools::run_ok("curl", &args);
    let answers: Vec<(u16, Value)> = out
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(status, file)| {
            let body = std::fs::read(file).unwrap_or_default();
            (
                status.parse().unwrap(),
                serde_json::from_slice(&body).unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(answers.len(), n, "a status per request: {out}");
    answers
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_renews_itself_once_over_mtls_and_is_superseded_when_the_new_one_is_collected()
 {
    renews_once(TestApp::builder()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_postgresql_too_parallel_renewals_of_one_certificate_start_one_order() {
    renews_once(TestApp::builder().postgres()).await;
}

async fn renews_once(builder: AppBuilder) {
    let tls = tempfile::tempdir().unwrap();
    let (server_ca, cert, key) = tools::server_certificate(tls.path());
    let app = builder.mtls_check(cert, key).spawn().await;
    let url = app.mtls_url().expect("the mTLS listener");
    let old = app.order_with_link().await;
    let (file, password) = app.collect(&old).await;
    let p12 = tools::write(tls.path(), "old.p12", &file);

    let answers = renew(&url, &server_ca, &p12, &password, 8);
    let started: Vec<&Value> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(
        started.len(),
        1,
        "one renewal however many ask: {answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(status, body)| *status == 200 || body["code"] == "RENEWAL_UNDER_WAY"),
        "{answers:?}"
    );
    let renewal = started[0];
    assert_eq!(renewal["renews"], old.order.serial());
    assert_eq!(renewal["masked_mobile"], "+47•••••567");
    let order_id = renewal["order_id"].as_str().unwrap().to_owned();
    let stored = app.stored_order(&order_id).await;
    assert_eq!(stored.renews_serial.as_deref(), Some(old.order.serial()));
    assert_eq!(stored.spec.client.as_str(), "e-banking");
    assert_eq!(stored.spec.email.as_str(), "kari@example.no");
    let audit = app.state().store.audit_for_order(&order_id).await.unwrap();
    assert_eq!(
        audit[0].actor,
        format!("certificate:{}", old.order.serial()),
        "the certificate that asked is on the record"
    );

    // The normal flow from there: the contact collects the new one; the old one is withdrawn.
    let new = app.link_and_code_of(renewal).await;
    app.collect(&new).await;
    let superseded = app.stored_certificate(old.order.serial()).await;
    assert_eq!(
        superseded.revocation_reason.map(|r| r.as_str()),
        Some("superseded")
    );
    let again = renew(&url, &server_ca, &p12, &password, 1);
    assert_eq!(again[0].0, 403, "{again:?}");
    assert_eq!(again[0].1["code"], "CERTIFICATE_REVOKED");
}
