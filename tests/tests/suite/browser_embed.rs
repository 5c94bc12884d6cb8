//! The collect pages inside an iframe on another site, with third-party cookies blocked:
//! what a customer's help centre does with them (DESIGN: "Embeddable").

use certportal_shared::model::OrderDraft;
use certportal_tests::browser::Browser;
use certportal_tests::*;

/// Waits for the portal's refusal to be framed, which Chromium reports on the console of the
/// page that tried.
async fn wait_for_frame_refusal(browser: &Browser) {
    let deadline = std::time::Instant::now() + certportal_tests::browser::PATIENCE;
    loop {
        let errors = browser.console_errors().await;
        if errors.iter().any(|e| e.contains("frame-ancestors")) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no frame-ancestors refusal on the console: {errors:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

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
    wait_for_frame_refusal(&browser).await;
    browser.find("iframe").await.enter_frame().await.unwrap();
    assert!(!browser.exists(".arrival").await, "the frame stays empty");
    browser.close().await;
}

/// Serves `page` at `/certificates` (the help centre's page) and at `/`.
async fn serve_page(listener: tokio::net::TcpListener, page: String) {
    let page = std::sync::Arc::new(page);
    let app = axum::Router::new().fallback(axum::routing::get(move || {
        let page = page.clone();
        async move { axum::response::Html(page.as_str().to_owned()) }
    }));
    axum::serve(listener, app).await.expect("host page");
}

/// A help centre's page with the site's snippet, recording what its handler is told
/// (`window.events`) and every message the page receives (`window.raw`). Above the snippet, an
/// image named `currentScript` (what a post in a help centre may hold): it shadows
/// `document.currentScript`, so a script that found its portal there would ask another server.
fn help_centre(snippet: &str) -> String {
    let snippet = snippet.replace(
        "onEvent: function (event) {}",
        "onEvent: function (event) { window.events.push(event); }",
    );
    assert!(snippet.contains("window.events.push"), "{snippet}");
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Acme help centre</title></head><body>\
         <h1>Acme help centre</h1><p>Collect the certificate for your server below.</p>\
         <img name=\"currentScript\" src=\"http://127.0.0.1:9/embed/v1.js\" alt=\"\">\
         <script>window.events = []; window.raw = [];\
         window.addEventListener('message', function (e) {{ window.raw.push(JSON.stringify(e.data)); }});</script>\
         {snippet}<p>Questions? Call us.</p></body></html>"
    )
}

/// A loopback listener and the origin a browser sees it at (`localhost`: another site than
/// the portal's `127.0.0.1`).
async fn host_listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    (listener, origin)
}

/// Registers the help centre at `origin` for Acme AS, with a theme; returns the site.
async fn register_site(
    admin: &certportal_tests::staff::StaffClient,
    origin: &str,
) -> serde_json::Value {
    admin
        .post_json(
            certportal_shared::routes::ADMIN_SITES,
            &serde_json::json!({
                "name": "acme-help",
                "origin": origin,
                "page": format!("{origin}/certificates"),
                "languages": ["en", "nb"],
                "organisations": ["Acme AS"],
                "theme": { "background": "#fdf6e3", "accent": "#0b5d1e" }
            }),
        )
        .await
}

/// Waits until the framed page shows all of itself: the iframe is as tall as its content.
async fn fits_without_scrolling(browser: &Browser, step: &str) {
    browser
        .wait_for_script(
            &format!("the frame at the {step} step to fit its content"),
            "return document.documentElement.scrollHeight <= window.innerHeight + 1 \
             && document.documentElement.scrollHeight > 200",
        )
        .await;
}

/// From the host page: resizes the window to `size` and waits until the frame fits its
/// content again.
async fn fits_at_width(browser: &Browser, size: (u32, u32), step: &str) {
    browser
        .client
        .set_window_size(size.0, size.1)
        .await
        .unwrap();
    browser
        .find("#certportal iframe")
        .await
        .enter_frame()
        .await
        .unwrap();
    fits_without_scrolling(browser, step).await;
    browser.client.enter_parent_frame().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_e_mail_link_opens_the_help_centre_and_the_whole_flow_works_inside_embed_js() {
    let (listener, host) = host_listener().await;
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let site = register_site(&admin, &host).await;
    tokio::spawn(serve_page(
        listener,
        help_centre(site["snippet"].as_str().unwrap()),
    ));

    let order = app.create_order(sample_order()).await;
    let mail = wait_until(|| {
        app.mail.sent().into_iter().find(|m| {
            m.order_id.as_deref() == Some(order.order_id.as_str()) && m.purpose == "collect_link"
        })
    })
    .await
    .expect("the link e-mail");
    let page = format!("{host}/certificates#");
    let token = token_after(&mail.body, &page);
    let code = app.wait_for_code(&order.order_id, 1).await;

    let browser = Browser::start().await;
    browser.goto(&format!("{page}{token}")).await;
    let iframe = browser.find("#certportal iframe").await;
    assert_eq!(
        browser.current_url().await,
        format!("{host}/certificates"),
        "the token left the host's address bar"
    );
    let src = iframe.attr("src").await.unwrap().unwrap_or_default();
    assert!(
        !src.contains(&token),
        "the token is never in the frame's URL"
    );
    assert_eq!(
        iframe.attr("title").await.unwrap().as_deref(),
        Some("Collect your client certificate")
    );

    // The host page cannot fake the portal's messages from another window or origin.
    let faked = browser
        .eval(
            "var frame = document.querySelector('#certportal iframe'); \
             var portal = new URL(frame.src).origin; \
             window.dispatchEvent(new MessageEvent('message', {data: {v: 1, type: 'resize', height: 4321}, origin: portal, source: window})); \
             window.dispatchEvent(new MessageEvent('message', {data: {v: 1, type: 'resize', height: 4322}, origin: 'http://evil.example', source: frame.contentWindow})); \
             return [frame.style.height, JSON.stringify(window.events)];",
        )
        .await;
    assert!(!faked.to_string().contains("432"), "{faked}");

    iframe.enter_frame().await.unwrap();
    browser
        .wait_for_text("the order in the frame", ".arrival", |t| {
            t.contains("Acme AS")
        })
        .await;
    let background = browser
        .eval("return getComputedStyle(document.documentElement).backgroundColor")
        .await;
    assert_eq!(background, "rgb(253, 246, 227)", "the site's theme");
    fits_without_scrolling(&browser, "warnings").await;
    browser.click("warnings-ack").await;
    fits_without_scrolling(&browser, "code").await;
    browser.type_into("code-input", &code).await;
    browser.click("code-submit").await;
    browser.click("download").await;
    let (_, file) = browser.downloaded_file().await;
    fits_without_scrolling(&browser, "check").await;
    let stored = app.stored_order(&order.order_id).await;
    assert_eq!(
        stored.bundle_sha256.as_deref(),
        Some(certportal::pki::sha256(&file).as_bytes().as_slice()),
        "the saved file is the portal's, byte for byte"
    );
    let password = app.wait_for_password(&order.order_id).await;
    browser.type_into("password-input", &password).await;
    browser.click("password-submit").await;
    let expected = certportal_tests::browser::collect::fingerprint(&file, &password, &app);
    browser
        .wait_for_text("the summary", "[data-test=\"bundle-summary\"]", |t| {
            t.contains(&expected)
        })
        .await;
    fits_without_scrolling(&browser, "install").await;

    browser.client.enter_parent_frame().await.unwrap();
    let events = browser
        .wait_for_script(
            "the done event",
            "return window.events.some(function (e) { return e.type === 'done'; }) ? window.events : null",
        )
        .await;
    let told: Vec<String> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] != "resize")
        .map(|e| match e["type"].as_str().unwrap() {
            "step" => format!("step {}", e["name"].as_str().unwrap()),
            "checked" => format!("checked {}", e["fingerprint"].as_str().unwrap()),
            other => other.to_owned(),
        })
        .collect();
    let wanted = [
        "ready".to_owned(),
        "step warnings".into(),
        "step code".into(),
        "step download".into(),
        "downloaded".into(),
        "step check".into(),
        format!("checked {expected}"),
        "step done".into(),
        "done".into(),
    ];
    let mut rest = told.iter();
    for event in &wanted {
        assert!(rest.any(|e| e == event), "{event} in order in {told:?}");
    }
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "resize" && e["height"].as_f64().unwrap() > 200.0)
    );
    let raw = browser.eval("return window.raw.join('\\n')").await;
    let raw = raw.as_str().unwrap();
    for (secret, what) in [(&token, "token"), (&code, "code"), (&password, "password")] {
        assert!(!raw.contains(secret.as_str()), "a message held the {what}");
    }

    // At a phone's width the frame still fits its content.
    fits_at_width(&browser, (390, 844), "install, on a phone,").await;
    // For the picture, a window as tall as the host page: Chromium paints a frame from
    // another origin only where the window shows it.
    fits_at_width(&browser, (1280, 900), "install, on a wide screen again,").await;
    let height = browser
        .eval("return document.documentElement.scrollHeight")
        .await
        .as_u64()
        .unwrap();
    browser
        .client
        .set_window_size(1280, u32::try_from(height).unwrap() + 100)
        .await
        .unwrap();
    browser.screenshot("collect-embedded-site").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unregistered_origin_gets_an_error_event_and_no_frame() {
    let (registered, host) = host_listener().await;
    drop(registered);
    let (listener, stranger) = host_listener().await;
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let site = register_site(&admin, &host).await;
    let snippet = site["snippet"].as_str().unwrap();
    // The snippet copied to a page of another origin, beside a frame of the page by hand.
    let page = help_centre(snippet).replace(
        "<p>Questions?",
        &format!("<iframe id=\"by-hand\" title=\"x\" src=\"{}/collect?site=acme-help\"></iframe><p>Questions?", app.url),
    );
    tokio::spawn(serve_page(listener, page));
    let browser = Browser::start().await;
    browser
        .goto(&format!("{stranger}/certificates#{}", "A".repeat(43)))
        .await;
    let events = browser
        .wait_for_script(
            "an error event",
            "return window.events.length ? window.events : null",
        )
        .await;
    assert_eq!(
        events,
        serde_json::json!([{ "v": 1, "type": "error", "code": "ORIGIN_NOT_REGISTERED" }])
    );
    assert!(
        !browser.exists("#certportal iframe").await,
        "embed.js mounted nothing"
    );
    assert_eq!(
        browser.current_url().await,
        format!("{stranger}/certificates"),
        "the fragment is gone even so"
    );
    // The frame made by hand is refused by the portal's policy.
    wait_for_frame_refusal(&browser).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_framed_page_takes_its_token_only_from_its_parent_on_the_sites_origin() {
    let (listener, host) = host_listener().await;
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    register_site(&admin, &host).await;
    // No embed script: the test plays the host, so that it chooses what is posted.
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><title>Help</title></head><body>\
         <script>window.raw = []; window.addEventListener('message', function (e) {{ window.raw.push(e.data); }});</script>\
         <iframe title=\"Collect\" src=\"{}/collect?site=acme-help&lang=nb\" width=\"900\" height=\"900\"></iframe></body></html>",
        app.url
    );
    tokio::spawn(serve_page(listener, page));
    // Links to the portal's own page, so that the test can read their tokens.
    let own_page = || OrderDraft {
        site: Some(String::new()),
        ..sample_order()
    };
    let collect = app.order_from(own_page()).await;
    let decoy = app
        .order_from(OrderDraft {
            client: "decoy".into(),
            ..own_page()
        })
        .await;

    let browser = Browser::start().await;
    browser.goto(&format!("{host}/")).await;
    browser
        .wait_for_script(
            "the frame's ready",
            "return window.raw.some(function (m) { return m.type === 'ready'; }) || null",
        )
        .await;
    // Inside the frame: messages that claim another origin, or come from the frame itself.
    browser.find("iframe").await.enter_frame().await.unwrap();
    browser
        .eval(&format!(
            "var token = {decoy:?}; \
             window.dispatchEvent(new MessageEvent('message', {{data: {{v: 1, type: 'token', token: token}}, origin: 'http://evil.example', source: window.parent}})); \
             window.dispatchEvent(new MessageEvent('message', {{data: {{v: 1, type: 'token', token: token}}, origin: {host:?}, source: window}})); \
             return true;",
            decoy = decoy.token,
        ))
        .await;
    browser.client.enter_parent_frame().await.unwrap();
    // From the parent on the right origin: another version first, then the real one.
    browser
        .eval(&format!(
            "var frame = document.querySelector('iframe').contentWindow; var portal = {portal:?}; \
             frame.postMessage({{v: 2, type: 'token', token: {decoy:?}}}, portal); \
             frame.postMessage({{v: 1, type: 'token', token: {token:?}}}, portal); return true;",
            portal = app.url,
            decoy = decoy.token,
            token = collect.token,
        ))
        .await;
    browser.find("iframe").await.enter_frame().await.unwrap();
    browser
        .wait_for_text(
            "the real order, in the language the host asked for",
            ".arrival",
            |t| t.contains("e-banking") && t.contains("Dette sertifikatet gjelder"),
        )
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_added_on_the_admin_page_frames_the_portal_at_once_and_an_unreadable_theme_is_refused()
 {
    use certportal_tests::browser::admin::choose_own_password;
    let (listener, host) = host_listener().await;
    let app = spawn_app().await;
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><title>Help</title></head><body>\
         <script>window.raw = []; window.addEventListener('message', function (e) {{ window.raw.push(e.data); }});</script>\
         <iframe title=\"Collect\" src=\"{}/collect?site=fjord-help\" width=\"900\" height=\"600\"></iframe></body></html>",
        app.url
    );
    tokio::spawn(serve_page(listener, page));
    let alice = app
        .add_staff("alice", certportal_shared::model::Role::Admin)
        .await;
    let password = choose_own_password(&app, &alice).await;

    let browser = Browser::start().await;
    // Before the site is registered the portal refuses the frame.
    browser.goto(&format!("{host}/")).await;
    wait_for_frame_refusal(&browser).await;
    browser.open_sign_in(&app, "").await;
    browser.sign_in_with_password(&app, &alice, &password).await;
    browser.navigate("nav-sites", "Embedding sites").await;
    browser.type_into("site-name", "fjord-help").await;
    browser.type_into("site-origin", &host).await;
    browser
        .type_into("site-page", &format!("{host}/certificates"))
        .await;
    browser
        .type_into("site-organisations", "Fjord Bank ASA")
        .await;
    // Grey text on the default white: refused before and on save, with the field named.
    browser.type_into("site-theme-text", "#999999").await;
    browser.click("site-submit").await;
    browser
        .wait_for_text("the contrast refusal", "#site-theme-text-error", |t| {
            t.contains("4.5:1")
        })
        .await;
    assert_eq!(
        alice.get_json(certportal_shared::routes::ADMIN_SITES).await,
        serde_json::json!([]),
        "nothing saved"
    );
    browser
        .find("[data-test=\"site-theme-text\"]")
        .await
        .clear()
        .await
        .unwrap();
    browser.type_into("site-theme-text", "#102030").await;
    browser.type_into("site-theme-background", "#fdf6e3").await;
    let preview = browser
        .wait_for_script(
            "the preview in the theme",
            "var p = document.querySelector('[data-test=\"site-preview\"]'); \
             var v = getComputedStyle(p).getPropertyValue('--cp-color-bg').trim(); return v === '#fdf6e3' ? v : null",
        )
        .await;
    assert_eq!(preview, "#fdf6e3");
    browser.click("site-submit").await;
    browser
        .wait_for_text("the new site", "[data-test=\"site-row\"]", |t| {
            t.contains("fjord-help")
        })
        .await;
    let snippet = browser.text("[data-test=\"site-snippet\"]").await;
    assert!(snippet.contains("integrity=\"sha384-"), "{snippet}");
    browser.assert_accessible("the sites page").await;
    browser.screenshot("admin-9-sites").await;

    // The help centre's page frames the portal now, without a restart: the page says ready.
    browser.goto(&format!("{host}/")).await;
    browser
        .wait_for_script(
            "the framed page's ready",
            "return window.raw.some(function (m) { return m.type === 'ready'; }) || null",
        )
        .await;
    browser.close().await;
}
