//! PostgreSQL, for several instances behind a load balancer: the same flows on the local
//! server, and two portals sharing one database.

use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_flow_and_the_admin_api_work_on_postgresql() {
    let app = TestApp::builder().postgres().spawn().await;
    assert!(app.config.database_url.starts_with("postgres://"));
    let collect = app.order_with_link().await;
    let wrong = app.verify(&collect.token, &wrong_code(&collect.code)).await;
    assert_eq!(wrong.status(), 400);
    let (file, password) = app.collect(&collect).await;
    certportal_shared::bundle::open(&file, &password, None, app.now_unix())
        .expect("the file opens");

    let alice = app.signed_in_admin().await;
    let list = alice.get_json("/api/admin/orders?q=acme").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["orders"][0]["state"], "collected");
    alice
        .post_json(
            &routes::admin_revoke(collect.order.serial()),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    let crl = app.get("/crl").await.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = tools::crl_text(dir.path(), &crl);
    assert!(text.contains(&*collect.order.serial().to_uppercase()));
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    assert!(
        dashboard["counts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["state"] == "revoked" && c["count"] == 1)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_one_database_share_the_flow_and_send_each_message_once() {
    let first = TestApp::builder().postgres().spawn().await;
    let second = TestApp::builder().instance_of(&first).spawn().await;
    assert_eq!(first.config.database_url, second.config.database_url);

    let order = first.create_order(sample_order()).await;
    let drained = first.wait_for_queue_drained(&order.order_id).await;
    assert_eq!(
        drained,
        [("collect_link".to_owned(), 1), ("otp".to_owned(), 1)]
    );
    let mails: Vec<_> = first
        .mail
        .sent()
        .into_iter()
        .chain(second.mail.sent())
        .collect();
    let texts: Vec<_> = first
        .sms
        .sent()
        .into_iter()
        .chain(second.sms.sent())
        .collect();
    assert_eq!(
        (mails.len(), texts.len()),
        (1, 1),
        "each message once, by whichever instance claimed it"
    );
    let token = link_token(&mails[0].body);
    let code = code_in(&texts[0].body, 8);

    assert_eq!(
        second.open(&token).await.status(),
        200,
        "the other instance knows the link"
    );
    let session = second.session(&token, &code).await;
    let file = first.bundle(&session).await.bytes().await.unwrap();
    let digest = sha256_hex(&file);
    let (a, b) = tokio::join!(
        first.receipt(&session, &digest),
        second.receipt(&session, &digest)
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    first.wait_for_queue_drained(&order.order_id).await;
    let passwords = first
        .sms
        .sent()
        .into_iter()
        .chain(second.sms.sent())
        .filter(|m| m.purpose == "password")
        .count();
    assert_eq!(passwords, 1);

    let alice = second.add_staff("alice", Role::Admin).await;
    alice.login(&second).await;
    let other_client = certportal_tests::staff::StaffClient::new(
        &first,
        "alice",
        &alice.password,
        &alice.totp.get_url(),
    );
    let (status, _) = (
        other_client
            .login_with(&alice.password, &alice.code(&first))
            .await
            .status(),
        (),
    );
    assert_eq!(
        status, 401,
        "a TOTP code used on one instance is refused on the other"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_share_one_limit_on_codes_and_on_sign_ins() {
    let first = TestApp::builder()
        .postgres()
        .config(|config| config.admin.login_rate_per_minute = 1000)
        .spawn()
        .await;
    // The link and code go out before the second instance starts, so that the first one's
    // senders have them.
    let collect = first.order_with_link().await;
    let second = TestApp::builder()
        .instance_of(&first)
        .config(|config| config.admin.login_rate_per_minute = 1000)
        .spawn()
        .await;
    let wrong = wrong_code(&collect.code);
    let guesses = futures::future::join_all((0..40).map(|n| {
        let app = if n % 2 == 0 { &first } else { &second };
        app.verify(&collect.token, &wrong)
    }))
    .await;
    let mut compared = 0;
    for guess in guesses {
        if refusal(guess).await.1 == "WRONG_CODE" {
            compared += 1;
        }
    }
    assert_eq!(compared, 5, "five tries at the code across both instances");

    let alice = first.add_staff("alice", Role::Support).await;
    let on_second = certportal_tests::staff::StaffClient::new(
        &second,
        "alice",
        &alice.password,
        &alice.totp.get_url(),
    );
    let now = u64::try_from(first.now_unix()).unwrap();
    let near: Vec<String> = [now - 30, now, now + 30]
        .iter()
        .map(|&at| alice.totp.generate(at))
        .collect();
    let bad = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|code| !near.contains(code))
        .unwrap();
    let sign_ins = futures::future::join_all((0..50).map(|n| {
        let client = if n % 2 == 0 { &alice } else { &on_second };
        client.login_with(&alice.password, &bad)
    }))
    .await;
    let mut checked = 0;
    for sign_in in sign_ins {
        if refusal(sign_in).await.1 == "LOGIN_FAILED" {
            checked += 1;
        }
    }
    assert_eq!(checked, 5, "five checked sign-ins across both instances");
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_certificate_requests_let_exactly_one_through_on_postgresql() {
    let app = TestApp::builder().postgres().spawn().await;
    super::custody_csr::races_let_exactly_one_request_through(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawal_on_one_instance_shows_at_once_in_the_others_crl_and_ocsp() {
    let first = TestApp::builder().postgres().spawn().await;
    let second = TestApp::builder().instance_of(&first).spawn().await;
    let order = first.create_order(sample_order()).await;
    let serial = order.serial();
    let dir = tempfile::tempdir().unwrap();
    let ca = tools::write(dir.path(), "ca.pem", second.ca_pem().await.as_bytes());
    let crl = async |app: &TestApp| {
        let der = app.get(routes::CRL).await.bytes().await.unwrap();
        tools::crl_text(dir.path(), &der)
    };
    assert!(!crl(&second).await.contains(&serial.to_uppercase()));

    let alice = first.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_revoke(serial),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    assert!(
        crl(&second).await.contains(&serial.to_uppercase()),
        "the other instance serves the new CRL, not its copy of the old one"
    );
    let out = tools::run_ok(
        "openssl",
        &[
            "ocsp",
            "-issuer",
            &ca,
            "-CAfile",
            &ca,
            "-serial",
            &format!("0x{serial}"),
            "-url",
            &format!("{}{}", second.url, routes::OCSP),
        ],
    );
    assert!(out.contains(": revoked"), "{out}");
}

/// Staff cancelling an order while another revokes its certificate, a dozen times at once:
/// each pair ends with one of the two done and the other refused, never a server error (the
/// two transactions took the order's and the certificate's rows in opposite orders, and
/// PostgreSQL broke the deadlock by failing one).
#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_racing_a_revocation_of_the_same_order_never_deadlocks() {
    let app = TestApp::builder().postgres().spawn().await;
    let mut orders = Vec::new();
    for n in 0..12 {
        let mut draft = sample_order();
        draft.client = format!("race-{n}");
        orders.push(app.create_order(draft).await);
    }
    let alice = app.signed_in_admin().await;
    let reason = json!({"reason": "keyCompromise"});
    let calls = orders.iter().flat_map(|order| {
        let cancel = routes::admin_order(&order.order_id, Some("cancel"));
        let revoke = routes::admin_revoke(order.serial());
        [(cancel, json!({})), (revoke, reason.clone())]
    });
    let answers = futures::future::join_all(calls.map(|(path, body)| {
        let alice = &alice;
        async move { refusal(alice.post(&path, &body).await).await }
    }))
    .await;
    for (status, code, body) in &answers {
        assert!(
            *status == 200
                || (*status == 409 && matches!(code.as_str(), "INVALID_STATE" | "ALREADY_REVOKED")),
            "{status} {code}: {body}"
        );
    }
    for order in &orders {
        let stored = app.stored_certificate(order.serial()).await;
        assert!(
            stored.revoked_at.is_some(),
            "{} is revoked either way",
            order.serial()
        );
    }
}
