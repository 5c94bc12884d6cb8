//! The admin API: sign-in, sessions, roles, cross-site refusal, orders and their actions,
//! staff management.

use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use serde_json::{Value, json};
use time::Duration;

async fn refusal(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["code"].as_str().unwrap_or_default().to_owned(),
        body,
    )
}

fn order_body() -> Value {
    json!({
        "org": "Acme AS", "service": "Payments API", "client": "e-banking",
        "contact_name": "Kari Nordmann", "email": "kari@example.no", "mobile": "+4791234567"
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_needs_the_password_and_the_current_totp_code() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    let code = alice.code(&app);
    let (status, code_name, _) = refusal(alice.login_with("wrong password", &code).await).await;
    assert_eq!((status, code_name.as_str()), (401, "LOGIN_FAILED"));
    let (status, _, _) = refusal(alice.login_with(&alice.password, "").await).await;
    assert_eq!(status, 401, "no TOTP, no entry");
    let wrong_totp = if code == "000000" { "111111" } else { "000000" };
    let (status, _, _) = refusal(alice.login_with(&alice.password, wrong_totp).await).await;
    assert_eq!(status, 401);
    let (status, _, _) = refusal(alice.get(routes::ADMIN_ME).await).await;
    assert_eq!(status, 401, "no session yet");

    let response = alice.login_with(&alice.password, &code).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "certportal_admin=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/admin",
        "Max-Age=1800",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(!cookie.contains("Secure"), "not Secure over http");
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["must_change_password"], true);
    assert_eq!(alice.get_json(routes::ADMIN_ME).await["username"], "alice");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_totp_code_works_once() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Support).await;
    let code = alice.code(&app);
    assert_eq!(alice.login_with(&alice.password, &code).await.status(), 200);
    assert_eq!(
        alice.post(routes::ADMIN_LOGOUT, &json!({})).await.status(),
        204
    );
    let (status, _, _) = refusal(alice.login_with(&alice.password, &code).await).await;
    assert_eq!(status, 401, "the same code again is refused");
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        alice
            .login_with(&alice.password, &alice.code(&app))
            .await
            .status(),
        200,
        "the next code works"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_throttle_the_account_for_fifteen_minutes() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Support).await;
    for _ in 0..5 {
        assert_eq!(
            alice.login_with("wrong", &alice.code(&app)).await.status(),
            401
        );
    }
    let response = alice.login_with(&alice.password, &alice.code(&app)).await;
    assert!(response.headers().contains_key("retry-after"));
    let (status, code, _) = refusal(response).await;
    assert_eq!(
        (status, code.as_str()),
        (429, "LOGIN_THROTTLED"),
        "even the right password waits"
    );
    let bob = app.add_staff("bob", Role::Support).await;
    bob.login(&app).await;
    app.clock.advance(Duration::minutes(15));
    alice.login(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_admin_endpoint_needs_a_session() {
    let app = spawn_app().await;
    let anonymous = app.add_staff("alice", Role::Admin).await;
    let gets = [
        routes::ADMIN_ME,
        routes::ADMIN_ORDERS,
        routes::ADMIN_DASHBOARD,
        routes::ADMIN_STAFF,
        routes::ADMIN_AUDIT,
        "/api/admin/orders/x",
    ];
    for path in gets {
        let (status, code, _) = refusal(anonymous.get(path).await).await;
        assert_eq!(
            (status, code.as_str()),
            (401, "UNAUTHENTICATED"),
            "GET {path}"
        );
    }
    let posts = [
        (routes::ADMIN_ORDERS, order_body()),
        ("/api/admin/orders/x/resend", json!({})),
        ("/api/admin/orders/x/cancel", json!({})),
        (
            "/api/admin/certificates/ab/revoke",
            json!({"reason": "keyCompromise"}),
        ),
        (
            routes::ADMIN_STAFF,
            json!({"username": "eve", "role": "admin"}),
        ),
        ("/api/admin/staff/alice/disable", json!({})),
        ("/api/admin/staff/alice/reset-password", json!({})),
        ("/api/admin/staff/alice/reset-totp", json!({})),
        (
            routes::ADMIN_ME_PASSWORD,
            json!({"current_password": "x", "new_password": "y"}),
        ),
    ];
    for (path, body) in posts {
        let (status, code, _) = refusal(anonymous.post(path, &body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (401, "UNAUTHENTICATED"),
            "POST {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn support_staff_cannot_manage_staff_or_read_the_audit_log() {
    let app = spawn_app().await;
    let support = app.add_staff("sam", Role::Support).await;
    support.login(&app).await;
    for response in [
        support.get(routes::ADMIN_STAFF).await,
        support.get(routes::ADMIN_AUDIT).await,
        support
            .post(
                routes::ADMIN_STAFF,
                &json!({"username": "eve", "role": "admin"}),
            )
            .await,
        support
            .post("/api/admin/staff/sam/reset-totp", &json!({}))
            .await,
    ] {
        let (status, code, _) = refusal(response).await;
        assert_eq!((status, code.as_str()), (403, "FORBIDDEN"));
    }
    support.post_json(routes::ADMIN_ORDERS, &order_body()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cross_site_post_is_refused_even_with_the_session_cookie() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let url = format!("{}{}", app.url, routes::ADMIN_ORDERS);
    let evil = alice
        .http
        .post(&url)
        .header("origin", "https://evil.example")
        .json(&order_body())
        .send()
        .await
        .unwrap();
    let (status, code, _) = refusal(evil).await;
    assert_eq!((status, code.as_str()), (403, "CROSS_SITE_REQUEST"));
    let fetch = alice
        .http
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 403);
    let own = alice
        .http
        .post(&url)
        .header("origin", &app.url)
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200, "the portal's own origin is fine");
    let (orders, _) = app
        .state()
        .store
        .list_orders(&certportal::store::OrderFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(orders.len(), 1, "the refused requests made nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_order_fields_are_each_named() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let mut body = order_body();
    body["mobile"] = json!("12345");
    body["email"] = json!("kari(at)example.no");
    body["client"] = json!("e/banking");
    body["key"] = json!("rsa1024");
    let (status, code, error) = refusal(alice.post(routes::ADMIN_ORDERS, &body).await).await;
    assert_eq!((status, code.as_str()), (400, "INVALID_INPUT"));
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["client", "email", "mobile", "key"]);
    let (status, code, _) = refusal(
        alice
            .post(routes::ADMIN_ORDERS, &json!({"org": "x", "nonsense": 1}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_create_list_search_and_follow_orders() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let first = alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
    app.clock.advance(Duration::seconds(5));
    let mut other = order_body();
    other["org"] = json!("Blåbær Bank ASA");
    other["client"] = json!("min side");
    other["locale"] = json!("nb");
    let second = alice.post_json(routes::ADMIN_ORDERS, &other).await;
    assert!(second["serial"].as_str().unwrap().len() >= 16);

    let list = alice.get_json(routes::ADMIN_ORDERS).await;
    assert_eq!(list["total"], 2);
    let ids: Vec<&str> = list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            second["order_id"].as_str().unwrap(),
            first["order_id"].as_str().unwrap()
        ],
        "newest first"
    );
    let found = alice.get_json("/api/admin/orders?q=bl%C3%A5b%C3%A6r").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["orders"][0]["client"], "min side");
    let by_serial = alice
        .get_json(&format!(
            "/api/admin/orders?q={}",
            &first["serial"].as_str().unwrap()[..10]
        ))
        .await;
    assert_eq!(by_serial["orders"][0]["order_id"], first["order_id"]);
    let none = alice.get_json("/api/admin/orders?q=100%25").await;
    assert_eq!(none["total"], 0, "a % is searched literally");

    let order_id = first["order_id"].as_str().unwrap();
    app.wait_for_queue_drained(order_id).await;
    let linked = alice.get_json("/api/admin/orders?state=link_sent").await;
    assert_eq!(linked["total"], 2);
    let detail = alice.get_json(&routes::admin_order(order_id, None)).await;
    assert_eq!(detail["order"]["state"], "link_sent");
    assert_eq!(detail["order"]["created_by"], "staff:alice");
    assert_eq!(
        detail["certificate"]["subject"],
        "CN=e-banking,OU=Payments API,O=Acme AS"
    );
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.starts_with(&["order.created"]) && actions.contains(&"message.sent.collect_link"),
        "{actions:?}"
    );
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2);
    assert_eq!(
        detail["actions"],
        json!({"resend": true, "cancel": true, "revoke": true, "renew": true})
    );
    let (status, code, _) = refusal(alice.get("/api/admin/orders/no-such-order").await).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_puts_the_serial_on_the_crl() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let created = alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
    let serial = created["serial"].as_str().unwrap();
    let revoked = alice
        .post_json(
            &routes::admin_revoke(serial),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    assert_eq!(revoked["revocation_reason"], "keyCompromise");
    let (status, code, _) = refusal(
        alice
            .post(
                &routes::admin_revoke(serial),
                &json!({"reason": "keyCompromise"}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "ALREADY_REVOKED"));
    let (status, code, _) = refusal(
        alice
            .post(&routes::admin_revoke("abcdef0123"), &json!({}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "UNKNOWN_SERIAL"));
    let (status, code, _) = refusal(
        alice
            .post(&routes::admin_revoke(serial), &json!({"reason": "boredom"}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "MALFORMED_REQUEST"));

    let dir = tempfile::tempdir().unwrap();
    let crl = tools::write(
        dir.path(),
        "crl.der",
        &app.get("/crl").await.bytes().await.unwrap(),
    );
    let text = tools::run_ok(
        "openssl",
        &["crl", "-inform", "DER", "-in", &crl, "-noout", "-text"],
    );
    assert!(
        text.to_uppercase().contains(&serial.to_uppercase()),
        "{text}"
    );
    assert!(text.contains("Key Compromise"));
    let detail = alice
        .get_json(&routes::admin_order(
            created["order_id"].as_str().unwrap(),
            None,
        ))
        .await;
    assert_eq!(detail["order"]["state"], "revoked");
    assert_eq!(detail["actions"]["revoke"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_gives_a_new_link_and_code_and_ends_the_old_ones() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let collect = app.order_with_link().await;
    let order_id = &collect.order.order_id;
    alice
        .post_json(&routes::admin_order(order_id, Some("resend")), &json!({}))
        .await;
    let links = app.wait_for_sms(order_id, "otp", 2).await;
    let new_code = code_in(&links[1].body, 8);
    let mails: Vec<_> = app
        .mail
        .sent()
        .into_iter()
        .filter(|m| m.purpose == "collect_link")
        .collect();
    assert_eq!(mails.len(), 2);
    let new_token = link_token(&mails[1].body);
    assert_ne!(new_token, collect.token);
    let (status, code, _) = refusal(app.open(&collect.token).await).await;
    assert_eq!(
        (status, code.as_str()),
        (404, "UNKNOWN_LINK"),
        "the old link is dead"
    );
    let (file, password) = app
        .collect(&Collect {
            order: collect.order.clone(),
            token: new_token,
            code: new_code,
        })
        .await;
    let report = certportal_shared::bundle::open(&file, &password, None, app.now_unix()).unwrap();
    assert_eq!(
        report.certificate.serial, collect.order.serial,
        "the same certificate"
    );
    let (status, code, _) = refusal(
        alice
            .post(&routes::admin_order(order_id, Some("resend")), &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (409, "INVALID_STATE"),
        "nothing to resend once collected"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_wipes_the_file_and_revokes_the_uncollected_certificate() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let collect = app.order_with_link().await;
    let detail = alice
        .post_json(
            &routes::admin_order(&collect.order.order_id, Some("cancel")),
            &json!({}),
        )
        .await;
    assert_eq!(detail["order"]["state"], "cancelled");
    assert_eq!(
        detail["certificate"]["revocation_reason"],
        "cessationOfOperation"
    );
    let (status, code, _) = refusal(app.open(&collect.token).await).await;
    assert_eq!((status, code.as_str()), (410, "LINK_CANCELLED"));
    let order = app
        .state()
        .store
        .order(&collect.order.order_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!order.has_bundle);
    let (status, _, _) = refusal(
        alice
            .post(
                &routes::admin_order(&collect.order.order_id, Some("cancel")),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_supersedes_the_old_certificate_once_collected_unless_told_not_to() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    for (supersede, expected) in [(true, Some("superseded")), (false, None)] {
        let old = app.order_with_link().await;
        app.collect(&old).await;
        let mut body = order_body();
        body["renews"] = json!(old.order.serial);
        body["supersede"] = json!(supersede);
        let renewal = alice.post_json(routes::ADMIN_ORDERS, &body).await;
        let renewal = certportal::flow::orders::CreatedOrder {
            order_id: renewal["order_id"].as_str().unwrap().into(),
            serial: renewal["serial"].as_str().unwrap().into(),
        };
        let detail = alice
            .get_json(&routes::admin_order(&renewal.order_id, None))
            .await;
        assert_eq!(detail["order"]["renews"], old.order.serial.as_str());
        let before = app
            .state()
            .store
            .certificate(&old.order.serial)
            .await
            .unwrap()
            .unwrap();
        assert!(
            before.revoked_at.is_none(),
            "nothing happens before the new one is collected"
        );
        let token = app.wait_for_link(&renewal.order_id).await;
        let code = app.wait_for_code(&renewal.order_id, 1).await;
        app.collect(&Collect {
            order: renewal,
            token,
            code,
        })
        .await;
        let after = app
            .state()
            .store
            .certificate(&old.order.serial)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            after.revocation_reason.map(|r| r.as_str()),
            expected,
            "supersede = {supersede}"
        );
    }
    let mut bad = order_body();
    bad["renews"] = json!("deadbeef");
    let (status, code, _) = refusal(alice.post(routes::ADMIN_ORDERS, &bad).await).await;
    assert_eq!((status, code.as_str()), (404, "UNKNOWN_SERIAL"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_counts_states_and_lists_certificates_expiring_within_sixty_days() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let collected = app.order_with_link().await;
    app.collect(&collected).await;
    alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    let count = |state: &str| {
        dashboard["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["state"] == state)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("collected"), 1);
    assert_eq!(count("issued") + count("link_sent"), 1);
    assert_eq!(count("revoked"), 0);
    assert_eq!(dashboard["expiring"].as_array().unwrap().len(), 0);
    app.clock.advance(Duration::days(730 - 59));
    let later = alice.get_json(routes::ADMIN_DASHBOARD).await;
    let expiring = later["expiring"].as_array().unwrap();
    assert_eq!(expiring.len(), 1);
    assert_eq!(expiring[0]["serial"], collected.order.serial.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_add_disable_and_reset_staff() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let enrolment = alice
        .post_json(
            routes::ADMIN_STAFF,
            &json!({"username": "Sam", "role": "support"}),
        )
        .await;
    assert_eq!(enrolment["username"], "sam");
    assert!(
        enrolment["totp_qr_svg"]
            .as_str()
            .unwrap()
            .starts_with("<svg")
    );
    let sam = StaffClient::new(
        &app,
        "sam",
        enrolment["password"].as_str().unwrap(),
        enrolment["totp_uri"].as_str().unwrap(),
    );
    sam.login(&app).await;
    let (status, code, _) = refusal(
        alice
            .post(routes::ADMIN_STAFF, &json!({"username": "sam"}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_INPUT"), "taken");
    let staff = alice.get_json(routes::ADMIN_STAFF).await;
    assert_eq!(staff.as_array().unwrap().len(), 2);

    alice
        .post_json("/api/admin/staff/sam/disable", &json!({}))
        .await;
    let (status, _, _) = refusal(sam.get(routes::ADMIN_ME).await).await;
    assert_eq!(status, 401, "a disabled account's session ends at once");
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        sam.login_with(&sam.password, &sam.code(&app))
            .await
            .status(),
        401
    );
    alice
        .post_json("/api/admin/staff/sam/enable", &json!({}))
        .await;
    let (status, code, _) = refusal(
        alice
            .post("/api/admin/staff/alice/disable", &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (409, "INVALID_STATE"),
        "not oneself"
    );

    let reset = alice
        .post_json("/api/admin/staff/sam/reset-password", &json!({}))
        .await;
    let new_password = reset["password"].as_str().unwrap();
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        sam.login_with(&sam.password, &sam.code(&app))
            .await
            .status(),
        401,
        "the old password is gone"
    );
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        sam.login_with(new_password, &sam.code(&app)).await.status(),
        200
    );

    let totp = alice
        .post_json("/api/admin/staff/sam/reset-totp", &json!({}))
        .await;
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        sam.login_with(new_password, &sam.code(&app)).await.status(),
        401,
        "the old authenticator is gone"
    );
    let fresh = StaffClient::new(
        &app,
        "sam",
        new_password,
        totp["totp_uri"].as_str().unwrap(),
    );
    fresh.login(&app).await;
    let (status, _, _) = refusal(
        alice
            .post("/api/admin/staff/nobody/reset-totp", &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_change_their_own_password_and_sign_out() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, code, error) = refusal(
        alice
            .post(
                routes::ADMIN_ME_PASSWORD,
                &change("wrong", "a new long password"),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_INPUT"));
    assert_eq!(error["fields"][0]["field"], "current_password");
    let (_, _, error) = refusal(
        alice
            .post(routes::ADMIN_ME_PASSWORD, &change(&alice.password, "short"))
            .await,
    )
    .await;
    assert_eq!(error["fields"][0]["field"], "new_password");
    assert_eq!(
        alice
            .post(
                routes::ADMIN_ME_PASSWORD,
                &change(&alice.password, "a new long password")
            )
            .await
            .status(),
        204
    );
    assert_eq!(
        alice.get_json(routes::ADMIN_ME).await["must_change_password"],
        false
    );
    assert_eq!(
        alice.post(routes::ADMIN_LOGOUT, &json!({})).await.status(),
        204
    );
    assert_eq!(alice.get(routes::ADMIN_ME).await.status(), 401);
    app.clock.advance(Duration::seconds(30));
    assert_eq!(
        alice
            .login_with("a new long password", &alice.code(&app))
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_shows_staff_actions_with_who_and_from_where() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
    let page = alice.get_json("/api/admin/audit?actor=staff:").await;
    let events = page["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e[1]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["order.created", "staff.login"],
        "newest first, staff only"
    );
    assert!(
        events
            .iter()
            .all(|e| e[1]["actor"] == "staff:alice" && e[1]["ip"] == "127.0.0.1")
    );
}

#[test]
fn admin_add_prints_the_password_and_the_totp_uri_on_lines_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let init = cli::run(dir.path(), &["init"], None);
    assert!(init.status.success());
    let added = cli::run(
        dir.path(),
        &["admin", "add", "alice", "--role", "admin"],
        None,
    );
    assert!(added.status.success(), "{}", cli::stderr(&added));
    let out = cli::stdout(&added);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a password line");
    let uri = out
        .lines()
        .find_map(|l| l.strip_prefix("totp: "))
        .expect("a totp line");
    assert_eq!(password, password_in(password));
    assert!(uri.starts_with("otpauth://totp/certportal:alice?"), "{uri}");
    totp_rs::TOTP::from_url(uri).expect("an authenticator can read it");
    let bad_role = cli::run(dir.path(), &["admin", "add", "bob", "--role", "root"], None);
    assert_eq!(bad_role.status.code(), Some(1));
    assert!(cli::stderr(&bad_role).starts_with("error: role:"));
}
