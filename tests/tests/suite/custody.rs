//! Custody: once the file is collected, the data dir holds no trace of it, its password, or
//! the link, code and session that led to it. Logs never hold a secret.

use certportal_tests::*;
use sqlx::Row;

/// Every file in the data dir, the database's WAL and shared-memory files included.
fn data_dir_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// Slices of a secret to look for: a blob may be split over database pages, so several
/// 32-byte windows are searched rather than the whole.
fn probes(secret: &[u8]) -> Vec<Vec<u8>> {
    if secret.len() <= 32 {
        return vec![secret.to_vec()];
    }
    let last = secret.len() - 32;
    [0, secret.len() / 3, secret.len() / 2, last]
        .iter()
        .map(|&at| secret[at.min(last)..at.min(last) + 32].to_vec())
        .collect()
}

fn holders(files: &[(String, Vec<u8>)], secret: &[u8]) -> Vec<String> {
    let probes = probes(secret);
    files
        .iter()
        .filter(|(_, bytes)| {
            probes
                .iter()
                .any(|probe| bytes.windows(probe.len()).any(|w| w == probe.as_slice()))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

async fn sealed_blobs(app: &TestApp, order_id: &str) -> (Vec<u8>, Vec<u8>) {
    let url = format!(
        "sqlite://{}?mode=ro",
        app.data_dir().join("certportal.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let row = sqlx::query("SELECT bundle_sealed, password_sealed FROM orders WHERE id = ?")
        .bind(order_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let blobs = (row.get::<Vec<u8>, _>(0), row.get::<Vec<u8>, _>(1));
    pool.close().await;
    blobs
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_receipt_the_data_dir_holds_no_file_password_token_or_sealed_copy() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let (sealed_bundle, sealed_password) = sealed_blobs(&app, &collect.order.order_id).await;
    let before = data_dir_bytes(app.data_dir());
    assert!(
        !holders(&before, &sealed_bundle).is_empty(),
        "the scan must see the sealed file while it is held"
    );

    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap().to_vec();
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200
    );
    let password = app.wait_for_password(&collect.order.order_id).await;
    app.wait_for_queue_drained(&collect.order.order_id).await;
    assert!(
        app.state().store.checkpoint().await.unwrap(),
        "the log folds once the flow is idle"
    );

    let after = data_dir_bytes(app.data_dir());
    assert!(after.iter().any(|(name, _)| name == "certportal.db"));
    for (what, secret) in [
        ("the PKCS#12 file", file.as_slice()),
        ("the password", password.as_bytes()),
        ("the link token", collect.token.as_bytes()),
        ("the code", collect.code.as_bytes()),
        ("the session", session.as_bytes()),
        ("the sealed file", sealed_bundle.as_slice()),
        ("the sealed password", sealed_password.as_slice()),
    ] {
        assert_eq!(
            holders(&after, secret),
            Vec::<String>::new(),
            "{what} is still in the data dir"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_logs_of_a_whole_flow_hold_no_token_code_session_or_password() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.verify(&collect.token, &wrong_code(&collect.code)).await;
    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap().to_vec();
    app.receipt(&session, &sha256_hex(&file)).await;
    let password = app.wait_for_password(&collect.order.order_id).await;
    app.wait_for_queue_drained(&collect.order.order_id).await;

    let logs = certportal_tests::logs::captured();
    assert!(
        logs.contains(&collect.order.order_id),
        "the capture works: the flow's order id was logged"
    );
    for (what, secret) in [
        ("token", &collect.token),
        ("code", &collect.code),
        ("session", &session),
        ("password", &password),
    ] {
        assert!(!logs.contains(secret.as_str()), "the {what} is in the logs");
    }
}
