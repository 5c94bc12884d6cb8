//! The API docs page in Chromium under the portal's policy: Swagger UI loads the document
//! from the portal, shows every tag and an operation's details, runs a call against the
//! portal, breaks no rule of its Content-Security-Policy, and fetches nothing from another
//! host.

use certportal_tests::browser::Browser;
use certportal_tests::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_api_docs_page_shows_and_tries_the_api_under_its_policy() {
    let app = spawn_app().await;
    let browser = Browser::start().await;
    browser
        .goto(&format!(
            "{}{}/",
            app.url,
            certportal_shared::routes::API_DOCS
        ))
        .await;
    let tags = browser
        .wait_for_script(
            "Swagger UI's tags",
            "const tags = [...document.querySelectorAll('.opblock-tag')]; \
             return tags.length >= 8 ? tags.map(t => t.dataset.tag) : null;",
        )
        .await;
    for tag in ["collect", "orders", "webhooks", "public"] {
        assert!(
            tags.as_array()
                .is_some_and(|tags| tags.iter().any(|t| t == tag)),
            "the tag {tag} is shown: {tags}"
        );
    }
    // Open the health check and try it: the page calls the portal and shows the answer.
    browser
        .eval(
            "document.querySelector('#operations-public-healthz .opblock-summary-control').click(); \
             return true;",
        )
        .await;
    browser
        .wait_for_script(
            "the try-it button",
            "const b = document.querySelector('#operations-public-healthz .try-out__btn'); \
             if (!b) return null; b.click(); return true;",
        )
        .await;
    browser
        .wait_for_script(
            "the execute button",
            "const b = document.querySelector('#operations-public-healthz .execute'); \
             if (!b) return null; b.click(); return true;",
        )
        .await;
    browser
        .wait_for_script(
            "the answer",
            "const text = document.querySelector('#operations-public-healthz').innerText; \
             return text.includes('Server response') && text.includes(location.origin + '/healthz') \
                 && /\\b200\\b/.test(text.split('Server response')[1] || '') ? true : null;",
        )
        .await;
    browser.screenshot("api-docs").await;
    assert_eq!(
        browser.console_errors().await,
        Vec::<String>::new(),
        "no policy violation, no failed load"
    );
    let elsewhere: Vec<String> = browser
        .requests()
        .await
        .iter()
        .filter_map(|request| request["url"].as_str().map(str::to_owned))
        // The browser's own pages (its new tab) are not the page's requests.
        .filter(|url| url.starts_with("http") && !url.starts_with(&app.url))
        .collect();
    assert_eq!(elsewhere, Vec::<String>::new(), "nothing from another host");
}
