//! Custody `csr`: the contact makes the key on their own server with openssl and sends a
//! certificate request; the portal signs the order's fields onto the request's key and never
//! holds a private key. Hostile requests each get their stable code; races with one key or
//! one order let exactly one request through.

use certportal_shared::model::OrderDraft;
use certportal_shared::routes;
use certportal_tests::scan::{self, files_under, holders};
use certportal_tests::*;
use serde_json::{Value, json};
use std::path::Path;

fn csr_order() -> OrderDraft {
    OrderDraft {
        custody: Some("csr".into()),
        ..sample_order()
    }
}

/// A new key made by openssl in `dir` (`genpkey` options), and its file's path.
fn new_key(dir: &Path, name: &str, options: &[&str]) -> String {
    let path = dir.join(format!("{name}.key")).display().to_string();
    let mut args = vec!["genpkey", "-out", &path];
    args.extend_from_slice(options);
    tools::run_ok("openssl", &args);
    path
}

fn rsa(bits: &str) -> Vec<String> {
    vec![
        "-algorithm".into(),
        "RSA".into(),
        "-pkeyopt".into(),
        format!("rsa_keygen_bits:{bits}"),
    ]
}

/// A request for the key at `key`, made by `openssl req`, with a hostile subject and
/// extensions the portal must ignore.
fn request_for(key: &str) -> String {
    let out = format!("{key}.csr");
    tools::run_ok(
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            key,
            "-out",
            &out,
            "-subj",
            "/O=Evil Corp/OU=Root/CN=admin",
            "-addext",
            "subjectAltName=DNS:evil.example",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
    );
    std::fs::read_to_string(out).expect("request")
}

fn fresh_request(dir: &Path, name: &str, options: &[String]) -> (String, String) {
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let key = new_key(dir, name, &options);
    let request = request_for(&key);
    (key, request)
}

/// A csr order with its link opened and its code verified: the session.
async fn csr_session(app: &TestApp) -> (Collect, String) {
    let order = app.create_order(csr_order()).await;
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;
    let collect = Collect { order, token, code };
    let session = app.session(&collect.token, &collect.code).await;
    (collect, session)
}

async fn signed(app: &TestApp, session: &str, csr: &str) -> Value {
    let response = app.csr(session, csr).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{body}");
    body
}

fn public_key_of(program_args: &[&str]) -> String {
    tools::run_ok("openssl", program_args)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_openssl_request_gets_the_orders_certificate_and_the_portal_never_holds_a_key() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (key, request) = fresh_request(dir.path(), "client", &rsa("2048"));
    let db = format!(
        "sqlite://{}?mode=ro",
        app.data_dir().join("certportal.db").display()
    );

    let order = app.create_order(csr_order()).await;
    assert_eq!(order.serial, None, "no certificate before the request");
    assert!(
        scan::sealed_values(&db, &order.order_id)
            .await
            .iter()
            .all(|(kind, _)| kind == "message"),
        "a csr order has no sealed file or password, only its queued messages"
    );
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;
    let opened: Value = app.open(&token).await.json().await.unwrap();
    assert_eq!(opened["custody"], "csr");
    assert_eq!(opened["subject"], "/O=Acme AS/OU=Payments API/CN=e-banking");
    let session = app.session(&token, &code).await;
    refused(app.bundle(&session).await, 409, "NO_SERVER_KEY").await;

    let answer = signed(&app, &session, &request).await;
    let serial = answer["serial"].as_str().unwrap().to_owned();
    let cert = tools::write(
        dir.path(),
        "client.crt",
        answer["certificate"].as_str().unwrap().as_bytes(),
    );
    let chain = tools::write(
        dir.path(),
        "ca.pem",
        answer["chain"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(answer["chain"].as_str().unwrap(), app.ca_pem().await);
    let text = tools::run_ok("openssl", &["x509", "-in", &cert, "-noout", "-text"]);
    assert!(
        text.contains("Subject: O = Acme AS, OU = Payments API, CN = e-banking"),
        "the order's subject, not the request's: {text}"
    );
    assert!(
        !text.contains("evil.example") && !text.contains("CA:TRUE"),
        "the request's extensions are ignored: {text}"
    );
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    let verified = tools::run_ok("openssl", &["verify", "-CAfile", &chain, &cert]);
    assert!(verified.contains(": OK"), "{verified}");
    assert_eq!(
        public_key_of(&["x509", "-in", &cert, "-noout", "-pubkey"]),
        public_key_of(&["pkey", "-in", &key, "-pubout"]),
        "the certificate carries the customer's own key"
    );

    // The order is collected; the contact is told by SMS, and no password ever goes out.
    let opened = app.open(&token).await;
    refused(opened, 410, "LINK_USED").await;
    app.wait_for_issued_notice(&order.order_id, &serial).await;
    // A second request, even for a new key, is refused.
    let (_, another) = fresh_request(dir.path(), "again", &rsa("2048"));
    let (status, _, _) = refusal(app.csr(&session, &another).await).await;
    assert!(status == 401 || status == 409 || status == 410, "{status}");

    // Staff see the mode and that the key was never the portal's.
    let alice = app.signed_in_admin().await;
    let detail = alice
        .get_json(&routes::admin_order(&order.order_id, None))
        .await;
    assert_eq!(detail["order"]["custody"], "csr");
    assert_eq!(detail["order"]["serial"], serial.as_str());
    assert_eq!(detail["order"]["state"], "collected");
    assert_eq!(detail["certificate"]["key_type"], "rsa2048");
    let timeline = detail["timeline"].to_string();
    assert!(timeline.contains("csr.signed"), "{timeline}");
    assert!(timeline.contains("never held by the portal"), "{timeline}");

    // The data dir never saw the key: not in any file, and no sealed file row ever existed.
    tools::run_ok(
        "openssl",
        &[
            "pkey",
            "-in",
            &key,
            "-outform",
            "DER",
            "-out",
            &format!("{key}.der"),
        ],
    );
    let key_bytes = std::fs::read(format!("{key}.der")).unwrap();
    assert!(holders(&files_under(app.data_dir()), &key_bytes).is_empty());
    assert!(
        scan::sealed_values(&db, &order.order_id).await.is_empty(),
        "nothing sealed is left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_get_their_codes_and_a_good_one_still_goes_through_after() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, session) = csr_session(&app).await;

    let (_, good) = fresh_request(dir.path(), "good", &rsa("2048"));
    // A bad signature: one bit of the signature flipped.
    let der = pem_body(&good);
    let mut tampered = der.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let (_, weak) = fresh_request(dir.path(), "weak", &rsa("1024"));
    let (_, exponent_3) = fresh_request(
        dir.path(),
        "e3",
        &[
            rsa("2048"),
            vec!["-pkeyopt".into(), "rsa_keygen_pubexp:3".into()],
        ]
        .concat(),
    );
    let (_, p521) = fresh_request(
        dir.path(),
        "p521",
        &[
            "-algorithm".into(),
            "EC".into(),
            "-pkeyopt".into(),
            "ec_paramgen_curve:P-521".into(),
        ],
    );
    // The CA's own key, as an insider with a copy of it might try.
    let ca_key = tools::write(dir.path(), "ca.der", &app.state().ca.key_pkcs8());
    let ca_pem = dir.path().join("ca.key").display().to_string();
    tools::run_ok(
        "openssl",
        &["pkey", "-inform", "DER", "-in", &ca_key, "-out", &ca_pem],
    );
    let ca_request = request_for(&ca_pem);

    let cases: Vec<(&str, String, &str)> = vec![
        ("a bad signature", b64(&tampered), "CSR_BAD_SIGNATURE"),
        ("RSA-1024", weak, "CSR_WEAK_KEY"),
        ("exponent 3", exponent_3, "CSR_WEAK_KEY"),
        ("a P-521 key", p521, "CSR_UNSUPPORTED_ALGORITHM"),
        ("the CA's own key", ca_request, "CSR_BLOCKED_KEY"),
        ("garbage", "not a request at all".into(), "CSR_MALFORMED"),
        (
            "a certificate, not a request",
            app.ca_pem().await,
            "CSR_MALFORMED",
        ),
        ("20 KiB of base64", "QUFB".repeat(5600), "CSR_TOO_LARGE"),
    ];
    for (what, csr, code) in &cases {
        let (status, actual, body) = refusal(app.csr(&session, csr).await).await;
        assert_eq!((status, actual.as_str()), (400, *code), "{what}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.len() > 20),
            "{what}: a plain sentence"
        );
    }
    // Over the body limit (70 KiB, 1 MiB): the portal stops reading and answers; a client
    // still sending may see the connection close before it reads that answer. Either way it
    // is refused. A client of their own: a connection the portal closed mid-body must not go
    // back to the pool the requests after use (that was this test's flake, IncompleteMessage
    // on the good request).
    for size in [70 << 10, 1 << 20] {
        let huge = reqwest::Client::new()
            .post(format!("{}{}", app.url, routes::COLLECT_CSR))
            .bearer_auth(&session)
            .json(&json!({ "csr": "x".repeat(size) }))
            .send()
            .await;
        if let Ok(answer) = huge {
            refused(answer, 400, "CSR_TOO_LARGE").await;
        }
    }
    // Every refusal left the order waiting: the good request, as PEM or base64 DER, works.
    let answer = signed(&app, &session, &b64(&der)).await;
    assert!(
        answer["certificate"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_a_live_certificate_is_refused_and_a_compromised_one_blocked_for_good() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, request) = fresh_request(dir.path(), "shared", &rsa("2048"));
    let (_, first) = csr_session(&app).await;
    let serial = signed(&app, &first, &request).await["serial"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_, second) = csr_session(&app).await;
    refused(app.csr(&second, &request).await, 400, "CSR_KEY_REUSED").await;

    let alice = app.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_revoke(&serial),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    refused(app.csr(&second, &request).await, 400, "CSR_BLOCKED_KEY").await;
    // Blocked even once the compromised certificate would have expired.
    app.clock.advance(time::Duration::days(800));
    let (_, third) = csr_session(&app).await;
    refused(app.csr(&third, &request).await, 400, "CSR_BLOCKED_KEY").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_order_takes_no_request() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (_, request) = fresh_request(dir.path(), "k", &rsa("2048"));
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    refused(app.csr(&session, &request).await, 409, "CSR_NOT_EXPECTED").await;
    // Without a session, nothing is even looked at.
    refused(app.csr("nope", &request).await, 401, "SESSION_INVALID").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_order_tells_the_page_how_to_build_and_takes_only_its_kind_of_key() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let Collect { order, token, code } = app.browser_order("p256", "compatible").await;
    let db = format!(
        "sqlite://{}?mode=ro",
        app.data_dir().join("certportal.db").display()
    );
    let sealed_kinds = || async {
        scan::sealed_values(&db, &order.order_id)
            .await
            .into_iter()
            .map(|(kind, _)| kind)
            .collect::<Vec<_>>()
    };
    assert!(
        sealed_kinds().await.iter().all(|kind| kind == "message"),
        "a browser order has no sealed file or password, only its queued messages"
    );
    let opened: Value = app.open(&token).await.json().await.unwrap();
    assert_eq!(opened["custody"], "browser");
    assert_eq!(
        opened["build"],
        json!({"key": "p256", "profile": "compatible", "iterations": 10000, "password_length": 20})
    );
    let session = app.session(&token, &code).await;
    refused(app.bundle(&session).await, 409, "NO_SERVER_KEY").await;
    // The page makes a P-256 key for this order: an RSA request came from elsewhere.
    let (_, rsa_request) = fresh_request(dir.path(), "rsa", &rsa("2048"));
    refused(
        app.csr(&session, &rsa_request).await,
        400,
        "CSR_UNSUPPORTED_ALGORITHM",
    )
    .await;
    let p256: Vec<String> = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        .map(String::from)
        .to_vec();
    let (_, request) = fresh_request(dir.path(), "p256", &p256);
    let answer = signed(&app, &session, &request).await;
    let serial = answer["serial"].as_str().expect("a serial");
    app.wait_for_issued_notice(&order.order_id, serial).await;
    assert_eq!(
        sealed_kinds().await,
        Vec::<String>::new(),
        "and nothing sealed is left once the messages went out"
    );

    // A csr or server order tells the page nothing of the kind.
    for draft in [csr_order(), sample_order()] {
        let other = app.order_from(draft).await;
        let opened: Value = app.open(&other.token).await.json().await.unwrap();
        assert_eq!(opened.get("build"), None, "{opened}");
    }
}

/// Many parallel requests: for one order, exactly one is signed; with one key on two orders,
/// exactly one order gets it.
pub async fn races_let_exactly_one_request_through(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let requests: Vec<String> = (0..12)
        .map(|i| fresh_request(dir.path(), &format!("k{i}"), &rsa("2048")).1)
        .collect();
    let (collect, session) = csr_session(app).await;
    let answers =
        futures::future::join_all(requests.iter().map(|csr| app.csr(&session, csr))).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "one order, one certificate: {statuses:?}"
    );
    let issued = app
        .wait_for_sms(&collect.order.order_id, "certificate_issued", 1)
        .await;
    assert_eq!(issued.len(), 1);

    let (_, shared) = fresh_request(dir.path(), "shared", &rsa("2048"));
    let mut sessions = Vec::new();
    for _ in 0..6 {
        sessions.push(csr_session(app).await.1);
    }
    let answers =
        futures::future::join_all(sessions.iter().map(|session| app.csr(session, &shared))).await;
    let mut outcomes = Vec::new();
    for answer in answers {
        let (status, code, _) = refusal(answer).await;
        outcomes.push((status, code));
    }
    assert_eq!(
        outcomes.iter().filter(|(status, _)| *status == 200).count(),
        1,
        "one key, one live certificate: {outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|(status, code)| *status == 200 || code == "CSR_KEY_REUSED"),
        "{outcomes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_requests_let_exactly_one_through() {
    let app = spawn_app().await;
    races_let_exactly_one_request_through(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_cancel_a_waiting_csr_order_and_a_renewal_keeps_the_mode() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let alice = app.signed_in_admin().await;
    let mut body = serde_json::to_value(csr_order()).unwrap();
    body["custody"] = json!("csr");
    let created = alice.post_json(routes::ADMIN_ORDERS, &body).await;
    assert_eq!(created["serial"], Value::Null);
    let id = created["order_id"].as_str().unwrap().to_owned();
    let list = alice.get_json(routes::ADMIN_ORDERS).await;
    assert_eq!(list["orders"][0]["custody"], "csr");
    assert_eq!(list["orders"][0]["not_after"], Value::Null);
    let detail = alice.get_json(&routes::admin_order(&id, None)).await;
    assert_eq!(detail["certificate"], Value::Null);
    assert_eq!(detail["actions"]["cancel"], true);
    assert_eq!(detail["actions"]["revoke"], false);
    alice
        .post_json(&routes::admin_order(&id, Some("cancel")), &json!({}))
        .await;
    let detail = alice.get_json(&routes::admin_order(&id, None)).await;
    assert_eq!(detail["order"]["state"], "cancelled");

    // A collected csr order, renewed without naming the mode, stays csr.
    let (_, request) = fresh_request(dir.path(), "k", &rsa("2048"));
    let (_, session) = csr_session(&app).await;
    let serial = signed(&app, &session, &request).await["serial"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut renewal = serde_json::to_value(sample_order()).unwrap();
    renewal["renews"] = json!(serial);
    let renewed = alice.post_json(routes::ADMIN_ORDERS, &renewal).await;
    assert_eq!(renewed["serial"], Value::Null, "{renewed}");
    let detail = alice
        .get_json(&routes::admin_order(
            renewed["order_id"].as_str().unwrap(),
            None,
        ))
        .await;
    assert_eq!(detail["order"]["custody"], "csr");

    // Its request signed, the renewal supersedes the old certificate at once.
    let renewed_id = renewed["order_id"].as_str().unwrap();
    let token = app.wait_for_link(renewed_id).await;
    let code = app.wait_for_code(renewed_id, 1).await;
    let session = app.session(&token, &code).await;
    let (_, request) = fresh_request(dir.path(), "renewed", &rsa("2048"));
    signed(&app, &session, &request).await;
    let old = app
        .state()
        .store
        .certificate(&serial)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        old.revocation_reason,
        Some(certportal_shared::model::RevocationReason::Superseded)
    );
    let crl = app.get(routes::CRL).await.bytes().await.unwrap();
    let listed = tools::crl_text(dir.path(), &crl);
    assert!(listed.contains(&*serial.to_uppercase()), "{listed}");
}

#[test]
fn order_create_takes_custody_and_prints_a_null_serial_until_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let init = cli::run(&data, &["init"], None);
    assert!(init.status.success(), "{}", cli::stderr(&init));
    let created = cli::run(
        &data,
        &cli::order_create("e-banking", "+4791234567", &["--custody", "csr"]),
        None,
    );
    assert!(created.status.success(), "{}", cli::stderr(&created));
    let printed: Value = serde_json::from_str(cli::stdout(&created).trim()).unwrap();
    assert_eq!(printed["serial"], Value::Null);
    assert_eq!(printed["custody"], "csr");
    assert!(printed["order_id"].as_str().is_some());

    let refused = cli::run(
        &data,
        &cli::order_create("e-banking", "+4791234567", &["--custody", "hsm"]),
        None,
    );
    assert_eq!(refused.status.code(), Some(1));
    let error = cli::stderr(&refused);
    assert!(error.contains("custody:"), "{error}");
}

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn b64(der: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(der)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_subject_the_page_is_given_works_in_openssl_when_a_name_has_a_slash() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let order = app
        .create_order(OrderDraft {
            org: "Acme A/S".into(),
            ..csr_order()
        })
        .await;
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;
    let opened: Value = app.open(&token).await.json().await.unwrap();
    let subject = opened["subject"].as_str().unwrap().to_owned();
    assert_eq!(subject, "/O=Acme A\\/S/OU=Payments API/CN=e-banking");
    let key = new_key(
        dir.path(),
        "slash",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let out = format!("{key}.csr");
    tools::run_ok(
        "openssl",
        &["req", "-new", "-key", &key, "-out", &out, "-subj", &subject],
    );
    let asked = tools::run_ok("openssl", &["req", "-in", &out, "-noout", "-subject"]);
    assert!(asked.contains("O = Acme A/S, OU = Payments API"), "{asked}");
    let session = app.session(&token, &code).await;
    let answer = signed(&app, &session, &std::fs::read_to_string(&out).unwrap()).await;
    let cert = tools::write(
        dir.path(),
        "slash.crt",
        answer["certificate"].as_str().unwrap().as_bytes(),
    );
    let issued = tools::run_ok("openssl", &["x509", "-in", &cert, "-noout", "-subject"]);
    assert!(issued.contains("O = Acme A/S"), "{issued}");
}
