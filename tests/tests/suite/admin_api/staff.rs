//! Staff management and the audit log.

use super::order_body;
use certportal_shared::routes;
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use serde_json::json;
use time::Duration;

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
        ["order.created", "staff.password_changed", "staff.login"],
        "newest first, staff only"
    );
    assert!(
        events
            .iter()
            .all(|e| e[1]["actor"] == "staff:alice" && e[1]["ip"] == "127.0.0.1")
    );
}
