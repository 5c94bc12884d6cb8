//! The collect pages inside an iframe on another site, with third-party cookies blocked:
//! what a customer's help centre does with them (DESIGN: "Embeddable").

use certportal_tests::browser::Browser;
use certportal_tests::*;

/// A page on another site (`localhost` rather than `127.0.0.1`: another host, so another
/// site) that embeds `src`.
async fn host_page(listener: tokio::net::TcpListener, src: String) {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><title>Help centre</title></head><body>\
         <h1>Customer help centre</h1>\
         <iframe title=\"Collect your certificate\" src=\"{src}\" width=\"900\" height=\"1400\"></iframe>\
         </body></html>"
    );
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    );
    axum::serve(listener, app).await.expect("host page");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_flow_works_in_an_iframe_on_another_site_without_cookies() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let allowed = host.clone();
    let app = TestApp::builder()
        .config(move |config| config.http.frame_ancestors = vec!["'self'".into(), allowed])
        .spawn()
        .await;
    let collect = app.order_with_link().await;
    tokio::spawn(host_page(
        listener,
        format!("{}/collect#{}", app.url, collect.token),
    ));

    let browser = Browser::start().await;
    browser.goto(&format!("{host}/")).await;
    browser.find("iframe").await.enter_frame().await.unwrap();
    browser
        .wait_for_text("the order in the frame", ".arrival", |t| {
            t.contains("Acme AS")
        })
        .await;
    browser.click("warnings-ack").await;
    browser.type_into("code-input", &collect.code).await;
    browser.click("code-submit").await;
    browser.click("download").await;
    let (_, file) = browser.downloaded_file().await;
    browser
        .wait_for_text("the password notice", ".password-notice", |t| !t.is_empty())
        .await;
    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.type_into("password-input", &password).await;
    browser.click("password-submit").await;
    let expected = certportal_shared::bundle::open(&file, &password, None, app.now_unix())
        .unwrap()
        .certificate
        .fingerprint_sha256
        .to_hex();
    browser
        .wait_for_text("the summary", "[data-test=\"bundle-summary\"]", |t| {
            t.contains(&expected)
        })
        .await;
    browser.client.enter_parent_frame().await.unwrap();
    assert_eq!(
        browser.current_url().await,
        format!("{host}/"),
        "the flow never navigated the top window"
    );
    browser.screenshot("collect-embedded").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_not_named_in_frame_ancestors_cannot_embed_the_pages() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    tokio::spawn(host_page(
        listener,
        format!("{}/collect#{}", app.url, collect.token),
    ));
    let browser = Browser::start().await;
    browser.goto(&format!("{host}/")).await;
    // Chromium reports the refusal on the console of the page that tried.
    let deadline = std::time::Instant::now() + certportal_tests::browser::PATIENCE;
    loop {
        let errors = browser.console_errors().await;
        if errors.iter().any(|e| e.contains("frame-ancestors")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no frame-ancestors refusal on the console: {errors:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser.find("iframe").await.enter_frame().await.unwrap();
    assert!(!browser.exists(".arrival").await, "the frame stays empty");
    browser.close().await;
}
