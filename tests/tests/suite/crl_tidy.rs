//! The CRL over a certificate's whole life: listed from its withdrawal, still listed on a CRL
//! signed after the certificate ended (RFC 5280 §3.3), then tidied away, so that years of
//! withdrawals do not pile up in every CRL.

use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;
use time::Duration;

/// The current CRL as openssl prints it, upper-cased.
async fn crl(app: &TestApp, dir: &std::path::Path) -> String {
    let der = app.get(routes::CRL).await.bytes().await.unwrap();
    tools::crl_text(dir, &der)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawn_certificate_leaves_the_crl_one_period_after_it_ends() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let order = app.create_order(sample_order()).await;
    let serial = order.serial().to_uppercase();
    let alice = app.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_revoke(order.serial()),
            &json!({"reason": "cessationOfOperation"}),
        )
        .await;
    assert!(crl(&app, dir.path()).await.contains(&serial));

    // A day after the certificate's end (730 days): a new CRL, which still lists it.
    app.clock.advance(Duration::days(731));
    let listed = crl(&app, dir.path()).await;
    assert!(listed.contains(&serial), "listed once past its end");
    // Past one CRL period (7 days) after its end: the next CRL leaves it off.
    app.clock.advance(Duration::days(8));
    let listed = crl(&app, dir.path()).await;
    assert!(!listed.contains(&serial), "tidied away: {listed}");
    assert!(listed.contains("NO REVOKED CERTIFICATES"), "{listed}");
}
