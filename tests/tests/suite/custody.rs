//! Custody: once the file is collected, the data dir (or the PostgreSQL cluster) holds no
//! trace of it, its password, or the link, code and session that led to it, without the test
//! helping the portal along: it waits, then scans the files as someone who copied them would.
//! Logs never hold a secret.

use certportal_tests::scan::{self, files_under, holders, still_held};
use certportal_tests::*;
use std::time::{Duration, Instant};

/// Scans until none of `secrets` is in the files `scan` returns, for up to 10 s of real
/// time; returns what is still held at the end (empty when the portal kept its promise).
async fn wait_until_gone(
    scan: impl Fn() -> Vec<(String, Vec<u8>)>,
    secrets: &[(&str, &[u8])],
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let held = still_held(&scan(), secrets);
        if held.is_empty() || Instant::now() > deadline {
            return held;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a whole flow; returns the file, the password, the session and the sealed values the
/// order had before its receipt (its file, its password, its password SMS once queued).
async fn collect_all(
    app: &TestApp,
    database_url: &str,
) -> (Collect, Vec<u8>, String, String, Vec<(String, Vec<u8>)>) {
    let collect = app.order_with_link().await;
    let mut sealed = scan::sealed_values(database_url, &collect.order.order_id).await;
    let session = app.session(&collect.token, &collect.code).await;
    let file = app.bundle(&session).await.bytes().await.unwrap().to_vec();
    assert_eq!(
        app.receipt(&session, &sha256_hex(&file)).await.status(),
        200
    );
    // The password SMS is sealed in the queue for a moment; catch it if it is still there.
    sealed.extend(scan::sealed_values(database_url, &collect.order.order_id).await);
    let password = app.wait_for_password(&collect.order.order_id).await;
    (collect, file, password, session, sealed)
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_receipt_the_data_dir_holds_no_file_password_token_or_sealed_copy() {
    let app = spawn_app().await;
    let db = format!(
        "sqlite://{}?mode=ro",
        app.data_dir().join("certportal.db").display()
    );
    // A second order stays open throughout, so its sealed rows share the pages.
    let open = app.order_with_link().await;
    let (collect, file, password, session, sealed) = collect_all(&app, &db).await;
    assert!(
        sealed.iter().any(|(kind, _)| kind == "bundle")
            && sealed.iter().any(|(kind, _)| kind == "password"),
        "the order held its sealed file and password before the receipt"
    );
    let files = files_under(app.data_dir());
    let open_blobs = scan::sealed_values(&db, &open.order.order_id).await;
    assert!(
        open_blobs
            .iter()
            .all(|(_, blob)| !holders(&files, blob).is_empty()),
        "the scan sees the sealed values of an order that is still open"
    );

    let mut secrets: Vec<(&str, &[u8])> = vec![
        ("the PKCS#12 file", &file),
        ("the password", password.as_bytes()),
        ("the link token", collect.token.as_bytes()),
        ("the code", collect.code.as_bytes()),
        ("the session", session.as_bytes()),
    ];
    for (kind, blob) in &sealed {
        secrets.push((kind.as_str(), blob));
    }
    let held = wait_until_gone(|| files_under(app.data_dir()), &secrets).await;
    assert!(
        held.is_empty(),
        "still in the data dir after 10 s: {held:?} (the names, never the bytes)"
    );
}

/// The PostgreSQL cluster's files, as its administrator (or a thief of its disk) sees them,
/// after the server wrote every buffer it holds, unlogged ones included: `CREATE DATABASE …
/// STRATEGY FILE_COPY` makes it checkpoint with everything flushed.
/// Every file of the cluster that can hold this database's rows: the WAL, the shared
/// catalogues and everything else, save the other databases' relations under `base/` (a
/// benchmark's fixture of millions of orders there would be read for nothing).
async fn cluster_files(db: &str) -> Vec<(String, Vec<u8>)> {
    let ours = sqlx::PgPool::connect(db).await.unwrap();
    let oid: sqlx::postgres::types::Oid =
        sqlx::query_scalar("SELECT oid FROM pg_database WHERE datname = current_database()")
            .fetch_one(&ours)
            .await
            .unwrap();
    ours.close().await;
    let admin = sqlx::PgPool::connect(&postgres::admin_url()).await.unwrap();
    let data_dir: String = sqlx::query_scalar("SHOW data_directory")
        .fetch_one(&admin)
        .await
        .unwrap();
    let mut random = [0u8; 6];
    aws_lc_rs::rand::fill(&mut random).unwrap();
    let name = format!("certportal_flush_{}", hex::encode(random));
    sqlx::query(&format!("CREATE DATABASE {name} STRATEGY FILE_COPY"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let data_dir = std::path::Path::new(&data_dir);
    let mut files = files_under(&data_dir.join("base").join(oid.0.to_string()));
    for entry in std::fs::read_dir(data_dir).unwrap().filter_map(Result::ok) {
        if entry.file_name() != "base" {
            files.extend(files_under_or_file(&entry.path()));
        }
    }
    files
}

fn files_under_or_file(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    match std::fs::read(path) {
        Ok(bytes) => vec![(path.to_string_lossy().into_owned(), bytes)],
        Err(_) => files_under(path),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn on_postgresql_no_sealed_copy_survives_in_the_clusters_files_or_its_wal() {
    let app = TestApp::builder().postgres().spawn().await;
    let db = app.config.database_url.clone();
    let open = app.order_with_link().await;
    let (collect, file, password, _session, sealed) = collect_all(&app, &db).await;
    let certificate = app
        .state()
        .store
        .certificate(collect.order.serial())
        .await
        .unwrap()
        .unwrap();
    let open_blobs = scan::sealed_values(&db, &open.order.order_id).await;
    // The scan must see what the cluster holds: the order's certificate (a logged table) and
    // the sealed values of the order still open. A rewrite of the table may be under way, its
    // new pages not yet written; they are at the next flush.
    let seen = wait_for(|| async {
        let files = cluster_files(&db).await;
        (!holders(&files, &certificate.der).is_empty()
            && open_blobs
                .iter()
                .all(|(_, blob)| !holders(&files, blob).is_empty()))
        .then_some(())
    })
    .await;
    assert!(
        seen.is_some(),
        "the scan sees the certificate and the sealed values of an order that is still open"
    );

    let mut secrets: Vec<(&str, &[u8])> = vec![
        ("the PKCS#12 file", &file),
        ("the password", password.as_bytes()),
    ];
    for (kind, blob) in &sealed {
        secrets.push((kind.as_str(), blob));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let held = loop {
        let held = still_held(&cluster_files(&db).await, &secrets);
        if held.is_empty() || Instant::now() > deadline {
            break held;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(
        held.is_empty(),
        "still in the PostgreSQL cluster's files: {held:?} (the names, never the bytes)"
    );
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

#[tokio::test(flavor = "multi_thread")]
async fn a_revocation_on_the_command_line_beside_the_server_leaves_no_sealed_copy() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli::run(dir.path(), &["init"], None).status.success());
    let _served = process::Served::start(dir.path(), &[]).await;
    let (order_id, serial) = cli::create_order(dir.path(), "e-banking", "+4791234567");
    let sealed: Vec<_> = scan::sealed_in(dir.path(), &order_id)
        .await
        .into_iter()
        .filter(|(kind, _)| kind != "message")
        .collect();
    assert_eq!(sealed.len(), 2, "the file and the password are held");
    let out = cli::run(dir.path(), &["revoke", "--serial", &serial], None);
    assert!(out.status.success(), "{}", cli::stderr(&out));
    let secrets: Vec<(&str, &[u8])> = sealed
        .iter()
        .map(|(kind, blob)| (kind.as_str(), blob.as_slice()))
        .collect();
    let held = wait_until_gone(|| files_under(dir.path()), &secrets).await;
    assert!(held.is_empty(), "still in the data dir: {held:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kill_right_after_a_cancel_leaves_no_sealed_copy_once_the_server_is_back() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli::run(dir.path(), &["init"], None).status.success());
    let mut served = process::Served::start(dir.path(), &[]).await;
    let (order_id, _) = cli::create_order(dir.path(), "e-banking", "+4791234567");
    let sealed = scan::sealed_in(dir.path(), &order_id).await;
    // Cancel from the command line's side of the same store: the server does not hear of the
    // wipe, and is killed before anything folds it.
    let app_dir = dir.path().to_owned();
    let options = certportal::startup::PortalOptions::from_data_dir(app_dir).unwrap();
    let portal = certportal::startup::Portal::open(options).await.unwrap();
    certportal::flow::admin::cancel(portal.state(), &order_id, &certportal::flow::Actor::cli())
        .await
        .unwrap();
    drop(portal);
    served.restart().await;
    let secrets: Vec<(&str, &[u8])> = sealed
        .iter()
        .map(|(kind, blob)| (kind.as_str(), blob.as_slice()))
        .collect();
    let held = wait_until_gone(|| files_under(dir.path()), &secrets).await;
    assert!(held.is_empty(), "still in the data dir: {held:?}");
}
