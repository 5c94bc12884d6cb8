//! What a client cannot choose: its own address behind a proxy, or a look at the
//! development inbox from elsewhere.

use certportal_shared::routes;
use certportal_tests::gateway::Gateway;
use certportal_tests::*;
use futures::future::join_all;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_writes_its_own_forwarded_for_still_hits_its_addresses_limit() {
    let app = TestApp::builder()
        .config(|config| {
            config.http.client_ip_header = "X-Forwarded-For".into();
            config.http.collect_rate_per_minute = 20;
        })
        .spawn()
        .await;
    // The proxy appends the address it saw (203.0.113.7); the client made up the rest.
    let answers = join_all((0..80).map(|n| {
        app.http
            .post(format!("{}{}", app.url, routes::COLLECT_OPEN))
            .header("X-Forwarded-For", format!("198.51.100.{n}, 203.0.113.7"))
            .json(&json!({"token": "no-such-link"}))
            .send()
    }))
    .await;
    let mut limited = 0;
    for answer in answers {
        if refusal(answer.unwrap()).await.1 == "RATE_LIMITED" {
            limited += 1;
        }
    }
    assert!(
        (55..=60).contains(&limited),
        "one address: twenty a minute, whatever the client wrote on the left ({limited} limited)"
    );

    // Other addresses, as the proxy saw them, each have their own limit; and the audit trail
    // records the proxy's entry, not the client's.
    let collect = app.order_with_link().await;
    let answers = join_all((0..20).map(|n| {
        app.http
            .post(format!("{}{}", app.url, routes::COLLECT_OPEN))
            .header("X-Forwarded-For", format!("6.6.6.6, 203.0.113.{}", 100 + n))
            .json(&json!({"token": collect.token}))
            .send()
    }))
    .await;
    for answer in answers {
        assert_eq!(
            answer.unwrap().status(),
            200,
            "another address is not limited"
        );
    }
    let alice = app.signed_in_admin().await;
    let detail = alice
        .get_json(&routes::admin_order(&collect.order.order_id, None))
        .await;
    let addresses: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "link.opened")
        .filter_map(|event| event["ip"].as_str())
        .collect();
    assert_eq!(addresses.len(), 20);
    assert!(
        addresses.iter().all(|ip| ip.starts_with("203.0.113.1")),
        "{addresses:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_one_channel_real_there_is_no_inbox_and_serve_warns_of_the_outbox_file() {
    let gateway = Gateway::default();
    let url = gateway.start().await;
    let dir = tempfile::tempdir().unwrap();
    let init = cli::run(dir.path(), &["init"], None);
    assert!(init.status.success(), "{}", cli::stderr(&init));
    let served = process::Served::start(
        dir.path(),
        &[
            ("CERTPORTAL_SMS__PROVIDER", "http"),
            ("CERTPORTAL_SMS__HTTP__URL", &url),
        ],
    )
    .await;
    let inbox = reqwest::get(format!("{}{}", served.url, routes::DEV_INBOX))
        .await
        .unwrap();
    refused(inbox, 404, "NOT_FOUND").await;
    assert!(
        served
            .log()
            .contains("e-mail (collect links) still goes to the development outbox"),
        "serve warns at start that the outbox file holds links in the clear"
    );
}

/// An address of this machine that is not loopback: where the UDP socket would send from.
fn outside_address() -> std::net::IpAddr {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    // No packet leaves: connecting a UDP socket only picks the route.
    socket
        .connect("192.0.2.1:9")
        .or_else(|_| socket.connect("10.255.255.1:9"))
        .expect("this machine has a route off loopback");
    let ip = socket.local_addr().unwrap().ip();
    assert!(!ip.is_loopback(), "{ip} is loopback");
    ip
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inbox_answers_this_machine_only() {
    let app = TestApp::builder().bind("0.0.0.0:0").spawn().await;
    assert_eq!(
        app.get(routes::DEV_INBOX).await.status(),
        200,
        "on loopback"
    );
    let port = url::Url::parse(&app.url).unwrap().port().unwrap();
    let outside = format!(
        "http://{}{}",
        std::net::SocketAddr::new(outside_address(), port),
        routes::DEV_INBOX
    );
    let answer = reqwest::Client::new()
        .get(&outside)
        .header("X-Forwarded-For", "127.0.0.1")
        .send()
        .await
        .unwrap();
    refused(answer, 404, "NOT_FOUND").await;
    // A reverse proxy on this machine connects from loopback for every client, and says so.
    for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP", "Via"] {
        let proxied = app
            .http
            .get(format!("{}{}", app.url, routes::DEV_INBOX))
            .header(header, "for=192.0.2.9")
            .send()
            .await
            .unwrap();
        refused(proxied, 404, "NOT_FOUND").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_proxy_or_on_https_there_is_no_inbox_even_for_loopback() {
    let proxied = TestApp::builder()
        .config(|config| config.http.client_ip_header = "X-Forwarded-For".into())
        .spawn()
        .await;
    refused(proxied.get(routes::DEV_INBOX).await, 404, "NOT_FOUND").await;
    let https = TestApp::builder()
        .config(|config| config.base_url = "https://certs.vendor.example".into())
        .spawn()
        .await;
    refused(https.get(routes::DEV_INBOX).await, 404, "NOT_FOUND").await;
}
