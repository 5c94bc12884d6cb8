//! Orders on the admin API: create, list, follow, revoke, resend, cancel, renew, dashboard.

use super::order_body;
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;
use time::Duration;

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
        report.certificate.serial,
        collect.order.serial(),
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
        body["renews"] = json!(old.order.serial());
        body["supersede"] = json!(supersede);
        let renewal = alice.post_json(routes::ADMIN_ORDERS, &body).await;
        let renewal = certportal::flow::orders::CreatedOrder {
            order_id: renewal["order_id"].as_str().unwrap().into(),
            serial: renewal["serial"].as_str().map(str::to_owned),
        };
        let detail = alice
            .get_json(&routes::admin_order(&renewal.order_id, None))
            .await;
        assert_eq!(detail["order"]["renews"], old.order.serial());
        let before = app
            .state()
            .store
            .certificate(old.order.serial())
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
        let after = app.stored_certificate(old.order.serial()).await;
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
    // Two years on, the session has long ended: sign in again.
    alice.login(&app).await;
    let later = alice.get_json(routes::ADMIN_DASHBOARD).await;
    let expiring = later["expiring"].as_array().unwrap();
    assert_eq!(expiring.len(), 1);
    assert_eq!(expiring[0]["serial"], collected.order.serial());
}
