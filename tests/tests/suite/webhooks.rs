//! Webhooks: a ticketing system opens an order with one `curl` and a token and is told, by
//! signed Standard Webhooks deliveries to a receiver that fails for a while, that it was
//! created, collected and withdrawn; each event is taken once, retried under one id, holds no
//! secret, and shows in the endpoint's history. Parallel orders and a parallel guess at a
//! code are each told once. Only admins register endpoints, bad input is refused field by
//! field, and a disabled endpoint is told nothing more.

use certportal::flow::orders::CreatedOrder;
use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::receiver::Receiver;
use certportal_tests::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

const ALL_EVENTS: [&str; 6] = [
    "order.created",
    "order.collected",
    "certificate.revoked",
    "certificate.expiring",
    "code.locked",
    "self_service.revoked",
];

fn order_body(client: &str) -> Value {
    json!({
        "org": "Acme AS", "service": "Payments API", "client": client,
        "contact_name": "Kari Nordmann", "email": "kari@example.no", "mobile": "+4791234567"
    })
}

/// A token with every orders scope, made on the command line.
fn api_token(app: &TestApp) -> String {
    cli::create_token(app.data_dir(), "crm", "orders:write,orders:read,revoke")
}

/// Registers `receiver` for `events` and gives it the secret; returns the endpoint's id.
async fn register(admin: &staff::StaffClient, receiver: &Receiver, events: &[&str]) -> String {
    let url = receiver.start().await;
    let created = admin
        .post_json(
            routes::ADMIN_WEBHOOKS,
            &json!({ "url": url, "events": events }),
        )
        .await;
    let secret = created["secret"].as_str().expect("the secret, this once");
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    receiver.set_secret(secret);
    assert_eq!(created["info"]["url"], url);
    created["info"]["id"].as_str().expect("an id").to_owned()
}

/// Twelve orders made at once with `token`, spread over `apps`; their ids.
async fn parallel_orders(apps: &[&TestApp], token: &str) -> Vec<String> {
    let client = reqwest::Client::new();
    let orders = futures::future::join_all((0..12).map(|i| {
        client
            .post(format!(
                "{}{}",
                apps[i % apps.len()].url,
                routes::ADMIN_ORDERS
            ))
            .bearer_auth(token)
            .json(&order_body(&format!("client-{i}")))
            .send()
    }))
    .await;
    let mut order_ids = Vec::new();
    for order in orders {
        let order: Value = order
            .expect("the portal answers")
            .json()
            .await
            .expect("json");
        let id = order["order_id"].as_str();
        order_ids.push(id.unwrap_or_else(|| panic!("an order: {order}")).to_owned());
    }
    order_ids
}

/// Waits (up to 30 s) until the receiver took `n` deliveries, moving the portal's clock on
/// by two seconds every tenth of a second so that retries come due. The receiver holds the
/// signatures' timestamps to five minutes of its own clock: the portal's stays within that.
async fn wait_for_taken(app: &TestApp, receiver: &Receiver, n: usize) -> Vec<receiver::Delivery> {
    for _ in 0..100 {
        let taken = receiver.taken();
        if taken.len() >= n {
            return taken;
        }
        app.clock.advance(time::Duration::seconds(2));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..200 {
        let taken = receiver.taken();
        if taken.len() >= n {
            return taken;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the receiver took {} of {n} deliveries",
        receiver.taken().len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticketing_system_is_told_by_signed_webhooks_each_event_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let receiver = Receiver::default();
    let endpoint = register(&admin, &receiver, &ALL_EVENTS).await;
    // The receiver is down for its first two deliveries: the portal tries again.
    receiver.fail_first(2);
    let token = api_token(&app);

    // One curl opens the order, as the README shows.
    let curl = std::process::Command::new("curl")
        .args(["-sS", "--fail-with-body", "-X", "POST"])
        .arg(format!("{}{}", app.url, routes::ADMIN_ORDERS))
        .args(["-H", "Content-Type: application/json"])
        .arg("-H")
        .arg(format!("Authorization: Bearer {token}"))
        .arg("--data")
        .arg(order_body("crm-made").to_string())
        .output()
        .expect("curl runs");
    assert!(
        curl.status.success(),
        "curl: {}",
        String::from_utf8_lossy(&curl.stderr)
    );
    let created: Value = serde_json::from_slice(&curl.stdout).expect("the order as JSON");
    let order_id = created["order_id"]
        .as_str()
        .expect("an order id")
        .to_owned();
    let serial = created["serial"].as_str().expect("a serial").to_owned();

    let collect = app.link_and_code_of(&created).await;
    let (_file, password) = app.collect(&collect).await;
    let revoked = reqwest::Client::new()
        .post(format!("{}{}", app.url, routes::admin_revoke(&serial)))
        .bearer_auth(&token)
        .json(&json!({ "reason": "keyCompromise" }))
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 200);

    let taken = wait_for_taken(&app, &receiver, 3).await;
    let kinds: Vec<String> = taken
        .iter()
        .map(|delivery| {
            delivery.event()["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        ["order.created", "order.collected", "certificate.revoked"],
        "an endpoint is told in the order things happened"
    );
    let all = receiver.deliveries();
    assert!(
        all.iter().all(|delivery| delivery.verified),
        "every delivery is signed"
    );
    let mut tries: HashMap<&str, usize> = HashMap::new();
    for delivery in &all {
        *tries.entry(delivery.id.as_str()).or_default() += 1;
    }
    assert_eq!(
        tries.len(),
        3,
        "three events, each under one id on every try"
    );
    assert_eq!(tries[taken[0].id.as_str()], 3, "two refusals, then taken");
    for delivery in &taken {
        assert_eq!(delivery.event()["id"], delivery.id.as_str());
        let data = &delivery.event()["data"];
        assert_eq!(data["order_id"], order_id.as_str());
        assert_eq!(data["serial"], serial.as_str());
        assert_eq!(data["customer"], "Acme AS");
    }
    assert_eq!(taken[0].event()["data"]["actor"], "token:crm");
    assert_eq!(
        taken[2].event()["data"]["revocation_reason"],
        "keyCompromise"
    );

    // No secret in any delivery, taken or refused.
    let secrets = [
        collect.token.as_str(),
        collect.code.as_str(),
        password.as_str(),
        token.as_str(),
    ];
    for delivery in &all {
        for secret in secrets {
            assert!(
                !delivery.body.contains(secret),
                "a delivery of {} holds a secret of the flow",
                delivery.event()["type"]
            );
        }
    }

    // Nothing more arrives: wait a while and look again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.taken().len(), 3, "each event is taken once");

    let history = admin
        .get_json(&routes::path(routes::ADMIN_WEBHOOK_DELIVERIES, &endpoint))
        .await;
    let history = history.as_array().expect("a list");
    let summary: Vec<(&str, &str, u64)> = history
        .iter()
        .map(|d| {
            (
                d["event"].as_str().unwrap_or_default(),
                d["status"].as_str().unwrap_or_default(),
                d["attempts"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("certificate.revoked", "sent", 1),
            ("order.collected", "sent", 1),
            ("order.created", "sent", 3),
        ],
        "the history, newest first"
    );

    // Thirty days on, the sweeper has forgotten them (the events name customers).
    app.clock.advance(time::Duration::days(31));
    admin.login(&app).await;
    let path = routes::path(routes::ADMIN_WEBHOOK_DELIVERIES, &endpoint);
    let mut history = Value::Null;
    for _ in 0..100 {
        history = admin.get_json(&path).await;
        if history.as_array().is_some_and(Vec::is_empty) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(history, json!([]), "ended deliveries are kept thirty days");
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_orders_and_a_parallel_guess_at_a_code_are_each_told_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let receiver = Receiver::default();
    register(&admin, &receiver, &["order.created", "code.locked"]).await;
    let token = api_token(&app);

    let order_ids = parallel_orders(&[&app], &token).await;

    // Ten wrong codes at once against one order: five tries are taken, the last locks it.
    let collect = app
        .link_and_code(CreatedOrder {
            order_id: order_ids[0].clone(),
            serial: None,
        })
        .await;
    let wrong = wrong_code(&collect.code);
    let guesses =
        futures::future::join_all((0..10).map(|_| app.verify(&collect.token, &wrong))).await;
    assert!(
        guesses.iter().any(|guess| guess.status() == 429),
        "the code locks"
    );

    let taken = wait_for_taken(&app, &receiver, 13).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let taken_now = receiver.taken();
    assert_eq!(taken_now.len(), taken.len(), "nothing more arrives");
    let mut told: Vec<(String, String)> = taken_now
        .iter()
        .map(|delivery| {
            let event = delivery.event();
            (
                event["type"].as_str().unwrap_or_default().to_owned(),
                event["data"]["order_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    told.sort();
    let mut expected: Vec<(String, String)> = order_ids
        .iter()
        .map(|id| ("order.created".to_owned(), id.clone()))
        .chain([("code.locked".to_owned(), order_ids[0].clone())])
        .collect();
    expected.sort();
    assert_eq!(told, expected, "every order once, and one lock");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_admins_register_endpoints_bad_input_is_refused_and_a_disabled_one_hears_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let support = app.signed_in("sam", Role::Support).await;
    let good =
        json!({ "url": "https://hooks.example.com/certportal", "events": ["order.created"] });
    refused(
        support.post(routes::ADMIN_WEBHOOKS, &good).await,
        403,
        "FORBIDDEN",
    )
    .await;
    let token = api_token(&app);
    let by_token = reqwest::Client::new()
        .post(format!("{}{}", app.url, routes::ADMIN_WEBHOOKS))
        .bearer_auth(&token)
        .json(&good)
        .send()
        .await
        .expect("answer");
    refused(by_token, 401, "UNAUTHENTICATED").await;

    for (body, field) in [
        (
            json!({ "url": "ftp://hooks.example.com/", "events": ["order.created"] }),
            "url",
        ),
        (
            json!({ "url": "not a url", "events": ["order.created"] }),
            "url",
        ),
        (
            json!({ "url": "https://user:pw@hooks.example.com/", "events": ["order.created"] }),
            "url",
        ),
        (
            json!({ "url": "https://hooks.example.com/#x", "events": ["order.created"] }),
            "url",
        ),
        (
            json!({ "url": format!("https://hooks.example.com/{}", "a".repeat(2000)), "events": ["order.created"] }),
            "url",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": [] }),
            "events",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": ["order.eaten"] }),
            "events",
        ),
    ] {
        let body = refused(
            admin.post(routes::ADMIN_WEBHOOKS, &body).await,
            400,
            "INVALID_INPUT",
        )
        .await;
        let fields: Vec<&str> = body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, [field]);
    }
    refused(
        admin
            .post(routes::ADMIN_WEBHOOKS, &json!({ "url": "https://x.example/", "events": ["order.created"], "secret": "mine" }))
            .await,
        400,
        "MALFORMED_REQUEST",
    )
    .await;
    let listed = admin.get_json(routes::ADMIN_WEBHOOKS).await;
    assert_eq!(listed, json!([]), "nothing refused was registered");

    let quiet = Receiver::default();
    let quiet_id = register(&admin, &quiet, &["order.created"]).await;
    let heard = Receiver::default();
    register(&admin, &heard, &["order.created"]).await;
    let disabled = admin
        .post_json(
            &routes::path(routes::ADMIN_WEBHOOK_DISABLE, &quiet_id),
            &json!({}),
        )
        .await;
    assert!(disabled["disabled_at"].is_string());
    refused(
        admin
            .post(
                &routes::path(routes::ADMIN_WEBHOOK_DISABLE, &quiet_id),
                &json!({}),
            )
            .await,
        409,
        "INVALID_STATE",
    )
    .await;
    refused(
        admin
            .post(
                &routes::path(routes::ADMIN_WEBHOOK_DISABLE, "ep_nope"),
                &json!({}),
            )
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    refused(
        admin
            .get(&routes::path(routes::ADMIN_WEBHOOK_DELIVERIES, "ep_nope"))
            .await,
        404,
        "NOT_FOUND",
    )
    .await;

    app.create_order(sample_order()).await;
    wait_for_taken(&app, &heard, 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        quiet.deliveries().is_empty(),
        "a disabled endpoint is told nothing"
    );
    let listed = admin.get_json(routes::ADMIN_WEBHOOKS).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_and_the_contact_s_own_withdrawal_are_told_too() {
    let app = TestApp::builder()
        .config(|config| config.support.email = "support@vendor.example".into())
        .spawn()
        .await;
    let admin = app.signed_in_admin().await;
    let receiver = Receiver::default();
    receiver.use_clock(&app.clock);
    let events = [
        "certificate.expiring",
        "certificate.revoked",
        "self_service.revoked",
    ];
    register(&admin, &receiver, &events).await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let order_id = collect.order.order_id.clone();
    let receipt = app.wait_for_email(&order_id, "receipt", 1).await;
    let report = report_token(&receipt[0].body);

    // Sixty days and an hour before the end: the first reminder, and its event.
    let not_after = app.stored_order(&order_id).await.not_after.expect("an end");
    let by = not_after - 60 * 86_400 + 3_600 - app.now_unix();
    app.clock.advance(time::Duration::seconds(by));
    app.wait_for_email(&order_id, "expiry_reminder", 1).await;
    let taken = wait_for_taken(&app, &receiver, 1).await;
    let expiring = taken[0].event();
    assert_eq!(expiring["type"], "certificate.expiring");
    assert_eq!(expiring["data"]["order_id"], order_id.as_str());
    assert!(expiring["data"]["not_after"].is_string());

    // The contact withdraws it with the receipt's link and a code.
    let post = |path: &'static str, body: Value| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}{path}", app.url))
                .json(&body)
                .send()
                .await
                .expect("answer")
        }
    };
    let sent = post(routes::REPORT_CODE, json!({ "token": report })).await;
    assert_eq!(sent.status(), 200);
    let sms = app.wait_for_sms(&order_id, "report_code", 1).await;
    let code = code_in(&sms[0].body, 8);
    let revoked = post(
        routes::REPORT_REVOKE,
        json!({ "token": report, "code": code, "reason": "keyCompromise" }),
    )
    .await;
    assert_eq!(revoked.status(), 200);
    let taken = wait_for_taken(&app, &receiver, 3).await;
    let kinds: Vec<&str> = taken[1..]
        .iter()
        .map(|delivery| match delivery.event()["type"].as_str() {
            Some("certificate.revoked") => "certificate.revoked",
            Some("self_service.revoked") => "self_service.revoked",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["certificate.revoked", "self_service.revoked"]);
    for delivery in &taken[1..] {
        let event = delivery.event();
        assert_eq!(event["data"]["actor"], "contact");
        assert_eq!(event["data"]["revocation_reason"], "keyCompromise");
        assert!(!delivery.body.contains(&report) && !delivery.body.contains(&code));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_hangs_holds_back_neither_a_contact_s_code_nor_another_endpoint() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let receiver = Receiver::default();
    let endpoint = register(&admin, &receiver, &["order.created"]).await;
    let other = Receiver::default();
    register(&admin, &other, &["order.created"]).await;
    receiver.hold();
    app.create_order(sample_order()).await;
    for _ in 0..100 {
        if receiver.held() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(receiver.held(), 1, "the first event's delivery hangs");

    // While it hangs, another order's link and code go out, and the other endpoint is told
    // of both orders: the delivery is still in its first try (the portal gives an endpoint
    // ten seconds) when they are.
    let second = app.order_with_link().await;
    for _ in 0..100 {
        if other.taken().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        other.taken().len(),
        2,
        "the other endpoint heard of both orders"
    );
    let history = admin
        .get_json(&routes::path(routes::ADMIN_WEBHOOK_DELIVERIES, &endpoint))
        .await;
    let first_try = history
        .as_array()
        .and_then(|deliveries| deliveries.last())
        .expect("the hanging delivery");
    assert_eq!(
        (
            first_try["attempts"].as_u64(),
            first_try["last_error"].is_null()
        ),
        (Some(0), true),
        "the code and the other endpoint's events went out while the endpoint still hung"
    );
    assert!(!second.code.is_empty());
    receiver.release();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_postgresql_tell_each_event_once_through_an_outage() {
    let first = TestApp::builder().postgres().spawn().await;
    let second = TestApp::builder().instance_of(&first).spawn().await;
    let admin = first.signed_in_admin().await;
    let receiver = Receiver::default();
    register(&admin, &receiver, &["order.created"]).await;
    receiver.fail_first(5);
    // Through the API: the command line would reach the data dir's own SQLite file.
    let made = admin
        .post_json(
            routes::ADMIN_TOKENS,
            &json!({ "name": "crm", "scopes": ["orders:write"] }),
        )
        .await;
    let token = made["token"].as_str().expect("a token").to_owned();
    let mut order_ids = parallel_orders(&[&first, &second], &token).await;
    // Both instances' clocks move on, so that either may take the retries.
    for _ in 0..100 {
        if receiver.taken().len() >= 12 {
            break;
        }
        first.clock.advance(time::Duration::seconds(2));
        second.clock.advance(time::Duration::seconds(2));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut told: Vec<String> = receiver
        .taken()
        .iter()
        .map(|delivery| {
            delivery.event()["data"]["order_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    told.sort();
    order_ids.sort();
    assert_eq!(
        told, order_ids,
        "each order's event taken once, by either instance"
    );
    assert!(
        receiver.deliveries().len() >= 17,
        "five refusals were tried again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_on_a_private_address_is_refused_unless_the_operator_allows_it() {
    let app = TestApp::builder()
        .config(|config| config.webhooks.dangerous_allow_private_addresses = false)
        .spawn()
        .await;
    let admin = app.signed_in_admin().await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    for private in [
        url.clone(),
        "http://[::1]/hooks".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.7:8080/hooks".to_owned(),
        "http://[::ffff:127.0.0.1]/hooks".to_owned(),
    ] {
        let refusal = refused(
            admin
                .post(
                    routes::ADMIN_WEBHOOKS,
                    &json!({ "url": private, "events": ["order.created"] }),
                )
                .await,
            400,
            "INVALID_INPUT",
        )
        .await;
        assert_eq!(refusal["fields"][0]["field"], "url", "{private}");
    }

    // A name is taken, and resolved at each delivery: one that resolves to loopback only is
    // never called.
    let by_name = url.replace("127.0.0.1", "localhost");
    let created = admin
        .post_json(
            routes::ADMIN_WEBHOOKS,
            &json!({ "url": by_name, "events": ["order.created"] }),
        )
        .await;
    receiver.set_secret(created["secret"].as_str().expect("a secret"));
    let endpoint = created["info"]["id"].as_str().expect("an id").to_owned();
    app.create_order(sample_order()).await;
    let path = routes::path(routes::ADMIN_WEBHOOK_DELIVERIES, &endpoint);
    let mut history = Value::Null;
    for _ in 0..100 {
        history = admin.get_json(&path).await;
        if history[0]["last_error"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let error = history[0]["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("no public address"),
        "the history says why: {history}"
    );
    assert!(
        receiver.deliveries().is_empty(),
        "the receiver was never called"
    );
}
