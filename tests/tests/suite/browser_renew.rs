//! The renewal page in headless Chromium: from the collect page's footer, the contact opens the
//! file they collected, is told when the password is wrong, then renews with the right one;
//! the page signed the portal's challenge with the file's key (WebCrypto), the renewal order
//! starts with its link and code, and the page passes axe-core at each step.
//!
//! Assertion messages never hold the password, the link token or the code.

use certportal_shared::routes;
use certportal_tests::browser::Browser;
use certportal_tests::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_contact_renews_from_the_old_file_and_the_new_order_starts() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let old_order = collect.order.order_id.clone();
    let old_serial = collect.order.serial().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let p12 = tools::write(dir.path(), "e-banking.p12", &file);

    let browser = Browser::start().await;
    browser
        .goto(&format!("{}{}", app.url, routes::COLLECT_PAGE))
        .await;
    browser.click("renew-entry").await;
    browser
        .wait_for_text("the renewal page", "h1", |t| t.contains("Renew"))
        .await;
    assert!(
        browser.current_url().await.ends_with(routes::RENEW_PAGE),
        "the footer leads to the renewal page"
    );
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.screenshot("renew-1-file").await;

    // Without a file, then with a wrong password: said in words, nothing sent.
    browser.click("renew-submit").await;
    browser
        .wait_for_text("the missing file", "[role=\"alert\"]", |t| {
            t.contains("No file")
        })
        .await;
    browser
        .hook("renew-file")
        .await
        .send_keys(&p12)
        .await
        .expect("choose the file");
    browser
        .type_into("renew-password", "not-the-password")
        .await;
    browser.click("renew-submit").await;
    browser
        .wait_for_text("the wrong password", "[role=\"alert\"]", |t| {
            !t.contains("No file") && !t.is_empty()
        })
        .await;
    assert_eq!(
        browser.focused_hook().await,
        "renew-password",
        "the password field takes the focus back"
    );

    browser.type_into("renew-password", &password).await;
    browser.click("renew-submit").await;
    let done = browser
        .wait_for_text("the renewal", "[data-test=\"renew-done\"]", |t| {
            t.contains("+47•••••567")
        })
        .await;
    assert!(done.contains(&old_serial), "names the old certificate");
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.screenshot("renew-2-started").await;
    assert!(
        !browser.exists("[data-test=\"renew-password\"]").await,
        "the form, and the password in it, are gone"
    );

    // The renewal order: same client and contact, renewing the old certificate, with its link
    // and code on their way.
    let new_order = wait_until(|| {
        app.mail
            .sent()
            .into_iter()
            .filter(|mail| mail.purpose == "collect_link")
            .find_map(|mail| mail.order_id.filter(|id| *id != old_order))
    })
    .await
    .expect("the new order's link e-mail");
    let stored = app.stored_order(&new_order).await;
    assert_eq!(stored.renews_serial.as_deref(), Some(old_serial.as_str()));
    assert_eq!(stored.spec.client.as_str(), "e-banking");
    assert_eq!(app.wait_for_code(&new_order, 1).await.len(), 8);
    browser.close().await;
}
