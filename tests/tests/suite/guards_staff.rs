//! Staff sign-in under attack, and sessions that end when they should.

use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use futures::future::join_all;
use serde_json::json;
use time::Duration;

/// A six-digit code that matches none of the steps around now.
fn wrong_totp(staff: &StaffClient, app: &TestApp) -> String {
    let now = u64::try_from(app.now_unix()).unwrap();
    let near: Vec<String> = [now - 30, now, now + 30]
        .iter()
        .map(|&at| staff.totp.generate(at))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|code| !near.contains(code))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_parallel_sign_ins_with_the_password_and_wrong_codes_get_five_checks() {
    // The per-address rate limit has its own test; here the account's throttle is alone.
    let app = TestApp::builder()
        .config(|config| config.admin.login_rate_per_minute = 1000)
        .spawn()
        .await;
    let bob = app.signed_in("bob", Role::Admin).await;
    let alice = app.add_staff("alice", Role::Support).await;
    let wrong = wrong_totp(&alice, &app);
    let answers = join_all((0..50).map(|_| alice.login_with(&alice.password, &wrong))).await;
    let mut checked = 0;
    let mut throttled = 0;
    for answer in answers {
        match refusal(answer).await {
            (401, code, _) if code == "LOGIN_FAILED" => checked += 1,
            (429, code, _) if code == "LOGIN_THROTTLED" => throttled += 1,
            (status, code, _) => panic!("unexpected answer {status} {code}"),
        }
    }
    assert_eq!(checked, 5, "only the account's five tries were checked");
    assert_eq!(
        throttled, 45,
        "the rest refused before their password was hashed"
    );
    let right = alice.login_with(&alice.password, &alice.code(&app)).await;
    refused(right, 429, "LOGIN_THROTTLED").await;

    let audit = bob
        .get_json(&format!("{}?limit=500", routes::ADMIN_AUDIT))
        .await;
    let failures = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pair| pair[1]["action"] == "staff.login_failed")
        .count();
    assert_eq!(failures, 5, "the audit trail shows the five checked tries");
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_ins_from_one_address_are_limited_before_any_password_is_checked() {
    let app = TestApp::builder()
        .config(|config| config.admin.login_rate_per_minute = 10)
        .spawn()
        .await;
    let client = reqwest::Client::new();
    let answers = join_all((0..30).map(|n| {
        client
            .post(format!("{}{}", app.url, routes::ADMIN_LOGIN))
            .json(&json!({"username": format!("nobody{n}"), "password": "x", "totp": "000000"}))
            .send()
    }))
    .await;
    let mut limited = 0;
    for answer in answers {
        if refusal(answer.unwrap()).await.1 == "RATE_LIMITED" {
            limited += 1;
        }
    }
    assert_eq!(
        limited, 20,
        "ten a minute from one address, whatever the names"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn three_hundred_parallel_sign_ins_keep_the_portals_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let init = cli::run(dir.path(), &["init"], None);
    assert!(init.status.success(), "{}", cli::stderr(&init));
    let served = process::Served::start(
        dir.path(),
        &[("CERTPORTAL_HTTP__CLIENT_IP_HEADER", "X-Forwarded-For")],
    )
    .await;
    let client = reqwest::Client::new();
    // Each from its own address and for its own name, so that no throttle refuses them: the
    // hashing queue alone must keep the memory down.
    let answers = join_all((0..300).map(|n| {
        client
            .post(format!("{}{}", served.url, routes::ADMIN_LOGIN))
            .header("X-Forwarded-For", format!("10.0.{}.{}", n / 250, n % 250 + 1))
            .json(&json!({"username": format!("user{n}"), "password": "wrong password", "totp": "123456"}))
            .send()
    }))
    .await;
    let mut checked = 0;
    for answer in answers {
        match refusal(answer.unwrap()).await.1.as_str() {
            "LOGIN_FAILED" => checked += 1,
            // Beyond the hashing queue's room: refused at once, to try again in a moment.
            "RATE_LIMITED" => {}
            other => panic!("unexpected answer {other}"),
        }
    }
    assert!(checked >= 64, "the queue's room was hashed ({checked})");
    let peak = served.peak_rss_kib();
    assert!(
        peak < 150 * 1024,
        "peak memory {} MiB for 300 parallel sign-ins (argon2 takes 19 MiB each)",
        peak / 1024
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_password_ends_the_accounts_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let mut alice = app.signed_in_admin().await;
    app.clock.advance(Duration::seconds(30));
    let other = StaffClient::new(&app, "alice", &alice.password, &alice.totp.get_url());
    other.login(&app).await;
    assert_eq!(other.get(routes::ADMIN_ORDERS).await.status(), 200);

    alice.choose_password().await;
    refused(
        other.get(routes::ADMIN_ORDERS).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    assert_eq!(
        alice.get(routes::ADMIN_ORDERS).await.status(),
        200,
        "the session that changed it goes on"
    );
}

/// Bob, an admin, and alice, support, both signed in; bob does `actions` to alice's account;
/// afterwards alice's session has ended and bob's goes on.
async fn after_an_admin_acts_alice_is_signed_out(actions: &[&str]) {
    let app = spawn_app().await;
    let admin = app.signed_in("bob", Role::Admin).await;
    app.clock.advance(Duration::seconds(30));
    let alice = app.signed_in("alice", Role::Support).await;
    assert_eq!(alice.get(routes::ADMIN_ORDERS).await.status(), 200);
    for action in actions {
        admin
            .post_json(&routes::admin_staff("alice", action), &json!({}))
            .await;
    }
    refused(
        alice.get(routes::ADMIN_ORDERS).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    assert_eq!(
        admin.get(routes::ADMIN_ORDERS).await.status(),
        200,
        "the admin's own session is another account's"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_reset_ends_the_accounts_sessions() {
    after_an_admin_acts_alice_is_signed_out(&["reset-password"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_authenticator_reset_ends_the_accounts_sessions() {
    after_an_admin_acts_alice_is_signed_out(&["reset-totp"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn disabling_an_account_ends_its_sessions_for_good() {
    after_an_admin_acts_alice_is_signed_out(&["disable", "enable"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_password_opens_nothing_but_its_own_change() {
    let app = spawn_app().await;
    let mut sam = app.add_staff("sam", Role::Support).await;
    let me = sam.login(&app).await;
    assert_eq!(me["must_change_password"], true);
    for path in [routes::ADMIN_ORDERS, routes::ADMIN_DASHBOARD] {
        refused(sam.get(path).await, 403, "PASSWORD_CHANGE_REQUIRED").await;
    }
    refused(
        sam.post(
            routes::ADMIN_ORDERS,
            &serde_json::to_value(sample_order()).unwrap(),
        )
        .await,
        403,
        "PASSWORD_CHANGE_REQUIRED",
    )
    .await;
    assert_eq!(sam.get(routes::ADMIN_ME).await.status(), 200);
    sam.choose_password().await;
    assert_eq!(sam.get(routes::ADMIN_ORDERS).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_session_ends_twelve_hours_after_sign_in_however_busy() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;
    for _ in 0..23 {
        app.clock.advance(Duration::minutes(31));
        assert_eq!(
            alice.get(routes::ADMIN_ORDERS).await.status(),
            200,
            "busy within twelve hours"
        );
    }
    app.clock.advance(Duration::minutes(31));
    refused(
        alice.get(routes::ADMIN_ORDERS).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_on_its_way_does_not_undo_an_admins_reset() {
    let app = spawn_app().await;
    let admin = app.signed_in("bob", Role::Admin).await;
    app.clock.advance(Duration::seconds(30));
    // Someone who holds alice's session changes her password; the admin resets it while
    // the change is hashing.
    let alice = app.signed_in("alice", Role::Support).await;
    let body = json!({"current_password": alice.password, "new_password": "the intruder's choice"});
    let change = alice.post(routes::ADMIN_ME_PASSWORD, &body);
    let reset = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        admin
            .post_json(&routes::admin_staff("alice", "reset-password"), &json!({}))
            .await
    };
    let (_, enrolment) = tokio::join!(change, reset);
    refused(
        alice.get(routes::ADMIN_ORDERS).await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    app.clock.advance(Duration::seconds(30));
    let handed_out = enrolment["password"].as_str().unwrap();
    let fresh = StaffClient::new(&app, "alice", handed_out, &alice.totp.get_url());
    assert_eq!(
        fresh
            .login_with(handed_out, &fresh.code(&app))
            .await
            .status(),
        200,
        "the password the admin handed out works"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_holds_no_staff_session_id() {
    let app = spawn_app().await;
    let alice = app.add_staff("alice", Role::Admin).await;
    let response = alice.login_with(&alice.password, &alice.code(&app)).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let id = cookie
        .strip_prefix("certportal_admin=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie")
        .to_owned();
    assert_eq!(alice.get(routes::ADMIN_ME).await.status(), 200);
    let held = scan::holders(&scan::files_under(app.data_dir()), id.as_bytes());
    assert!(
        held.is_empty(),
        "a copy of the database would sign in as alice: the session id is in {held:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_staff_session_outlives_its_idle_timeout() {
    // Real time: tower-sessions keeps the idle expiry by the system clock.
    let app = TestApp::builder()
        .config(|config| config.admin.session_idle_minutes = 1)
        .spawn()
        .await;
    let alice = app.signed_in_admin().await;
    for seconds in [15, 30, 45, 60, 75] {
        tokio::time::sleep(std::time::Duration::from_secs(15)).await;
        assert_eq!(
            alice.get(routes::ADMIN_ORDERS).await.status(),
            200,
            "busy every 15 s, still signed in after {seconds} s"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn what_is_typed_as_a_user_name_is_not_kept() {
    let app = spawn_app().await;
    let admin = app.signed_in("bob", Role::Admin).await;
    // A password typed into the wrong field.
    let typed = "Correct-Horse-Battery-Staple-2026";
    let answer = admin
        .post(
            routes::ADMIN_LOGIN,
            &json!({"username": typed, "password": "x", "totp": "000000"}),
        )
        .await;
    refused(answer, 401, "LOGIN_FAILED").await;
    let held = scan::holders(
        &scan::files_under(app.data_dir()),
        typed.to_lowercase().as_bytes(),
    );
    assert!(held.is_empty(), "the typed name is in {held:?}");
    let audit = admin.get_json(routes::ADMIN_AUDIT).await;
    assert!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|pair| pair[1]["action"] == "staff.login_failed"
                && pair[1]["detail"] == "an unknown user name"),
        "the failure is in the audit trail, without the name"
    );
}
