//! What operators wire in: Prometheus scrapes `/metrics` on the metrics listener (not the
//! public one) and sees requests, refusals (code lockouts among them), orders by state,
//! messages by channel, the CRL's age, the CA's days and what ends within 30 days; `/readyz`
//! says the database and the queue answer; `log_format = "json"` writes one JSON object per
//! line.

use certportal_shared::routes;
use certportal_tests::process::Served;
use certportal_tests::*;
use time::Duration;

/// The value of the sample `name{labels}` (`labels` exactly as the exposition writes them).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let answer = reqwest::get(app.metrics_url()).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    answer.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_sees_requests_lockouts_orders_messages_and_what_ends_soon() {
    let app = spawn_app().await;
    let locked = app.order_with_link().await;
    let wrong = wrong_code(&locked.code);
    for _ in 0..6 {
        app.verify(&locked.token, &wrong).await;
    }
    let collected = app.order_with_link().await;
    app.collect(&collected).await;
    assert_eq!(app.get(routes::READYZ).await.status(), 200);

    let text = scrape(&app).await;
    let verify = format!(
        "certportal_http_requests_total{{method=\"POST\",route=\"{}\",status=\"400\"}}",
        routes::COLLECT_VERIFY
    );
    assert_eq!(
        sample(&text, &verify),
        Some(5.0),
        "five wrong codes:\n{text}"
    );
    assert_eq!(
        sample(&text, "certportal_refusals_total{code=\"CODE_LOCKED\"}"),
        Some(1.0),
        "the sixth is the lockout:\n{text}"
    );
    assert_eq!(
        sample(&text, "certportal_orders{state=\"collected\"}"),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(&text, "certportal_messages{channel=\"sms\",state=\"sent\"}").unwrap_or(0.0) >= 2.0,
        "the code and the password:\n{text}"
    );
    assert!(
        sample(&text, "certportal_ca_days_left").unwrap() > 3000.0,
        "{text}"
    );
    assert!(sample(&text, "certportal_crl_age_seconds").unwrap() >= 0.0);
    assert_eq!(
        sample(&text, "certportal_certificates_expiring_30d"),
        Some(0.0)
    );
    assert!(
        text.contains("certportal_http_request_duration_seconds_bucket"),
        "{text}"
    );
    // Routes are patterns: no token and no order id in any label.
    for secret in [&locked.token, &collected.order.order_id] {
        assert!(
            !text.contains(secret.as_str()),
            "a label holds a link token or an id"
        );
    }

    // 710 days on, the collected certificate ends within 30 days.
    app.clock.advance(Duration::days(710));
    let text = scrape(&app).await;
    assert_eq!(
        sample(&text, "certportal_certificates_expiring_30d"),
        Some(1.0)
    );

    // Not on the public listener.
    let public = app.get("/metrics").await.text().await.unwrap();
    assert!(!public.contains("# TYPE"), "metrics on the public listener");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli::run(dir.path(), &["init"], None).status.success());
    let served = Served::start(dir.path(), &[("CERTPORTAL_LOG_FORMAT", "json")]).await;
    let ready = reqwest::get(format!("{}{}", served.url, routes::READYZ))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let log = wait_until(|| {
        let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
        log.contains("/readyz").then_some(log)
    })
    .await
    .expect("the request's log line");
    let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON object: {line}"));
        assert!(object["level"].is_string(), "{line}");
    }
}
