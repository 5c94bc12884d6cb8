//! The OCSP responder, read by `openssl ocsp`: good, revoked and unknown answers signed by a
//! delegated responder that the CA certified, the nonce echoed, both CertID hashes, the GET
//! form with its cache headers, and bad requests.

use base64::Engine;
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;
use std::path::Path;

/// `openssl ocsp` against the portal's responder, trusting the portal's CA alone; returns
/// whether it succeeded, and its stdout and stderr.
fn ask(dir: &Path, url: &str, args: &[&str]) -> (bool, String, String) {
    let ca = dir.join("ca.pem").to_string_lossy().into_owned();
    let mut all = vec!["ocsp", "-issuer", &ca, "-CAfile", &ca, "-url", url];
    all.extend(args);
    let output = tools::run("openssl", &all);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn openssl_reads_good_revoked_and_unknown_answers_signed_by_the_delegated_responder() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let cert = tools::client_certificate(dir.path(), &file, &password);
    let url = format!("{}{}", app.url, routes::OCSP);

    let named = tools::run_ok("openssl", &["x509", "-in", &cert, "-noout", "-ocsp_uri"]);
    assert_eq!(named.trim(), url, "the certificate names the responder");

    let (ok, out, err) = ask(dir.path(), &url, &["-cert", &cert, "-resp_text"]);
    assert!(ok, "{out}\n{err}");
    assert!(err.contains("Response verify OK"), "{err}");
    assert!(!err.contains("nonce"), "the nonce is echoed: {err}");
    assert!(out.contains(&format!("{cert}: good")), "{out}");
    assert!(out.contains("OCSP Nonce"), "{out}");
    assert!(out.contains("Next Update"), "{out}");
    assert!(out.contains("OCSP Signing"), "{out}");
    assert!(out.contains("OCSP No Check"), "{out}");
    assert!(
        out.contains("Web Service SSL CA (2048) OCSP responder"),
        "{out}"
    );

    let (ok, out, err) = ask(dir.path(), &url, &["-sha256", "-cert", &cert]);
    assert!(ok && out.contains(&format!("{cert}: good")), "{out}\n{err}");

    let (ok, out, err) = ask(dir.path(), &url, &["-serial", "0x1234abcd"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("0x1234abcd: unknown"),
        "a serial the CA never issued is never good: {out}"
    );

    let alice = app.signed_in_admin().await;
    let serial = collect.order.serial();
    alice
        .post_json(
            &routes::admin_revoke(serial),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    let (ok, out, err) = ask(dir.path(), &url, &["-cert", &cert]);
    assert!(ok && err.contains("Response verify OK"), "{out}\n{err}");
    assert!(out.contains(&format!("{cert}: revoked")), "{out}");
    assert!(out.contains("Reason: keyCompromise"), "{out}");
    assert!(out.contains("Revocation Time"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_about_another_cas_certificate_is_unauthorized_never_good() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let collect = app.order_with_link().await;
    let at = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (_, other) = tools::self_signed_ca(dir.path(), "other", "Web Service SSL CA (2048)");
    // The other CA has our CA's name, and asks about a serial our CA did issue: the key hash
    // alone tells them apart.
    let output = tools::run(
        "openssl",
        &[
            "ocsp",
            "-issuer",
            &other,
            "-serial",
            &format!("0x{}", collect.order.serial()),
            "-CAfile",
            &at("ca.pem"),
            "-url",
            &format!("{}{}", app.url, routes::OCSP),
        ],
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("Responder Error: unauthorized"),
        "a delegate of our CA cannot speak for another: {out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_get_form_answers_with_cache_headers_until_next_update() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let ca = tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let cert = tools::client_certificate(dir.path(), &file, &password);
    let request = dir.path().join("req.der").to_string_lossy().into_owned();
    tools::run_ok(
        "openssl",
        &[
            "ocsp",
            "-issuer",
            &ca,
            "-cert",
            &cert,
            "-no_nonce",
            "-reqout",
            &request,
        ],
    );
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(&request).unwrap());
    let escaped: String = url::form_urlencoded::byte_serialize(encoded.as_bytes()).collect();
    let response = app
        .http
        .get(format!("{}{}/{escaped}", app.url, routes::OCSP))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/ocsp-response");
    let cache = header("cache-control");
    let max_age: i64 = cache
        .split(", ")
        .find_map(|part| part.strip_prefix("max-age="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no max-age: {cache:?}"));
    assert!((3590..=3600).contains(&max_age), "{cache}");
    assert!(
        cache.contains("public") && cache.contains("must-revalidate"),
        "{cache}"
    );
    assert!(header("expires").ends_with("GMT") && !header("etag").is_empty());
    let answer = tools::write(dir.path(), "resp.der", &response.bytes().await.unwrap());
    let out = tools::run_ok(
        "openssl",
        &[
            "ocsp", "-respin", &answer, "-issuer", &ca, "-cert", &cert, "-CAfile", &ca,
        ],
    );
    assert!(out.contains(&format!("{cert}: good")), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_request_gets_malformed_request_and_a_wrong_body_a_stable_error() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}{}", app.url, routes::OCSP);
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.http
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let read = |bytes: &[u8], name: &str| {
        let path = tools::write(dir.path(), name, bytes);
        let output = tools::run("openssl", &["ocsp", "-respin", &path, "-resp_text"]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };

    let response = post(b"not an OCSP request".to_vec(), "application/ocsp-request")
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "an error answer is not cached"
    );
    let out = read(&response.bytes().await.unwrap(), "garbage.der");
    assert!(out.contains("Responder Error: malformedrequest"), "{out}");

    let response = app
        .http
        .get(format!("{url}/not*base64"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let out = read(&response.bytes().await.unwrap(), "get.der");
    assert!(out.contains("Responder Error: malformedrequest"), "{out}");

    let response = post(vec![0x30; 100], "application/json").await.unwrap();
    refused(response, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let response = post(vec![0x30; 5000], "application/ocsp-request")
        .await
        .unwrap();
    refused(response, 413, "PAYLOAD_TOO_LARGE").await;
}
