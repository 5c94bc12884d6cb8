//! Figures for `cargo xtask bench`, measured in headless Chromium: the collect page's time to
//! first render, the in-browser check of the default file against the native inspector on
//! the same bytes, and the page's own key, request and file for custody `browser`. Ignored in a plain test run (they take a while and their native figure
//! needs an optimised build); `cargo xtask bench` runs them with `--release --ignored`.
//!
//! Each prints `figure: ...` lines and fails when its target is missed.

use certportal_tests::browser::Browser;
use certportal_tests::*;
use std::time::Instant;

const RUNS: usize = 3;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench"]
async fn bench_first_render_of_the_collect_page() {
    let app = spawn_app().await;
    let mut ready = Vec::new();
    let mut paint = Vec::new();
    for _ in 0..RUNS {
        let collect = app.order_with_link().await;
        // A fresh browser each time: a first visit, nothing cached, wasm compiled cold.
        let browser = Browser::start().await;
        browser
            .goto(&format!("{}/collect#{}", app.url, collect.token))
            .await;
        browser.find(".arrival").await;
        let marks = browser
            .wait_for_script(
                "the page's ready mark",
                "const m = performance.getEntriesByName('certportal:collect-ready')[0];
                 const p = performance.getEntriesByName('first-contentful-paint')[0];
                 return m && [m.startTime, p ? p.startTime : -1];",
            )
            .await;
        ready.push(marks[0].as_f64().unwrap());
        paint.push(marks[1].as_f64().unwrap());
        browser.close().await;
    }
    let ready = median(ready);
    println!(
        "figure: first render of /collect (navigation start to the order on screen): {ready:.0} ms \
         (median of {RUNS} cold loads; first contentful paint {:.0} ms); target <= 1000 ms",
        median(paint)
    );
    assert!(
        ready <= 1000.0,
        "target missed: first render took {ready:.0} ms"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench"]
async fn bench_in_browser_check_against_the_native_inspector() {
    if cfg!(debug_assertions) {
        println!("note: an unoptimised build; the native figure means little (run with --release)");
    }
    let app = spawn_app().await;
    let ca_pem = app.ca_pem().await;
    let ca_der = pem_der(&ca_pem);
    let mut in_browser = Vec::new();
    let mut native = Vec::new();
    for _ in 0..RUNS {
        let collect = app.order_with_link().await;
        let browser = Browser::start().await;
        browser
            .goto(&format!("{}/collect#{}", app.url, collect.token))
            .await;
        browser.click("warnings-ack").await;
        browser.type_into("code-input", &collect.code).await;
        browser.click("code-submit").await;
        browser.click("download").await;
        let (_, file) = browser.downloaded_file().await;
        let password = app.wait_for_password(&collect.order.order_id).await;
        browser.type_into("password-input", &password).await;
        browser.click("password-submit").await;
        let summary = browser.find("[data-test=\"bundle-summary\"]").await;
        let ms: f64 = summary
            .attr("data-check-ms")
            .await
            .unwrap()
            .expect("the page reports its check time")
            .parse()
            .unwrap();
        in_browser.push(ms);
        browser.close().await;

        // The same bytes, password, CA and call, natively; the best of a few runs.
        let mut best = f64::MAX;
        for _ in 0..5 {
            let started = Instant::now();
            let report =
                certportal_shared::bundle::open(&file, &password, Some(&ca_der), app.now_unix())
                    .expect("opens");
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            assert!(report.chain.is_some_and(|c| c.trusted));
        }
        native.push(best);
    }
    let (in_browser, native) = (median(in_browser), median(native));
    let ratio = in_browser / native.max(0.001);
    println!(
        "figure: in-browser check of the default file (RSA-2048, AES-256, 10,000 PBKDF2 \
         iterations): {in_browser:.0} ms in Chromium (wasm) vs {native:.1} ms native = {ratio:.1}x \
         (medians of {RUNS} files); target <= 2x"
    );
    assert!(
        in_browser <= 100.0,
        "the check blocks the page for {in_browser:.0} ms: move it into a Web Worker"
    );
    assert!(ratio <= 2.0, "target missed: {ratio:.1}x the native time");
}

/// Runs of each kind of key the page makes.
const BUILD_RUNS: usize = 10;
/// The contact waits on the button for this, less than a second: the page's share, without
/// the portal's answer.
const BUILD_TARGET_MS: f64 = 1000.0;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench"]
async fn bench_key_request_and_file_made_in_the_page() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    for (key, what) in [("rsa2048", "RSA-2048"), ("p256", "P-256")] {
        let mut runs = Vec::new();
        for _ in 0..BUILD_RUNS {
            let Collect { token, code, .. } = app.browser_order(key, "modern").await;
            // Away first: from /collect, a new link differs only in its fragment, which
            // would not load the page again.
            browser.goto("about:blank").await;
            browser.arrive(&app, &token).await;
            browser.acknowledge().await;
            browser.enter_code(&code).await;
            browser.click("build-start").await;
            let result = browser.find("[data-test=\"build-result\"]").await;
            let ms: f64 = result
                .attr("data-build-ms")
                .await
                .unwrap()
                .expect("the page reports its build time")
                .parse()
                .unwrap();
            runs.push(ms);
        }
        let built = median(runs);
        println!(
            "figure: {what} key + certificate request + PKCS#12 file (modern, 10,000 iterations) \
             made in the collect page: {built:.0} ms in Chromium, the portal's answer not counted \
             (median of {BUILD_RUNS}); target <= {BUILD_TARGET_MS:.0} ms"
        );
        assert!(
            built <= BUILD_TARGET_MS,
            "target missed: the page took {built:.0} ms for {what}"
        );
    }
    browser.close().await;
}

fn pem_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench"]
async fn bench_embedded_collect_page_from_the_help_centres_load() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let site = admin
        .post_json(
            certportal_shared::routes::ADMIN_SITES,
            &serde_json::json!({ "name": "bench-help", "origin": host, "page": format!("{host}/certificates") }),
        )
        .await;
    // The host page stamps each event with the time since its own navigation started.
    let snippet = site["snippet"].as_str().unwrap().replace(
        "onEvent: function (event) {}",
        "onEvent: function (event) { event.at = performance.now(); window.events.push(event); }",
    );
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><title>Help</title></head><body>\
         <script>window.events = [];</script>{snippet}</body></html>"
    );
    let app_router = axum::Router::new().fallback(axum::routing::get(move || {
        let page = page.clone();
        async move { axum::response::Html(page) }
    }));
    tokio::spawn(async move { axum::serve(listener, app_router).await });
    let mut shown = Vec::new();
    for _ in 0..RUNS {
        let collect = app
            .order_from(certportal_shared::model::OrderDraft {
                site: Some(String::new()),
                ..sample_order()
            })
            .await;
        // A fresh browser each time: nothing cached, the wasm compiled cold.
        let browser = Browser::start().await;
        browser
            .goto(&format!("{host}/certificates#{}", collect.token))
            .await;
        let at = browser
            .wait_for_script(
                "the flow's first step inside the frame",
                "var e = window.events.find(function (e) { return e.type === 'step'; }); return e ? e.at : null",
            )
            .await;
        shown.push(at.as_f64().unwrap());
        browser.close().await;
    }
    let shown = median(shown);
    println!(
        "figure: embedded collect page, from the help centre's navigation start to the flow's \
         first step on screen inside the frame (embed.js, site check, frame, token hand-over, \
         order opened): {shown:.0} ms (median of {RUNS} cold loads); target <= 1000 ms"
    );
    assert!(shown <= 1000.0, "target missed: {shown:.0} ms");
}
