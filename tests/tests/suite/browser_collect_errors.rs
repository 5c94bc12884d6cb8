//! The collect pages when something goes wrong: every refusal gets plain words and a next
//! step, and the flow goes on where it can.
//!
//! Assertion messages never hold the token, the code or the password.

use certportal_tests::browser::Browser;
use certportal_tests::browser::collect::{CODE_INPUT, SUMMARY, fingerprint, link};
use certportal_tests::*;
use time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_code_says_so_with_the_tries_left_and_the_right_one_still_works() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;

    browser.enter_code(&wrong_code(&collect.code)).await;
    let alert = browser
        .wait_for_text("the refusal", "#code-error", |t| t.contains("not right"))
        .await;
    assert!(alert.contains("Tries left: 4"), "{alert}");
    assert_eq!(
        browser
            .hook("code-input")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    browser.screenshot("collect-wrong-code").await;
    browser.assert_accessible("a wrong code").await;

    browser.enter_code("12ab").await;
    browser
        .wait_for_text("the local refusal", "#code-error", |t| {
            t.contains("does not look like the code")
        })
        .await;

    browser.enter_code(&collect.code).await;
    browser.hook("download").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_says_so_and_asks_for_nothing() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    app.clock.advance(Duration::days(7));
    browser.goto(&link(&app, &collect.token)).await;
    let alert = browser
        .wait_for_text("the refusal", "[role=\"alert\"]", |t| t.contains("expired"))
        .await;
    assert!(alert.contains("support"), "it says what to do: {alert}");
    assert!(!browser.exists(CODE_INPUT).await);
    assert!(!browser.exists("[data-test=\"warnings\"]").await);
    browser.screenshot("collect-expired-link").await;
    browser.assert_accessible("an expired link").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_used_link_and_a_missing_token_each_get_their_own_words() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.collect(&collect).await;
    let browser = Browser::start().await;
    browser.goto(&link(&app, &collect.token)).await;
    browser
        .wait_for_text("the refusal", "[role=\"alert\"]", |t| {
            t.contains("already been collected")
        })
        .await;
    browser.goto(&format!("{}/collect", app.url)).await;
    browser
        .wait_for_text("the refusal", "[role=\"alert\"]", |t| {
            t.contains("needs the link from your e-mail")
        })
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_says_so_and_the_right_one_then_opens_the_file() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    browser.enter_code(&collect.code).await;
    let (_, file) = browser.download().await;

    browser.check("not-the-password").await;
    browser
        .wait_for_text("the refusal", "#password-error", |t| {
            t.contains("does not open the file")
        })
        .await;
    assert!(!browser.exists(SUMMARY).await);
    browser.screenshot("collect-wrong-password").await;
    browser.assert_accessible("a wrong password").await;

    let password = app.wait_for_password(&collect.order.order_id).await;
    browser.check(&password).await;
    browser
        .wait_for_text("the summary", SUMMARY, |t| {
            t.contains(&fingerprint(&file, &password, &app))
        })
        .await;
    assert_eq!(browser.text("#password-error").await, "");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_code_can_be_asked_for_once_the_cooldown_is_over() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    app.clock.advance(Duration::seconds(61));
    let browser = Browser::start().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    browser.ask_for_new_code().await;
    browser
        .wait_for_text("the confirmation", ".resend [role=\"status\"]", |t| {
            t.contains("new code is on its way")
        })
        .await;
    let fresh = app.wait_for_code(&collect.order.order_id, 2).await;
    browser.enter_code(&fresh).await;
    browser.hook("download").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_codes_end_the_code_and_a_new_one_gets_the_flow_going_again() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    let wrong = wrong_code(&collect.code);
    for left in (1..5).rev() {
        browser.enter_code(&wrong).await;
        browser
            .wait_for_alert("code-error", |t| t.contains(&format!("Tries left: {left}")))
            .await;
    }
    browser.enter_code(&wrong).await;
    browser
        .wait_for_alert("code-error", |t| t.contains("no tries are left"))
        .await;
    // Past the cooldown, by the portal's clock: the page asks the portal when it may resend.
    app.clock.advance(Duration::seconds(61));
    browser.enter_code(&collect.code).await;
    browser
        .wait_for_alert("code-error", |t| t.contains("Too many wrong codes"))
        .await;
    browser.ask_for_new_code().await;
    browser
        .wait_for_text("the new code's tries", "#code-status", |t| {
            t.contains("Tries left: 5")
        })
        .await;
    let fresh = app.wait_for_code(&collect.order.order_id, 2).await;
    browser.enter_code(&fresh).await;
    browser.hook("download").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_code_says_so_and_offers_a_new_one() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    app.clock.advance(Duration::minutes(30));
    browser.enter_code(&collect.code).await;
    browser
        .wait_for_alert("code-error", |t| {
            t.contains("expired") && t.contains("Send a new code")
        })
        .await;
    browser
        .wait_for_text("the dead code", "[role=\"timer\"]", |t| {
            t.contains("can no longer be used")
        })
        .await;
    browser.ask_for_new_code().await;
    let fresh = app.wait_for_code(&collect.order.order_id, 2).await;
    browser.enter_code(&fresh).await;
    browser.hook("download").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_say_how_long_to_wait() {
    let app = TestApp::builder()
        .config(|config| config.http.collect_rate_per_minute = 3)
        .spawn()
        .await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    let wrong = wrong_code(&collect.code);
    browser.enter_code(&wrong).await;
    browser
        .wait_for_alert("code-error", |t| t.contains("Tries left: 4"))
        .await;
    browser.enter_code(&wrong).await;
    browser
        .wait_for_alert("code-error", |t| t.contains("Tries left: 3"))
        .await;
    browser.enter_code(&wrong).await;
    browser
        .wait_for_alert("code-error", |t| {
            t.contains("Too many requests") && t.contains("Wait 0:")
        })
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_out_of_reach_is_said_so() {
    let mut app = spawn_app().await;
    let browser = Browser::start().await;
    let collect = app.order_with_link().await;
    browser.arrive(&app, &collect.token).await;
    browser.acknowledge().await;
    app.stop().await;
    browser.enter_code(&collect.code).await;
    browser
        .wait_for_alert("code-error", |t| {
            t.contains("could not be reached") && t.contains("network connection")
        })
        .await;
    assert!(
        browser.exists(CODE_INPUT).await,
        "the code can be tried again"
    );
    browser.close().await;
}
