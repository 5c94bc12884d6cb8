//! kill -9 in the middle of the flow: the real `certportal serve` is killed with SIGKILL at
//! chosen points of whole orders (after the code, between download and receipt, while the
//! password SMS is at the gateway, during a revocation) and started again, over fifty times.
//! Afterwards every receipt got exactly one password SMS, no order is stuck, the CRL lists
//! every revocation and no sealed value is left.

use certportal_tests::gateway::Gateway;
use certportal_tests::process::Served;
use certportal_tests::*;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const ORDERS: usize = 16;

fn config(gateway_url: &str) -> String {
    format!(
        r#"database_url = "sqlite://certportal.db"
[certificate]
pkcs12_iterations = 2000
[collect]
sweep_interval_seconds = 1
[sms]
provider = "http"
[sms.http]
url = "{gateway_url}"
body_template = '{{"recipient": "{{to}}", "text": "{{body}}"}}'
timeout_seconds = 2
[email]
provider = "outbox"
[delivery]
retry_initial_seconds = 1
retry_max_seconds = 2
claim_seconds = 1
poll_interval_ms = 50
[admin]
login_rate_per_minute = 1000
"#
    )
}

/// What `certportal admin add` printed: the first password and the TOTP URI.
fn add_admin(dir: &Path) -> (String, String) {
    let out = cli::run(dir, &["admin", "add", "alice", "--role", "admin"], None);
    assert!(out.status.success(), "{}", cli::stderr(&out));
    let text = cli::stdout(&out);
    let line = |prefix: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(prefix))
            .expect("a line")
            .trim()
            .to_owned()
    };
    (line("password:"), line("totp:"))
}

/// A staff client signed in to `served` with its own password.
async fn signed_in(served: &Served, password: &str, uri: &str) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let totp = totp_rs::TOTP::from_url(uri).unwrap();
    let login = http
        .post(format!("{}/api/admin/login", served.url))
        .json(&json!({"username": "alice", "password": password, "totp": totp.generate_current().unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let change = http
        .post(format!("{}/api/admin/me/password", served.url))
        .json(&json!({"current_password": password, "new_password": "alice's own password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 204);
    http
}

/// The link token of an order, from the outbox its e-mail went to (written by the CLI or by
/// the server, whichever claimed it).
fn token_of(dir: &Path, order_id: &str) -> Option<String> {
    let outbox = std::fs::read_to_string(dir.join("outbox.jsonl")).ok()?;
    outbox
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["order_id"] == order_id && line["purpose"] == "collect_link")
        .map(|line| link_token(line["body"].as_str().unwrap_or_default()))
}

async fn post(
    http: &reqwest::Client,
    url: String,
    bearer: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let request = http.post(url).json(&body);
    let request = match bearer {
        Some(bearer) => request.bearer_auth(bearer),
        None => request,
    };
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_kills_in_the_middle_of_orders_lose_nothing_and_send_each_password_once() {
    let gateway = Gateway::default();
    let gateway_url = gateway.start().await;
    let mut stalled = gateway.stall_when(|text| text.contains("The password for"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("certportal.toml"), config(&gateway_url)).unwrap();
    let init = cli::run(dir.path(), &["init"], None);
    assert!(init.status.success(), "{}", cli::stderr(&init));
    let (first_password, uri) = add_admin(dir.path());
    let mut served = Served::start(dir.path(), &[]).await;
    let staff = signed_in(&served, &first_password, &uri).await;
    let http = reqwest::Client::new();
    let mut kills = 0;
    let mut orders = Vec::new();
    let mut sealed = Vec::new();

    for i in 0..ORDERS {
        let mobile = format!("+4791{i:06}");
        let (order_id, serial) = cli::create_order(dir.path(), &format!("client-{i}"), &mobile);
        let token = wait_until(|| token_of(dir.path(), &order_id))
            .await
            .expect("the link e-mail");
        // The file and password as sealed now, to look for in the files at the end.
        sealed.extend(
            scan::sealed_in(dir.path(), &order_id)
                .await
                .into_iter()
                .filter(|(kind, _)| kind != "message"),
        );
        let code = wait_until(|| {
            gateway
                .accepted()
                .iter()
                .find(|a| a.recipient() == mobile)
                .map(|a| code_in(a.text(), 8))
        })
        .await
        .expect("the code SMS");

        // Killed after the code was taken: the session lives on in the database.
        let verified = post(
            &http,
            format!("{}/api/collect/verify", served.url),
            None,
            json!({"token": token, "code": code}),
        )
        .await;
        assert_eq!(verified.status(), 200);
        let session = verified.json::<Value>().await.unwrap()["session"]
            .as_str()
            .unwrap()
            .to_owned();
        served.restart().await;
        kills += 1;

        // Killed between the download and the receipt.
        let bundle = post(
            &http,
            format!("{}/api/collect/bundle", served.url),
            Some(&session),
            json!({}),
        )
        .await;
        assert_eq!(bundle.status(), 200);
        let digest = sha256_hex(&bundle.bytes().await.unwrap());
        served.restart().await;
        kills += 1;

        // Killed while the password SMS is at the gateway, accepted but not yet answered.
        let receipt = post(
            &http,
            format!("{}/api/collect/receipt", served.url),
            Some(&session),
            json!({"sha256": digest}),
        )
        .await;
        assert_eq!(receipt.status(), 200);
        let to = tokio::time::timeout(Duration::from_secs(20), stalled.recv())
            .await
            .expect("the password SMS reaches the gateway")
            .unwrap();
        assert_eq!(to, mobile);
        served.restart().await;
        kills += 1;

        // Every other order: killed during its revocation, a few milliseconds in.
        if i % 2 == 0 {
            let revoke = staff
                .post(format!(
                    "{}/api/admin/certificates/{serial}/revoke",
                    served.url
                ))
                .json(&json!({"reason": "keyCompromise"}))
                .send();
            let _ = tokio::time::timeout(Duration::from_millis((i as u64 * 7) % 40), revoke).await;
            served.restart().await;
            kills += 1;
            let again = staff
                .post(format!(
                    "{}/api/admin/certificates/{serial}/revoke",
                    served.url
                ))
                .json(&json!({"reason": "keyCompromise"}))
                .send()
                .await
                .unwrap();
            let (status, code, _) = refusal(again).await;
            assert!(
                status == 200 || code == "ALREADY_REVOKED",
                "the revocation went through before or after the kill: {status} {code}"
            );
        }
        orders.push((order_id, serial, mobile, i % 2 == 0));
    }
    assert!(kills >= 50, "{kills} kills");

    // Let the portal finish what it can, unhelped: the retries come due on their own.
    let admin_url = |path: &str| format!("{}{path}", served.url);
    let settled = wait_for(|| async {
        for (order_id, ..) in &orders {
            let detail: Value = staff
                .get(admin_url(&format!("/api/admin/orders/{order_id}")))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            let messages = detail["messages"].as_array()?;
            if messages.iter().any(|m| m["status"] == "queued") {
                return None;
            }
        }
        Some(())
    })
    .await;
    assert!(settled.is_some(), "every message ended");

    let accepted = gateway.accepted();
    for (order_id, serial, mobile, revoked) in &orders {
        let passwords = accepted
            .iter()
            .filter(|a| a.recipient() == mobile && a.text().contains("The password for"))
            .count();
        assert_eq!(passwords, 1, "order {order_id}: exactly one password SMS");
        let detail: Value = staff
            .get(admin_url(&format!("/api/admin/orders/{order_id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let expected = if *revoked { "revoked" } else { "collected" };
        assert_eq!(detail["order"]["state"], expected, "order {order_id}");
        assert_eq!(
            detail["certificate"]["revoked_at"].is_string(),
            *revoked,
            "certificate {serial}"
        );
    }
    // An order revoked right after the kill drops its password SMS before it is tried again;
    // every other one is sent again, and the gateway drops the repeat.
    let kept = orders.iter().filter(|(.., revoked)| !revoked).count();
    assert!(
        gateway.repeats() >= kept,
        "each password was sent again after its kill and dropped as a repeat ({} repeats)",
        gateway.repeats()
    );

    let crl = reqwest::get(admin_url("/crl"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let listed = tools::crl_text(dir.path(), &crl);
    for (_, serial, _, revoked) in &orders {
        assert_eq!(
            listed.contains(&serial.to_uppercase()),
            *revoked,
            "the CRL lists exactly the revoked serials ({serial})"
        );
    }

    // Every order finished: none of their sealed files or passwords is left in any file of
    // the data dir, the database's log included, once the portal has had its moment.
    let secrets: Vec<(&str, &[u8])> = sealed
        .iter()
        .map(|(kind, blob)| (kind.as_str(), blob.as_slice()))
        .collect();
    assert_eq!(secrets.len(), ORDERS * 2);
    let gone = wait_until(|| {
        scan::still_held(&scan::files_under(dir.path()), &secrets)
            .is_empty()
            .then_some(())
    })
    .await;
    assert!(gone.is_some(), "a sealed value of a finished order remains");
    served.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kill_during_a_cancel_never_leaves_a_cancelled_order_with_a_valid_certificate() {
    let gateway = Gateway::default();
    let gateway_url = gateway.start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("certportal.toml"), config(&gateway_url)).unwrap();
    assert!(cli::run(dir.path(), &["init"], None).status.success());
    let (first_password, uri) = add_admin(dir.path());
    let mut served = Served::start(dir.path(), &[]).await;
    let staff = signed_in(&served, &first_password, &uri).await;
    let mut orders = Vec::new();
    for i in 0..10u64 {
        let (order_id, _) = cli::create_order(dir.path(), "e-banking", "+4791234567");
        let cancel = staff
            .post(format!("{}/api/admin/orders/{order_id}/cancel", served.url))
            .json(&json!({}))
            .send();
        let _ = tokio::time::timeout(Duration::from_millis((i * 3) % 25), cancel).await;
        served.restart().await;
        orders.push(order_id);
    }
    let mut cancelled_orders = 0;
    for order_id in &orders {
        let detail: Value = staff
            .get(format!("{}/api/admin/orders/{order_id}", served.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cancelled = detail["order"]["state"] == "cancelled";
        let revoked = detail["certificate"]["revoked_at"].is_string();
        assert_eq!(
            cancelled, revoked,
            "order {order_id}: cancelled {cancelled}, certificate revoked {revoked}"
        );
        cancelled_orders += usize::from(cancelled);
    }
    assert!(
        cancelled_orders > 0,
        "some cancels went through before their kill, or this shows nothing"
    );
}
