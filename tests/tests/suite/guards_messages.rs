//! Queued messages die with their order, give up after their last try, and arrive once and
//! in order through a gateway outage. Observed from outside: what the providers received and
//! what the admin page shows.

use certportal::notify::{RecordingMailer, RecordingSms};
use certportal_shared::routes;
use certportal_tests::gateway::Gateway;
use certportal_tests::senders::Outage;
use certportal_tests::*;
use serde_json::{Value, json};
use std::sync::Arc;
use time::Duration;

/// A portal whose SMS and e-mail providers start down.
async fn app_with_outage() -> (TestApp, Outage<RecordingSms>, Outage<RecordingMailer>) {
    let sms = Outage::down(RecordingSms::new());
    let mail = Outage::down(RecordingMailer::new());
    let app = TestApp::builder()
        .sms(Arc::new(sms.clone()))
        .mailer(Arc::new(mail.clone()))
        .spawn()
        .await;
    (app, sms, mail)
}

/// The statuses of an order's messages on the admin page.
async fn statuses(staff: &staff::StaffClient, order_id: &str) -> Vec<String> {
    let detail = staff.get_json(&routes::admin_order(order_id, None)).await;
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Brings the providers back, queues a control order to the same contact (whose messages the
/// queue delivers after any older ones still queued for them) and moves the clock past every
/// retry; once the control order's link and code arrived, nothing more of `ended` went out.
async fn nothing_of_it_goes_out_later(
    app: &TestApp,
    sms: &Outage<RecordingSms>,
    mail: &Outage<RecordingMailer>,
    ended: &str,
) {
    let sent_of_ended = || {
        sms.sent()
            .into_iter()
            .chain(mail.sent())
            .filter(|m| m.order_id.as_deref() == Some(ended))
            .map(|m| m.purpose)
            .collect::<Vec<String>>()
    };
    let before = sent_of_ended();
    sms.set_down(false);
    mail.set_down(false);
    let control = app.create_order(sample_order()).await;
    app.clock.advance(Duration::hours(3));
    let arrived = wait_until(|| {
        let of = |sent: Vec<certportal::notify::Recording>| {
            sent.iter()
                .filter(|m| m.order_id.as_deref() == Some(&control.order_id))
                .count()
        };
        (of(sms.sent()) == 1 && of(mail.sent()) == 1).then_some(())
    })
    .await;
    assert!(
        arrived.is_some(),
        "the control order's link and code arrive"
    );
    assert_eq!(
        sent_of_ended(),
        before,
        "nothing more went out for the ended order"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_order_sends_none_of_its_queued_link_and_code() {
    let (app, sms, mail) = app_with_outage().await;
    let alice = app.signed_in_admin().await;
    let order = app.create_order(sample_order()).await;
    let tried = wait_until(|| (sms.tries() >= 1 && mail.tries() >= 1).then_some(())).await;
    assert!(tried.is_some(), "the link and code were tried while down");
    alice
        .post_json(
            &routes::admin_order(&order.order_id, Some("cancel")),
            &json!({}),
        )
        .await;
    assert_eq!(
        statuses(&alice, &order.order_id).await,
        ["dropped", "dropped"],
        "the admin page shows both dropped"
    );
    nothing_of_it_goes_out_later(&app, &sms, &mail, &order.order_id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_drops_its_queued_messages() {
    let (app, sms, mail) = app_with_outage().await;
    let order = app.create_order(sample_order()).await;
    app.clock.advance(Duration::days(7));
    let alice = app.signed_in_admin().await;
    // The sweeper runs on its own (every second in tests); wait for it to end the order.
    let swept = wait_for(|| async {
        (statuses(&alice, &order.order_id).await == ["dropped", "dropped"]).then_some(())
    })
    .await;
    assert!(
        swept.is_some(),
        "the sweeper ended the order and dropped its messages"
    );
    nothing_of_it_goes_out_later(&app, &sms, &mail, &order.order_id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_certificate_gets_no_password_sms_after_all() {
    let (app, sms, mail) = app_with_outage().await;
    sms.set_down(false);
    mail.set_down(false);
    let alice = app.signed_in_admin().await;
    let order = app.create_order(sample_order()).await;
    let token = wait_until(|| {
        mail.sent()
            .iter()
            .find(|m| m.order_id.as_deref() == Some(&order.order_id))
            .map(|m| link_token(&m.body))
    })
    .await
    .expect("the link");
    let code = wait_until(|| {
        sms.sent()
            .iter()
            .find(|m| m.order_id.as_deref() == Some(&order.order_id))
            .map(|m| code_in(&m.body, 8))
    })
    .await
    .expect("the code");
    sms.set_down(true);
    let session = app.session(&token, &code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap();
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200
    );
    alice
        .post_json(
            &routes::admin_revoke(order.serial()),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    let detail = alice
        .get_json(&routes::admin_order(&order.order_id, None))
        .await;
    let password = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|message| message["purpose"] == "password")
        .cloned()
        .unwrap();
    assert_eq!(
        password["status"], "dropped",
        "the queued password SMS is dropped: {detail}"
    );
    nothing_of_it_goes_out_later(&app, &sms, &mail, &order.order_id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_that_keeps_failing_is_given_up_wiped_and_shown_failed() {
    let sms = Outage::down(RecordingSms::new());
    let app = TestApp::builder()
        .sms(Arc::new(sms.clone()))
        .config(|config| config.delivery.max_attempts = 3)
        .spawn()
        .await;
    let alice = app.signed_in_admin().await;
    let order = app.create_order(sample_order()).await;
    let db = format!(
        "sqlite://{}?mode=ro",
        app.data_dir().join("certportal.db").display()
    );
    let sealed_body = {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        let blob: Vec<u8> = sqlx::query_scalar(
            "SELECT s.blob FROM sealed_values s JOIN messages m ON m.idempotency_key = s.owner \
             WHERE m.order_id = ? AND m.purpose = 'otp'",
        )
        .bind(&order.order_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        blob
    };

    let failed = wait_for(|| async {
        app.clock.advance(Duration::minutes(5));
        let detail: Value = alice
            .get_json(&routes::admin_order(&order.order_id, None))
            .await;
        let otp = detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["purpose"] == "otp")
            .cloned()
            .unwrap();
        (otp["status"] == "failed").then_some(otp)
    })
    .await;
    let otp = failed.expect("the code SMS is given up");
    // The page reads the timeline and the messages one after the other: read it again.
    let detail = alice
        .get_json(&routes::admin_order(&order.order_id, None))
        .await;
    assert_eq!(otp["attempts"], 3, "after exactly the configured tries");
    assert!(otp["ended_at"].is_string());
    assert_eq!(sms.tries(), 3, "and never tried again");
    assert!(
        detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["action"] == "message.failed.otp"),
        "the audit trail says so: {}",
        detail["timeline"]
    );
    let held = wait_until(|| {
        scan::holders(&scan::files_under(app.data_dir()), &sealed_body)
            .is_empty()
            .then_some(())
    })
    .await;
    assert!(held.is_some(), "its sealed body is gone from the data dir");
}

#[tokio::test(flavor = "multi_thread")]
async fn through_ten_minutes_of_gateway_outage_each_password_arrives_once_and_in_order() {
    let gateway = Gateway::default();
    let url = gateway.start().await;
    let app = TestApp::builder().sms_gateway(url).spawn().await;
    let clients = ["first", "second", "third"];
    let mut flows = Vec::new();
    for client in clients {
        let order = app
            .create_order(certportal_shared::model::OrderDraft {
                client: client.into(),
                ..sample_order()
            })
            .await;
        let token = app.wait_for_link(&order.order_id).await;
        flows.push((order, token));
    }
    // Another contact's order, so that one recipient's outage order is not all there is.
    let other = app
        .create_order(certportal_shared::model::OrderDraft {
            client: "other".into(),
            mobile: "+4798765432".into(),
            ..sample_order()
        })
        .await;
    let other_token = app.wait_for_link(&other.order_id).await;
    flows.push((other, other_token));
    let codes = wait_until(|| {
        let texts = gateway.texts();
        (texts.len() == flows.len()).then_some(texts)
    })
    .await
    .expect("the codes arrive before the outage");
    // Codes arrive in order of creation; match each to its order by trying it.
    let mut sessions = Vec::new();
    for ((_, token), text) in flows.iter().zip(&codes) {
        let session = app.session(token, &code_in(text, 8)).await;
        let file = app.bundle(&session).await.bytes().await.unwrap();
        sessions.push((session, sha256_hex(&file)));
    }

    let outage_ends = app.now_unix() + 600;
    let clock = app.clock.clone();
    gateway
        .down_while(move || certportal::clock::Clock::now(&clock).unix_timestamp() < outage_ends);
    let before = gateway.accepted().len();
    // The receipts come during the outage, minutes apart, so that their retries fall out of
    // step: the first has waited longest when the gateway returns.
    for (i, (session, digest)) in sessions.iter().enumerate() {
        assert_eq!(app.receipt(session, digest).await.status(), 200);
        let until = app.now_unix() + [240, 240, 90, 0][i];
        wait_until(|| {
            app.clock.advance(Duration::seconds(5));
            (app.now_unix() >= until).then_some(())
        })
        .await;
    }
    let delivered = wait_until(|| {
        app.clock.advance(Duration::seconds(20));
        let accepted = gateway.accepted();
        (accepted.len() >= before + flows.len()).then_some(accepted)
    })
    .await
    .expect("every password arrives after the outage");
    assert!(
        gateway.calls() > delivered.len() + 8,
        "the gateway refused tries during the outage"
    );
    let passwords: Vec<(String, String)> = delivered[before..]
        .iter()
        .map(|accepted| {
            let client = clients
                .iter()
                .chain(["other"].iter())
                .find(|client| accepted.text().contains(&format!("\"{client}\"")))
                .expect("a password SMS names its file");
            (accepted.recipient().to_owned(), (*client).to_owned())
        })
        .collect();
    let to_kari: Vec<&str> = passwords
        .iter()
        .filter(|(to, _)| to == "+4791234567")
        .map(|(_, client)| client.as_str())
        .collect();
    assert_eq!(
        to_kari, clients,
        "one contact's passwords arrive in the order they were queued"
    );
    assert_eq!(passwords.len(), 4, "each password once");
    assert_eq!(gateway.repeats(), 0);
}

/// A mailer that takes three seconds for each message, as a slow SMTP relay would, and
/// counts the sends it has begun.
#[derive(Clone, Default)]
struct Slow {
    sent: RecordingMailer,
    begun: Arc<std::sync::atomic::AtomicUsize>,
}

#[async_trait::async_trait]
impl certportal::notify::Mailer for Slow {
    async fn send_email(
        &self,
        message: &certportal::notify::Outgoing,
    ) -> Result<(), certportal::notify::NotifyError> {
        self.begun.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        self.sent.send_email(message).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_queued_behind_a_slow_send_stays_unsent_when_its_order_is_cancelled() {
    let sms = RecordingSms::new();
    let mailer = Slow::default();
    let app = TestApp::builder()
        .sms(Arc::new(sms.clone()))
        .mailer(Arc::new(mailer.clone()))
        .spawn()
        .await;
    let alice = app.signed_in_admin().await;
    let order = app.create_order(sample_order()).await;
    // The link e-mail is on its way (three seconds); the code SMS is queued behind it.
    let begun = &mailer.begun;
    let on_its_way =
        wait_until(|| (begun.load(std::sync::atomic::Ordering::SeqCst) >= 1).then_some(())).await;
    assert!(on_its_way.is_some());
    alice
        .post_json(
            &routes::admin_order(&order.order_id, Some("cancel")),
            &json!({}),
        )
        .await;
    // The e-mail on its way arrives all the same; a control order's code to the same mobile,
    // queued after it, arrives after anything the dispatcher still had of the cancelled one.
    let control = app.create_order(sample_order()).await;
    let arrived = wait_until(|| {
        sms.sent()
            .iter()
            .any(|m| m.order_id.as_deref() == Some(&control.order_id))
            .then_some(())
    })
    .await;
    assert!(arrived.is_some(), "the control order's code arrives");
    assert!(
        sms.sent()
            .iter()
            .all(|m| m.order_id.as_deref() != Some(&order.order_id)),
        "no code went out for the cancelled order"
    );
    assert_eq!(
        statuses(&alice, &order.order_id).await,
        ["sent", "dropped"],
        "the e-mail that was on its way went out; the code was dropped"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_whose_body_is_gone_is_given_up_at_once_and_holds_nothing_back() {
    let (app, sms, mail) = app_with_outage().await;
    let lost = app.create_order(sample_order()).await;
    let tried = wait_until(|| (sms.tries() >= 1 && mail.tries() >= 1).then_some(())).await;
    assert!(tried.is_some());
    // What a PostgreSQL crash does to the unlogged table: the sealed bodies are gone.
    let db = format!(
        "sqlite://{}",
        app.data_dir().join("certportal.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    sqlx::query("DELETE FROM sealed_values WHERE kind = 'message'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    sms.set_down(false);
    mail.set_down(false);
    let next = app.create_order(sample_order()).await;
    let delivered = wait_for(|| async {
        app.clock.advance(Duration::seconds(10));
        let of = |sent: Vec<certportal::notify::Recording>| {
            sent.iter()
                .filter(|m| m.order_id.as_deref() == Some(&next.order_id))
                .count()
        };
        (of(sms.sent()) + of(mail.sent()) == 2).then_some(())
    })
    .await;
    assert!(
        delivered.is_some(),
        "the next order's link and code are not held back"
    );
    let alice = app.signed_in_admin().await;
    let detail = alice
        .get_json(&routes::admin_order(&lost.order_id, None))
        .await;
    for message in detail["messages"].as_array().unwrap() {
        assert_eq!(message["status"], "failed", "{message}");
        assert_eq!(
            message["attempts"], 2,
            "given up at its first try since: {message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_made_by_many_cli_processes_beside_the_server_send_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let init = cli::run(dir.path(), &["init"], None);
    assert!(init.status.success(), "{}", cli::stderr(&init));
    let served =
        process::Served::start(dir.path(), &[("CERTPORTAL_DELIVERY__CLAIM_SECONDS", "2")]).await;
    let path = dir.path().to_owned();
    let mut ids = Vec::new();
    for round in 0..3 {
        let runs = (0..10).map(|n| {
            let path = path.clone();
            tokio::task::spawn_blocking(move || {
                let mobile = format!("+4792{round}{n:05}");
                cli::create_order(&path, "e-banking", &mobile).0
            })
        });
        for run in futures::future::join_all(runs).await {
            ids.push(run.unwrap());
        }
    }
    let lines = || {
        std::fs::read_to_string(dir.path().join("outbox.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .collect::<Vec<_>>()
    };
    let all = wait_until(|| {
        let lines = lines();
        (lines.len() >= ids.len() * 2).then_some(lines)
    })
    .await
    .expect("every link and code went out");
    // Longer than a claim: a message claimed and sent but not marked would go out again.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let all = if lines().len() > all.len() {
        lines()
    } else {
        all
    };
    let mut seen: Vec<(String, String)> = all
        .iter()
        .map(|line| {
            (
                line["order_id"].as_str().unwrap_or_default().to_owned(),
                line["purpose"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!(before, seen.len(), "a message went out twice");
    assert_eq!(seen.len(), ids.len() * 2);
    assert!(
        !served.log().contains("database is locked"),
        "the server's writes met a lock they could not wait for"
    );
}
