//! Renewal from the old certificate, as the renewal page makes it: a challenge from the portal,
//! signed with the old file's key (here by openssl), starts one renewal order whose link and
//! code go to the contact. Refused: a replayed or ended or forged challenge, another key's
//! signature, another CA's certificate with the same serial, a revoked certificate, one ended
//! longer ago than the grace; bad input loses nothing. An EC P-256 key signs in WebCrypto's
//! `r || s` form.

use certportal_shared::api::renew::signed_message;
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::{Value, json};
use std::path::Path;
use time::Duration;

/// A collected certificate, its DER, and its key in a PEM file.
struct Old {
    der: Vec<u8>,
    key: String,
    serial: String,
    order_id: String,
}

/// Collects a new order's file and takes its certificate and key out with openssl.
async fn collected(app: &TestApp, dir: &Path, name: &str) -> Old {
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let p12 = tools::write(dir, &format!("{name}.p12"), &file);
    let pass = tools::write(dir, &format!("{name}.pass"), password.as_bytes());
    let key = dir.join(format!("{name}.key")).display().to_string();
    let passin = format!("file:{pass}");
    tools::run_ok(
        "openssl",
        &[
            "pkcs12", "-in", &p12, "-nocerts", "-nodes", "-passin", &passin, "-out", &key,
        ],
    );
    let pem = tools::client_certificate(dir, &file, &password);
    Old {
        der: der_of(dir, &pem),
        key,
        serial: collect.order.serial().to_owned(),
        order_id: collect.order.order_id.clone(),
    }
}

fn der_of(dir: &Path, pem: &str) -> Vec<u8> {
    let der = dir.join("cert.der").display().to_string();
    tools::run_ok(
        "openssl",
        &["x509", "-in", pem, "-outform", "DER", "-out", &der],
    );
    std::fs::read(der).unwrap()
}

/// `key`'s RSASSA-PKCS1-v1_5 SHA-256 signature over the renewal message for `challenge`.
fn sign(dir: &Path, key: &str, challenge: &str) -> Vec<u8> {
    let message = tools::write(dir, "message.bin", &signed_message(challenge));
    let signature = dir.join("signature.bin").display().to_string();
    tools::run_ok(
        "openssl",
        &[
            "dgst", "-sha256", "-sign", key, "-out", &signature, &message,
        ],
    );
    std::fs::read(signature).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn challenge(app: &TestApp) -> String {
    let answer = app.post(routes::RENEW_CHALLENGE, &json!({})).await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["expires_in"], 300);
    body["challenge"].as_str().unwrap().to_owned()
}

/// A renewal request for `old`, signed over a fresh challenge.
async fn signed(app: &TestApp, dir: &Path, old: &Old) -> Value {
    let challenge = challenge(app).await;
    let signature = sign(dir, &old.key, &challenge);
    json!({"challenge": challenge, "certificate": b64(&old.der), "signature": b64(&signature)})
}

#[tokio::test(flavor = "multi_thread")]
async fn the_old_key_starts_one_renewal_and_a_signed_request_is_good_once() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let old = collected(&app, dir.path(), "old").await;

    // The same signed request ten times at once: one renewal, nine replays.
    let request = signed(&app, dir.path(), &old).await;
    let answers = futures::future::join_all(
        (0..10).map(|_| async { refusal(app.post(routes::RENEW_SIGNED, &request).await).await }),
    )
    .await;
    let started: Vec<&Value> = answers
        .iter()
        .filter(|(status, ..)| *status == 200)
        .map(|(_, _, body)| body)
        .collect();
    assert_eq!(started.len(), 1, "{answers:?}");
    for (status, code, body) in answers.iter().filter(|(status, ..)| *status != 200) {
        assert_eq!((*status, code.as_str()), (409, "CHALLENGE_USED"), "{body}");
    }
    let renewal = started[0];
    assert_eq!(renewal["renews"], old.serial);
    assert_eq!(renewal["masked_mobile"], "+47•••••567");
    let new_order = renewal["order_id"].as_str().unwrap();
    assert_ne!(new_order, old.order_id);
    // The normal flow from there: the link by e-mail and the code by SMS, to the same contact.
    assert!(app.wait_for_link(new_order).await.len() >= 22);
    assert_eq!(app.wait_for_code(new_order, 1).await.len(), 8);
    let stored = app.stored_order(new_order).await;
    assert_eq!(stored.renews_serial.as_deref(), Some(old.serial.as_str()));
    assert_eq!(stored.spec.client.as_str(), "e-banking");
    assert!(stored.supersede_on_collect);

    // A second renewal of the same certificate, with a fresh challenge: refused.
    let again = signed(&app, dir.path(), &old).await;
    refused(
        app.post(routes::RENEW_SIGNED, &again).await,
        409,
        "RENEWAL_UNDER_WAY",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_ended_or_foreign_proofs_are_refused_and_bad_input_uses_nothing_up() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let old = collected(&app, dir.path(), "old").await;
    let late = collected(&app, dir.path(), "late").await;
    let stranger = collected(&app, dir.path(), "stranger").await;
    let revoked = collected(&app, dir.path(), "revoked").await;

    // Bad input, at the boundary: nothing is used up, the same challenge works after.
    let good = signed(&app, dir.path(), &old).await;
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let body = refused(
        app.post(
            routes::RENEW_SIGNED,
            &with("certificate", json!("not base64!")),
        )
        .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    assert_eq!(body["fields"][0]["field"], "certificate");
    let body = refused(
        app.post(
            routes::RENEW_SIGNED,
            &with("certificate", json!(b64(b"x509"))),
        )
        .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    assert_eq!(body["fields"][0]["field"], "certificate");
    refused(
        app.post(routes::RENEW_SIGNED, &with("signature", json!("")))
            .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    refused(
        app.post(routes::RENEW_SIGNED, &with("extra", json!(1)))
            .await,
        400,
        "MALFORMED_REQUEST",
    )
    .await;
    let answer = app.post(routes::RENEW_SIGNED, &good).await;
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());

    // A challenge the portal did not give: one character changed, or made up.
    let challenge = good["challenge"].as_str().unwrap();
    let mut flipped: Vec<char> = challenge.chars().collect();
    flipped[12] = if flipped[12] == 'A' { 'B' } else { 'A' };
    let flipped: String = flipped.into_iter().collect();
    let signature = sign(dir.path(), &old.key, &flipped);
    let forged =
        json!({"challenge": flipped, "certificate": b64(&old.der), "signature": b64(&signature)});
    refused(
        app.post(routes::RENEW_SIGNED, &forged).await,
        400,
        "CHALLENGE_INVALID",
    )
    .await;

    // Another key's signature over the right certificate.
    let challenge = self::challenge(&app).await;
    let signature = sign(dir.path(), &stranger.key, &challenge);
    let body =
        json!({"challenge": challenge, "certificate": b64(&old.der), "signature": b64(&signature)});
    refused(
        app.post(routes::RENEW_SIGNED, &body).await,
        403,
        "SIGNATURE_INVALID",
    )
    .await;

    // Another CA's certificate with the same serial and subject, and a good signature by its
    // own key: the serial alone would take it for ours.
    let (key, pem) = (
        dir.path().join("forged.key").display().to_string(),
        dir.path().join("forged.pem").display().to_string(),
    );
    tools::run_ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/O=Acme AS/OU=Payments API/CN=e-banking",
            "-set_serial",
            &format!("0x{}", old.serial),
            "-keyout",
            &key,
            "-out",
            &pem,
        ],
    );
    let challenge = self::challenge(&app).await;
    let signature = sign(dir.path(), &key, &challenge);
    let body = json!({"challenge": challenge, "certificate": b64(&der_of(dir.path(), &pem)), "signature": b64(&signature)});
    refused(
        app.post(routes::RENEW_SIGNED, &body).await,
        404,
        "UNKNOWN_SERIAL",
    )
    .await;

    // A revoked certificate.
    let alice = app.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_revoke(&revoked.serial),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    let body = signed(&app, dir.path(), &revoked).await;
    refused(
        app.post(routes::RENEW_SIGNED, &body).await,
        403,
        "CERTIFICATE_REVOKED",
    )
    .await;

    // A challenge past its 300 seconds.
    let stale = signed(&app, dir.path(), &late).await;
    app.clock.advance(Duration::seconds(301));
    refused(
        app.post(routes::RENEW_SIGNED, &stale).await,
        400,
        "CHALLENGE_EXPIRED",
    )
    .await;

    // Ten days after its end (730 days), within the 30 days' grace: renews.
    app.clock.advance(Duration::days(740));
    let body = signed(&app, dir.path(), &late).await;
    let answer = app.post(routes::RENEW_SIGNED, &body).await;
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    // Past the grace: refused.
    app.clock.advance(Duration::days(21));
    let body = signed(&app, dir.path(), &stranger).await;
    refused(
        app.post(routes::RENEW_SIGNED, &body).await,
        403,
        "CERTIFICATE_EXPIRED",
    )
    .await;
}

/// An ECDSA signature from openssl (DER `SEQUENCE { r, s }`) in WebCrypto's form, `r || s`
/// of 32 bytes each.
fn fixed_r_and_s(der: &[u8]) -> Vec<u8> {
    let mut at = 2; // SEQUENCE and its one-byte length: a P-256 signature is under 128 bytes
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[at], 0x02, "an INTEGER");
        let len = usize::from(der[at + 1]);
        let value = &der[at + 2..at + 2 + len];
        let value = &value[value.len().saturating_sub(32)..];
        out.extend(std::iter::repeat_n(0, 32 - value.len()));
        out.extend_from_slice(value);
        at += 2 + len;
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_p256_key_the_customer_made_renews_with_webcryptos_r_and_s() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let order = app
        .create_order(certportal_shared::model::OrderDraft {
            custody: Some("csr".into()),
            ..sample_order()
        })
        .await;
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;
    let session = app.session(&token, &code).await;
    let key = dir.path().join("ec.key").display().to_string();
    let request = dir.path().join("ec.csr").display().to_string();
    tools::run_ok(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &key,
        ],
    );
    tools::run_ok(
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            "/CN=ignored",
            "-out",
            &request,
        ],
    );
    let answer = app
        .csr(&session, &std::fs::read_to_string(&request).unwrap())
        .await;
    assert_eq!(answer.status(), 200);
    let issued: Value = answer.json().await.unwrap();
    let pem = tools::write(
        dir.path(),
        "ec.pem",
        issued["certificate"].as_str().unwrap().as_bytes(),
    );
    let der = der_of(dir.path(), &pem);

    // openssl's DER signature is not the form the page sends: refused.
    let challenge = challenge(&app).await;
    let signature = sign(dir.path(), &key, &challenge);
    let body =
        json!({"challenge": challenge, "certificate": b64(&der), "signature": b64(&signature)});
    refused(
        app.post(routes::RENEW_SIGNED, &body).await,
        403,
        "SIGNATURE_INVALID",
    )
    .await;
    // The same key's r || s, over a fresh challenge: renews.
    let challenge = self::challenge(&app).await;
    let signature = fixed_r_and_s(&sign(dir.path(), &key, &challenge));
    let body =
        json!({"challenge": challenge, "certificate": b64(&der), "signature": b64(&signature)});
    let answer = app.post(routes::RENEW_SIGNED, &body).await;
    let renewal: Value = answer.json().await.unwrap();
    assert_eq!(renewal["renews"], issued["serial"], "{renewal}");
    let stored = app
        .stored_order(renewal["order_id"].as_str().unwrap())
        .await;
    assert_eq!(
        stored.spec.custody.to_string(),
        "csr",
        "the renewal keeps the mode"
    );
}
