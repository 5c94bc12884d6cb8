//! A portal with a history: the order list's search through the databases' own indexes, its
//! pages from where the last one ended, the counts kept as orders change, and the demo data
//! dir that `certportal dev seed` fills. Each runs on SQLite and on PostgreSQL.

use crate::admin_api::order_body;
use certportal_shared::routes;
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use serde_json::{Value, json};
use std::collections::HashSet;
use time::Duration;

async fn sqlite() -> TestApp {
    spawn_app().await
}

async fn postgres() -> TestApp {
    TestApp::builder().postgres().spawn().await
}

fn ids(list: &Value) -> Vec<String> {
    list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_id"].as_str().unwrap().to_owned())
        .collect()
}

fn query(words: &str) -> String {
    format!(
        "{}?q={}",
        routes::ADMIN_ORDERS,
        url::form_urlencoded::byte_serialize(words.as_bytes()).collect::<String>()
    )
}

async fn search_finds_any_field_by_a_part_of_it(app: TestApp) {
    let alice = app.signed_in_admin().await;
    let mut east = order_body();
    east["org"] = json!("Østfold Kraft AS");
    east["service"] = json!("Invoice Gateway");
    east["contact_name"] = json!("Ola Abrahamsen");
    east["email"] = json!("ola@ostfold-kraft.example");
    east["mobile"] = json!("+4798765432");
    let east = alice.post_json(routes::ADMIN_ORDERS, &east).await;
    app.clock.advance(Duration::seconds(1));
    let acme = alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
    let (east_id, acme_id) = (
        east["order_id"].as_str().unwrap(),
        acme["order_id"].as_str().unwrap(),
    );
    let found = |words: &'static str| {
        let alice = &alice;
        async move { ids(&alice.get_json(&query(words)).await) }
    };
    // Case folded beyond ASCII, inside a word, in every field.
    assert_eq!(found("ØSTFOLD").await, [east_id]);
    assert_eq!(found("stfo").await, [east_id]);
    assert_eq!(found("voice gat").await, [east_id], "both words, anywhere");
    assert_eq!(found("abrahams").await, [east_id]);
    assert_eq!(found("ostfold-kraft.example").await, [east_id]);
    assert_eq!(found("98765").await, [east_id]);
    assert_eq!(found("payments").await, [acme_id]);
    assert_eq!(found("kraft payments").await, Vec::<String>::new());
    let serial = &acme["serial"].as_str().unwrap()[..8];
    assert_eq!(ids(&alice.get_json(&query(serial)).await), [acme_id]);
    assert_eq!(ids(&alice.get_json(&query(&east_id[..8])).await), [east_id]);
    // A short word narrows what a longer one found.
    assert_eq!(found("kraft ol").await, [east_id]);
    assert_eq!(found("invoice zq").await, Vec::<String>::new());
    // Fields are searched one by one: the end of one and the start of the next are no word.
    assert_eq!(found("asinvoice").await, Vec::<String>::new());
    // Words that no index finds: too short, or no three letters or digits in a row.
    for bad in [
        "as ol",
        "+47",
        "@@@ a.b",
        "kraft\u{0}",
        &"kraft ".repeat(50),
    ] {
        let (status, code, error) = refusal(alice.get(&query(bad)).await).await;
        assert_eq!((status, code.as_str()), (400, "INVALID_INPUT"), "{bad:?}");
        assert_eq!(error["fields"][0]["field"], "q");
    }
    // What the search's own syntax would read as operators is text to find.
    // A short word beyond ASCII, in either case.
    assert_eq!(found("kraft øs").await, [east_id]);
    assert_eq!(found("kraft ØS").await, [east_id]);
    // What the search's own syntax would read as operators is text to find, found only
    // where it is written.
    for odd in [
        "\"kraft",
        "kraft*",
        "NEAR(kraft)",
        "kraft OR acme",
        "kraft AND",
    ] {
        assert_eq!(found(odd).await, Vec::<String>::new(), "{odd}");
    }
    assert_eq!(found("-kraft").await, [east_id], "as in ostfold-kraft");
    assert_eq!(found("+4798765").await, [east_id]);
    // A search and a state: only the cancelled one of the two.
    alice
        .post_json(&routes::admin_order(acme_id, Some("cancel")), &json!({}))
        .await;
    let cancelled = alice
        .get_json(&format!("{}&state=cancelled", query("example")))
        .await;
    assert_eq!(ids(&cancelled), [acme_id]);
    let counted = alice.get_json(&query("example")).await;
    assert_eq!(
        (counted["total"].clone(), counted["total_exact"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(ids(&counted), [acme_id, east_id], "newest first");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_any_field_by_a_part_of_it_on_sqlite() {
    search_finds_any_field_by_a_part_of_it(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_any_field_by_a_part_of_it_on_postgres() {
    search_finds_any_field_by_a_part_of_it(postgres().await).await;
}

/// A long address whose end every order holds is looked up by its rare trigrams (SQLite) or
/// its rarest run of letters (PostgreSQL), which an order may hold apart too: each order found
/// is checked for the address itself.
async fn a_long_word_is_found_only_where_it_is_written(app: TestApp) {
    let alice = app.signed_in_admin().await;
    let domain = "support-for-the-customers-of-the-nordkraft-group.example";
    let order = |i: usize, org: &str, email: &str| {
        let mut body = order_body();
        body["org"] = json!(org);
        body["client"] = json!(format!("client-{i}"));
        body["email"] = json!(email);
        body["contact_name"] = json!("Ola Nordmann");
        body
    };
    for i in 0..48 {
        let email = format!("user{i}@{domain}");
        alice
            .post_json(routes::ADMIN_ORDERS, &order(i, "Nordkraft AS", &email))
            .await;
    }
    // Every trigram of the address, and each of its runs of letters, but apart.
    let apart = order(48, "Kari.Q AS", &format!("ola.q@{domain}"));
    alice.post_json(routes::ADMIN_ORDERS, &apart).await;
    let address = format!("kari.q@{domain}");
    app.clock.advance(Duration::seconds(1));
    let kari = alice
        .post_json(routes::ADMIN_ORDERS, &order(49, "Nordkraft AS", &address))
        .await;
    for written in [address.clone(), address.to_uppercase()] {
        let found = alice.get_json(&query(&written)).await;
        assert_eq!(
            ids(&found),
            [kari["order_id"].as_str().unwrap()],
            "{written}"
        );
        assert_eq!(
            (found["total"].clone(), found["total_exact"].clone()),
            (json!(1), json!(true))
        );
    }
    // The common part alone: every order, newest first, counted.
    let common = alice.get_json(&format!("{}&limit=5", query(domain))).await;
    assert_eq!(ids(&common)[0], kari["order_id"].as_str().unwrap());
    assert_eq!(
        (common["total"].clone(), common["total_exact"].clone()),
        (json!(50), json!(true))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_word_is_found_only_where_it_is_written_on_sqlite() {
    a_long_word_is_found_only_where_it_is_written(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_word_is_found_only_where_it_is_written_on_postgres() {
    a_long_word_is_found_only_where_it_is_written(postgres().await).await;
}

/// Walks every page of `path` three at a time, making a new order after the first page.
async fn walk(app: &TestApp, alice: &StaffClient, path: &str) -> (Vec<String>, usize) {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut before: Option<String> = None;
    loop {
        let url = match &before {
            Some(cursor) => format!("{path}{separator}limit=3&before={cursor}"),
            None => format!("{path}{separator}limit=3"),
        };
        let page = alice.get_json(&url).await;
        assert!(page["orders"].is_array(), "{page}");
        seen.extend(ids(&page));
        pages += 1;
        if pages == 1 {
            // A newer order shifts nothing on the pages that follow.
            app.clock.advance(Duration::seconds(1));
            alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
        }
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    (seen, pages)
}

async fn pages_follow_on_from_where_the_last_ended(app: TestApp) {
    let alice = app.signed_in_admin().await;
    let mut made = Vec::new();
    for _ in 0..7 {
        let created = alice.post_json(routes::ADMIN_ORDERS, &order_body()).await;
        made.push(created["order_id"].as_str().unwrap().to_owned());
        // Two orders in the same second as well: the id breaks the tie.
        if made.len() % 2 == 0 {
            app.clock.advance(Duration::seconds(1));
        }
    }
    // The whole list in one page, newest first (the id decides within a second).
    let whole = ids(&alice.get_json(routes::ADMIN_ORDERS).await);
    assert_eq!(
        whole.iter().collect::<HashSet<_>>(),
        made.iter().collect::<HashSet<_>>()
    );
    let (listed, pages) = walk(&app, &alice, routes::ADMIN_ORDERS).await;
    assert_eq!(
        (listed, pages),
        (whole.clone(), 3),
        "every order once, in order"
    );
    // The search's pages too (on SQLite in the index's own order: as stored).
    let (found, _) = walk(&app, &alice, &query("acme")).await;
    assert_eq!(found.len(), 8, "{found:?}");
    assert_eq!(found.iter().collect::<HashSet<_>>().len(), 8);
    assert!(
        whole.iter().all(|id| found.contains(id)),
        "the order made after the first page shifts none onto the next: {found:?}"
    );

    for (path, field) in [
        (
            format!("{}?before=nonsense", routes::ADMIN_ORDERS),
            "before",
        ),
        (
            format!("{}?before=12.not-an-id", routes::ADMIN_ORDERS),
            "before",
        ),
        // Well formed, but no order's.
        (
            format!(
                "{}?q=acme&before=12.00000000-0000-4000-8000-000000000000",
                routes::ADMIN_ORDERS
            ),
            "before",
        ),
        (format!("{}?offset=10001", routes::ADMIN_ORDERS), "offset"),
    ] {
        let (status, code, error) = refusal(alice.get(&path).await).await;
        assert_eq!((status, code.as_str()), (400, "INVALID_INPUT"), "{path}");
        assert_eq!(error["fields"][0]["field"], field, "{path}");
    }
    let far = alice
        .get_json(&format!("{}?offset=10000", routes::ADMIN_ORDERS))
        .await;
    assert_eq!(ids(&far), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_follow_on_from_where_the_last_ended_on_sqlite() {
    pages_follow_on_from_where_the_last_ended(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_follow_on_from_where_the_last_ended_on_postgres() {
    pages_follow_on_from_where_the_last_ended(postgres().await).await;
}

fn count(dashboard: &Value, state: &str) -> u64 {
    dashboard["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["state"] == state)
        .map_or(0, |c| c["count"].as_u64().unwrap())
}

async fn counts_follow_every_change(app: TestApp) {
    let alice = app.signed_in_admin().await;
    // Made at once: the kept counts hold under concurrent writers.
    let body = order_body();
    let created =
        futures::future::join_all((0..12).map(|_| alice.post_json(routes::ADMIN_ORDERS, &body)))
            .await;
    let cancelled = created[0]["order_id"].as_str().unwrap();
    let revoked = created[1]["serial"].as_str().unwrap();
    alice
        .post_json(&routes::admin_order(cancelled, Some("cancel")), &json!({}))
        .await;
    alice
        .post_json(
            &routes::admin_revoke(revoked),
            &json!({"reason": "keyCompromise"}),
        )
        .await;
    for order in &created {
        app.wait_for_queue_drained(order["order_id"].as_str().unwrap())
            .await;
    }
    let dashboard = alice.get_json(routes::ADMIN_DASHBOARD).await;
    assert_eq!(
        (
            count(&dashboard, "link_sent"),
            count(&dashboard, "cancelled"),
            count(&dashboard, "revoked"),
            count(&dashboard, "issued")
        ),
        (10, 1, 1, 0),
        "{dashboard}"
    );
    let list = alice.get_json(routes::ADMIN_ORDERS).await;
    assert_eq!(
        (list["total"].clone(), list["total_exact"].clone()),
        (json!(12), json!(true))
    );
    let sent = alice
        .get_json(&format!("{}?state=link_sent", routes::ADMIN_ORDERS))
        .await;
    assert_eq!(sent["total"], 10);
    let metrics = reqwest::get(app.metrics_url())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("certportal_orders{state=\"link_sent\"} 10"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_follow_every_change_on_sqlite() {
    counts_follow_every_change(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_follow_every_change_on_postgres() {
    counts_follow_every_change(postgres().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_fills_only_a_demo_data_dir_with_years_of_real_certificates() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("real");
    assert!(
        cli::run(&real, &["init", "--ca-key", "p256"], None)
            .status
            .success()
    );
    let refused = cli::run(&real, &["dev", "seed", "--orders", "10"], None);
    assert!(!refused.status.success());
    assert!(
        cli::stderr(&refused).contains("not a demo data dir"),
        "{}",
        cli::stderr(&refused)
    );
    let db =
        |dir: &std::path::Path| format!("sqlite://{}?mode=ro", dir.join("certportal.db").display());
    let pool = sqlx::SqlitePool::connect(&db(&real)).await.unwrap();
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(orders, 0, "nothing written");
    pool.close().await;

    let demo = root.path().join("demo");
    let made = cli::run(&demo, &["init", "--demo", "--ca-key", "p256"], None);
    assert!(made.status.success(), "{}", cli::stderr(&made));
    let too_many = cli::run(
        &demo,
        &["dev", "seed", "--orders", "5", "--revoked", "6"],
        None,
    );
    assert!(
        cli::stderr(&too_many).contains("revoked"),
        "{}",
        cli::stderr(&too_many)
    );
    let seeded = cli::run(
        &demo,
        &["dev", "seed", "--orders", "400", "--revoked", "40"],
        None,
    );
    assert!(seeded.status.success(), "{}", cli::stderr(&seeded));
    let again = cli::run(&demo, &["dev", "seed", "--orders", "10"], None);
    assert!(!again.status.success());
    assert!(
        cli::stderr(&again).contains("already holds 400 orders"),
        "{}",
        cli::stderr(&again)
    );

    let pool = sqlx::SqlitePool::connect(&db(&demo)).await.unwrap();
    let scalar = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(scalar("SELECT COUNT(*) FROM orders").await, 400);
    let withdrawn = scalar("SELECT COUNT(*) FROM certificates WHERE revoked_at IS NOT NULL").await;
    assert!((36..=40).contains(&withdrawn), "{withdrawn} withdrawn");
    let span = scalar("SELECT MAX(created_at) - MIN(created_at) FROM orders").await;
    assert!(span > 7 * 365 * 86_400, "spread over the years: {span} s");
    assert_eq!(
        scalar("SELECT COUNT(DISTINCT order_id) FROM audit_events WHERE action = 'order.created'")
            .await,
        400
    );
    // Stages reached before the last day were reminded of, as a running portal would have.
    let reminded = scalar("SELECT COUNT(*) FROM reminders").await;
    assert!(reminded > 0, "{reminded} reminders");
    let collected = scalar("SELECT COUNT(*) FROM orders WHERE state = 'collected'").await;
    assert!(collected > 300, "{collected} collected");
    // The kept counts and the search index took the seeded rows in.
    assert_eq!(scalar("SELECT SUM(n) FROM order_counts").await, 400);
    assert_eq!(scalar("SELECT COUNT(*) FROM order_search").await, 400);
    // Each certificate is the CA's own, as openssl checks it.
    let der: Vec<u8> = sqlx::query_scalar("SELECT der FROM certificates LIMIT 1 OFFSET 123")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let cert = root.path().join("seeded.der");
    std::fs::write(&cert, der).unwrap();
    let pem = std::process::Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(pem.status.success());
    let pem_path = root.path().join("seeded.pem");
    std::fs::write(&pem_path, pem.stdout).unwrap();
    let verified = std::process::Command::new("openssl")
        .args(["verify", "-no_check_time", "-CAfile"])
        .arg(demo.join("ca.pem"))
        .arg(&pem_path)
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}
