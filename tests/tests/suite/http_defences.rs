//! The HTTP surface's defences: body limits, malformed requests, security headers, rate limits,
//! and the public files.

use certportal_tests::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_64_kib_is_refused() {
    let app = spawn_app().await;
    let big = json!({ "token": "x".repeat(70 * 1024) });
    let (status, code, _) = refusal(app.post("/api/collect/open", &big).await).await;
    assert_eq!((status, code.as_str()), (413, "PAYLOAD_TOO_LARGE"));
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_unknown_fields_and_wrong_types_get_a_code() {
    let app = spawn_app().await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.http
            .post(format!("{}/api/collect/verify", app.url))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, code, _) = refusal(raw("{not json", "application/json").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));
    let (status, code, body) = refusal(
        raw(r#"{"token":"t","code":"1","extra":1}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));
    assert!(
        body["message"].as_str().unwrap().contains("extra"),
        "{body}"
    );
    let (status, code, body) = refusal(
        raw(r#"{"token":"t","code":12345678}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));
    assert!(
        !body["message"].as_str().unwrap().contains("12345678"),
        "the value sent is not echoed: {body}"
    );
    let (status, code, _) = refusal(
        raw(r#"{"token":"t","code":"1"}"#, "text/plain")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for response in [
        app.get("/healthz").await,
        app.get("/ca.pem").await,
        app.get("/api/nope").await,
        app.open("unknown").await,
        app.get("/collect").await,
    ] {
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'self'"),
            "{csp}"
        );
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over http"
        );
        assert!(
            !headers.contains_key("set-cookie"),
            "the public side sets no cookie"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_https_base_url_turns_on_hsts_and_the_frame_ancestors_come_from_config() {
    let app = TestApp::builder()
        .config(|config| {
            config.base_url = "https://portal.example".into();
            config.http.frame_ancestors =
                vec!["'self'".into(), "https://help.customer.example".into()];
        })
        .spawn()
        .await;
    let response = app.get("/healthz").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.ends_with("frame-ancestors 'self' https://help.customer.example"),
        "{csp}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_is_limited_on_the_collect_api() {
    let app = TestApp::builder()
        .config(|config| config.http.collect_rate_per_minute = 5)
        .spawn()
        .await;
    for _ in 0..5 {
        assert_eq!(app.open("unknown").await.status(), 404);
    }
    let response = app.open("unknown").await;
    assert!(response.headers().contains_key("retry-after"));
    let (status, code, _) = refusal(response).await;
    assert_eq!((status, code.as_str()), (429, "RATE_LIMITED"));
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "only the collect API is limited"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_api_path_is_a_json_not_found() {
    let app = spawn_app().await;
    let (status, code, _) = refusal(app.get("/api/collect/nothing").await).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_files_are_served() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let pem = app.ca_pem().await;
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let crl = app.get("/crl").await;
    assert_eq!(crl.headers()["content-type"], "application/pkix-crl");
    let dir = tempfile::tempdir().unwrap();
    let path = tools::write(dir.path(), "crl.der", &crl.bytes().await.unwrap());
    let ca = tools::write(dir.path(), "ca.pem", pem.as_bytes());
    let text = tools::run_ok(
        "openssl",
        &[
            "crl", "-inform", "DER", "-in", &path, "-CAfile", &ca, "-noout", "-text",
        ],
    );
    assert!(
        text.contains("Issuer: CN = Web Service SSL CA (2048)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dev_inbox_exists_in_outbox_mode_only() {
    let outbox = TestApp::builder().configured_providers().spawn().await;
    let order = outbox.create_order(sample_order()).await;
    outbox.wait_for_queue_drained(&order.order_id).await;
    let page = outbox.get("/dev/inbox").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/collect#"), "the inbox shows the link");

    let gateway = TestApp::builder()
        .config(|config| {
            config.sms.provider = certportal::config::SmsProvider::Http;
            config.sms.http.url = "http://127.0.0.1:9/".into();
            config.email.provider = certportal::config::EmailProvider::Smtp;
            config.email.smtp.host = "127.0.0.1".into();
        })
        .spawn()
        .await;
    let (status, code, _) = refusal(gateway.get("/dev/inbox").await).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_staff_app_is_served_apart_under_admin_and_both_loaders_are_allowed_by_hash() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("admin")).unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><script type=\"module\">load('collect')</script></html>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("admin/index.html"),
        "<html><script type=\"module\">load('admin')</script></html>",
    )
    .unwrap();
    let app = TestApp::builder().dist(dist.path()).spawn().await;
    let hash = |body: &str| {
        use base64::Engine as _;
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
        )
    };
    for (path, expected) in [
        ("/collect", "load('collect')"),
        ("/admin", "load('admin')"),
        ("/admin/orders/x", "load('admin')"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains(&hash("load('collect')")) && csp.contains(&hash("load('admin')")),
            "{csp}"
        );
        assert!(
            response.text().await.unwrap().contains(expected),
            "{path} serves its own app"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn app_files_are_compressed_and_cached_by_kind_while_api_answers_are_not() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><body>entry</body></html>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("app-0123456789abcdef_bg.wasm"),
        vec![b'w'; 4096],
    )
    .unwrap();
    std::fs::write(
        dist.path().join("theme.css"),
        ":root { --cp-color-bg: #fff; }",
    )
    .unwrap();
    let app = TestApp::builder().dist(dist.path()).spawn().await;
    let get = |path: &str| {
        app.http
            .get(format!("{}{path}", app.url))
            .header("accept-encoding", "gzip")
            .send()
    };

    let wasm = get("/app-0123456789abcdef_bg.wasm").await.unwrap();
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    for path in ["/collect", "/theme.css"] {
        let response = get(path).await.unwrap();
        assert_eq!(
            response.headers()["cache-control"],
            "no-cache",
            "{path} is revalidated"
        );
    }
    let api = app
        .http
        .post(format!("{}/api/collect/open", app.url))
        .header("accept-encoding", "gzip")
        .json(&json!({"token": "x".repeat(2000)}))
        .send()
        .await
        .unwrap();
    assert!(
        !api.headers().contains_key("content-encoding"),
        "API answers are never compressed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dev_inbox_has_its_own_stylesheet() {
    let app = TestApp::builder().configured_providers().spawn().await;
    let html = app.get("/dev/inbox").await.text().await.unwrap();
    assert!(html.contains("href=\"/dev/inbox.css\""));
    let css = app.get("/dev/inbox.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains("var(--cp-color-text"));
}
