//! Sign-in, sessions, roles, cross-site refusal, one's own password.

use super::order_body;
use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::{Value, json};
use time::Duration;

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
    let support = app.signed_in("sam", Role::Support).await;
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
    let listed = app
        .state()
        .store
        .list_orders(&certportal::store::OrderFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.orders.len(), 1, "the refused requests made nothing");
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

#[tokio::test(flavor = "multi_thread")]
async fn admin_reset_on_the_command_line_is_the_way_back_in() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    alice.login(&app).await;
    let admin_client = app.signed_in("bob", Role::Admin).await;
    admin_client
        .post_json("/api/admin/staff/alice/disable", &json!({}))
        .await;

    let reset = cli::run(app.data_dir(), &["admin", "reset", "alice"], None);
    assert!(reset.status.success(), "{}", cli::stderr(&reset));
    let out = cli::stdout(&reset);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a password line");
    let uri = out
        .lines()
        .find_map(|l| l.strip_prefix("totp: "))
        .expect("a totp line");
    assert_ne!(password, alice.password);

    app.clock.advance(Duration::seconds(30));
    let (status, _, _) = refusal(alice.login_with(&alice.password, &alice.code(&app)).await).await;
    assert_eq!(status, 401, "the old password and authenticator are gone");
    let fresh = certportal_tests::staff::StaffClient::new(&app, "alice", password, uri);
    fresh.login(&app).await;

    let listed = cli::stdout(&cli::run(app.data_dir(), &["admin", "list"], None));
    assert!(
        listed.lines().any(|l| l == "alice\tadmin\tactive"),
        "re-enabled: {listed}"
    );
    let unknown = cli::run(app.data_dir(), &["admin", "reset", "nobody"], None);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(cli::stderr(&unknown).starts_with("error: username:"));
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_from_one_address_throttle_every_account_from_it() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Support).await;
    // Twenty guesses, each at another name, so that no single account reaches its limit.
    for n in 0..20 {
        let guess = json!({"username": format!("guess{n}"), "password": "x", "totp": "000000"});
        assert_eq!(alice.post(routes::ADMIN_LOGIN, &guess).await.status(), 401);
    }
    let (status, code, _) =
        refusal(alice.login_with(&alice.password, &alice.code(&app)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (429, "LOGIN_THROTTLED"),
        "the address is throttled"
    );
    app.clock.advance(Duration::minutes(15));
    alice.login(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn under_https_the_session_cookie_is_secure() {
    let app = TestApp::builder()
        .config(|config| config.base_url = "https://portal.example".into())
        .spawn()
        .await;
    let alice = app.add_staff("alice", Role::Support).await;
    let response = alice.login_with(&alice.password, &alice.code(&app)).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
