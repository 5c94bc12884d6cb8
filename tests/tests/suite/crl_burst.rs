//! A burst of withdrawals: each is answered once it is committed, without waiting for a CRL to
//! be signed, and the CRL that follows lists them all. Signing a CRL per withdrawal made a
//! burst cost one whole CRL each (seconds apiece with a long history).

use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;

/// The CRL's number and text as openssl prints them (upper-cased).
async fn crl(app: &TestApp, dir: &std::path::Path) -> (u64, String) {
    let der = app.get(routes::CRL).await.bytes().await.unwrap();
    let text = tools::crl_text(dir, &der);
    let number = text
        .split("X509V3 CRL NUMBER:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no CRL number in {text}"));
    (number, text)
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_withdrawals_are_all_listed_by_fewer_crls_than_withdrawals() {
    const BURST: usize = 24;
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let mut serials = Vec::new();
    for n in 0..BURST {
        let mut draft = sample_order();
        draft.client = format!("burst-{n}");
        serials.push(app.create_order(draft).await.serial().to_owned());
    }
    let alice = app.signed_in_admin().await;
    let (before, _) = crl(&app, dir.path()).await;

    let reason = json!({"reason": "keyCompromise"});
    let answers = futures::future::join_all(serials.iter().map(|serial| {
        let path = routes::admin_revoke(serial);
        let alice = &alice;
        let reason = &reason;
        async move { alice.post(&path, reason).await }
    }))
    .await;
    for answer in answers {
        assert_eq!(answer.status(), 200);
    }

    let (after, listed) = crl(&app, dir.path()).await;
    for serial in &serials {
        assert!(listed.contains(&serial.to_uppercase()), "{serial} listed");
    }
    let signed = after - before;
    assert!(
        (1..BURST as u64).contains(&signed),
        "{BURST} withdrawals signed {signed} CRLs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn caches_must_ask_again_and_an_unchanged_crl_costs_a_304() {
    let app = spawn_app().await;
    let order = app.create_order(sample_order()).await;
    let first = app.get(routes::CRL).await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let ask = |tag: String| {
        let url = format!("{}{}", app.url, routes::CRL);
        async move {
            reqwest::Client::new()
                .get(url)
                .header("if-none-match", tag)
                .send()
                .await
                .unwrap()
        }
    };
    let again = ask(etag.clone()).await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());

    let alice = app.signed_in_admin().await;
    alice
        .post_json(&routes::admin_revoke(order.serial()), &json!({}))
        .await;
    let after = ask(etag.clone()).await;
    assert_eq!(after.status(), 200, "the withdrawal made a new CRL");
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let dir = tempfile::tempdir().unwrap();
    let listed = tools::crl_text(dir.path(), &after.bytes().await.unwrap());
    assert!(listed.contains(&order.serial().to_uppercase()));
}
