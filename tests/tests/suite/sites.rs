//! Embedding sites over the API and the command line: registered by admins and checked field
//! by field (a theme must stay readable), framing the collect pages from the moment they are
//! saved and not a moment after they are disabled, and their organisations' link e-mails
//! pointing at the help centre's page. The embed script, the site's description and its
//! stylesheet are served to other origins as a host page needs them.

use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::staff::StaffClient;
use certportal_tests::*;
use serde_json::{Value, json};

const ORIGIN: &str = "https://help.acme.example";
const PAGE: &str = "https://help.acme.example/certificates";

fn acme_site() -> Value {
    json!({
        "name": "acme-help",
        "origin": ORIGIN,
        "page": PAGE,
        "languages": ["nb", "en"],
        "organisations": ["Acme AS"],
        "theme": { "background": "#FDF6E3", "accent": "#0b5d1e", "font": "serif", "radius": 12 }
    })
}

/// The frame-ancestors sources of the collect page asked for with `?site=NAME`.
async fn frame_ancestors(app: &TestApp, site: &str) -> String {
    let response = reqwest::get(format!("{}{}?site={site}", app.url, routes::COLLECT_PAGE))
        .await
        .expect("the page");
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    csp.split(';')
        .map(str::trim)
        .find_map(|directive| directive.strip_prefix("frame-ancestors "))
        .expect("a frame-ancestors directive")
        .to_owned()
}

/// The body of the order's link e-mail.
async fn link_mail(app: &TestApp, order_id: &str) -> String {
    wait_until(|| {
        app.mail
            .sent()
            .into_iter()
            .find(|mail| {
                mail.order_id.as_deref() == Some(order_id) && mail.purpose == "collect_link"
            })
            .map(|mail| mail.body)
    })
    .await
    .expect("the link e-mail")
}

async fn create_order(admin: &StaffClient, site: Option<&str>, org: &str) -> reqwest::Response {
    let mut draft = serde_json::to_value(sample_order()).expect("json");
    draft["org"] = json!(org);
    if let Some(site) = site {
        draft["site"] = json!(site);
    }
    admin.post(routes::ADMIN_ORDERS, &draft).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sites_organisation_gets_link_e_mails_that_point_at_its_page() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let site = admin.post_json(routes::ADMIN_SITES, &acme_site()).await;
    assert_eq!(site["theme"]["background"], "#fdf6e3", "normalised");
    assert_eq!(site["languages"], json!(["nb", "en"]));

    // Acme's order goes to Acme's help centre by default: the token in the page's fragment.
    let created: Value = create_order(&admin, None, "Acme AS")
        .await
        .json()
        .await
        .unwrap();
    let order_id = created["order_id"].as_str().unwrap();
    let body = link_mail(&app, order_id).await;
    let token = token_after(&body, &format!("{PAGE}#"));
    assert_eq!(token.len(), 43, "{}", shown(&body));
    assert!(!body.contains("/collect#"), "{}", shown(&body));
    let detail = admin.get_json(&routes::admin_order(order_id, None)).await;
    assert_eq!(detail["site"], "acme-help");
    // The token is the order's: the portal opens it.
    let opened = reqwest::Client::new()
        .post(format!("{}{}", app.url, routes::COLLECT_OPEN))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);

    // A new link for the same order goes to the same page.
    admin
        .post_json(&routes::admin_order(order_id, Some("resend")), &json!({}))
        .await;
    let resent = wait_until(|| {
        let mails: Vec<_> = app
            .mail
            .sent()
            .into_iter()
            .filter(|m| m.order_id.as_deref() == Some(order_id) && m.purpose == "collect_link")
            .collect();
        (mails.len() == 2).then(|| mails[1].body.clone())
    })
    .await
    .expect("a second link e-mail");
    assert!(resent.contains(&format!("{PAGE}#")), "{}", shown(&resent));

    // `site: ""` keeps the portal's own page; another organisation has no site by default.
    for (site, org) in [(Some(""), "Acme AS"), (None, "Beta AS")] {
        let created: Value = create_order(&admin, site, org).await.json().await.unwrap();
        let body = link_mail(&app, created["order_id"].as_str().unwrap()).await;
        assert!(
            body.contains(&format!("{}/collect#", app.url)),
            "{}",
            shown(&body)
        );
    }

    // A site that is not the organisation's, or none by that name: refused, nothing made.
    let before = admin.get_json(routes::ADMIN_ORDERS).await["total"].clone();
    for (site, org) in [("acme-help", "Beta AS"), ("nobody-help", "Acme AS")] {
        let refusal = refused(
            create_order(&admin, Some(site), org).await,
            400,
            "INVALID_INPUT",
        )
        .await;
        assert_eq!(refusal["fields"][0]["field"], "site", "{refusal}");
    }
    assert_eq!(admin.get_json(routes::ADMIN_ORDERS).await["total"], before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_site_is_refused_with_its_fields_named_and_nothing_is_saved() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut site = acme_site();
        change(&mut site);
        site
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&|s| s["name"] = json!("Acme Help!")), "name"),
        (
            with(&|s| s["origin"] = json!("http://help.acme.example")),
            "origin",
        ),
        (
            with(&|s| s["origin"] = json!("https://help.acme.example/x")),
            "origin",
        ),
        (
            with(&|s| s["page"] = json!("https://evil.example/certificates")),
            "page",
        ),
        (
            with(&|s| s["page"] = json!("https://help.acme.example/c#x")),
            "page",
        ),
        (with(&|s| s["languages"] = json!(["de"])), "languages"),
        (with(&|s| s["organisations"] = json!([""])), "organisations"),
        (
            with(&|s| s["theme"]["accent"] = json!("green")),
            "theme.accent",
        ),
        // Grey on white: 2.8:1, unreadable.
        (
            with(&|s| s["theme"]["text"] = json!("#999999")),
            "theme.text",
        ),
        (
            with(&|s| s["theme"]["on_accent"] = json!("#0b5d1e")),
            "theme.on_accent",
        ),
        (
            with(&|s| s["theme"]["font"] = json!("Comic Sans")),
            "theme.font",
        ),
        (with(&|s| s["theme"]["radius"] = json!(99)), "theme.radius"),
    ];
    for (site, field) in cases {
        let refusal = refused(
            admin.post(routes::ADMIN_SITES, &site).await,
            400,
            "INVALID_INPUT",
        )
        .await;
        let fields: Vec<&str> = refusal["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, [field], "{refusal}");
    }
    let contrast = refused(
        admin
            .post(
                routes::ADMIN_SITES,
                &with(&|s| s["theme"]["text"] = json!("#999999")),
            )
            .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    assert!(
        contrast["message"].as_str().unwrap().contains("4.5:1"),
        "{contrast}"
    );
    // Unknown fields are refused, as everywhere.
    refused(
        admin
            .post(
                routes::ADMIN_SITES,
                &with(&|s| s["theme"]["colour"] = json!("#fff")),
            )
            .await,
        400,
        "MALFORMED_REQUEST",
    )
    .await;
    assert_eq!(admin.get_json(routes::ADMIN_SITES).await, json!([]));

    // Support staff may not register sites.
    let support = app.signed_in("bob", Role::Support).await;
    refused(
        support.post(routes::ADMIN_SITES, &acme_site()).await,
        403,
        "FORBIDDEN",
    )
    .await;
    assert_eq!(admin.get_json(routes::ADMIN_SITES).await, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_racing_registrations_of_one_name_make_one_site() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let answers = futures::future::join_all((0..10).map(|i| {
        let mut site = acme_site();
        site["origin"] = json!(format!("https://help{i}.acme.example"));
        site["page"] = json!(format!("https://help{i}.acme.example/certificates"));
        let admin = &admin;
        async move { admin.post(routes::ADMIN_SITES, &site).await }
    }))
    .await;
    let mut made = 0;
    for answer in answers {
        if answer.status() == 200 {
            made += 1;
        } else {
            let refusal = refused(answer, 400, "INVALID_INPUT").await;
            assert_eq!(refusal["fields"][0]["field"], "name", "{refusal}");
        }
    }
    assert_eq!(made, 1);
    assert_eq!(
        admin
            .get_json(routes::ADMIN_SITES)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_frames_the_pages_from_the_moment_it_is_saved_until_it_is_disabled() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    assert_eq!(frame_ancestors(&app, "acme-help").await, "'self'");

    // Registered by another process, the command line, while the server runs.
    let output = cli::run(
        app.data_dir(),
        &[
            "site",
            "add",
            "acme-help",
            "--origin",
            ORIGIN,
            "--page",
            PAGE,
            "--org",
            "Acme AS",
        ],
        None,
    );
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("/embed/v1.js\" integrity=\"sha384-"),
        "{printed}"
    );
    assert_eq!(
        frame_ancestors(&app, "acme-help").await,
        format!("'self' {ORIGIN}")
    );
    // A revalidated copy gets the policy too: the browser keeps the 304's headers.
    let page = format!("{}{}?site=acme-help", app.url, routes::COLLECT_PAGE);
    let first = reqwest::get(&page).await.unwrap();
    let validator = first
        .headers()
        .get("last-modified")
        .map(|v| ("if-modified-since", v.clone()))
        .or_else(|| {
            first
                .headers()
                .get("etag")
                .map(|v| ("if-none-match", v.clone()))
        })
        .expect("a validator");
    let again = reqwest::Client::new()
        .get(&page)
        .header(validator.0, validator.1)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let csp = again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.ends_with(&format!("frame-ancestors 'self' {ORIGIN}")),
        "{csp}"
    );
    // Only for the site asked for: no other page lets the help centre frame it.
    assert_eq!(frame_ancestors(&app, "other").await, "'self'");
    for other in [routes::ADMIN_PAGE, routes::REPORT_PAGE, "/no-such-page"] {
        let response = reqwest::get(format!("{}{other}?site=acme-help", app.url))
            .await
            .unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            !csp.contains(ORIGIN),
            "{other} is not for the help centre to frame: {csp}"
        );
    }
    let plain = reqwest::get(format!("{}{}", app.url, routes::COLLECT_PAGE))
        .await
        .unwrap();
    let csp = plain.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!csp.contains(ORIGIN), "{csp}");

    // A new origin counts at once.
    let mut site = acme_site();
    site["origin"] = json!("https://support.acme.example");
    site["page"] = json!("https://support.acme.example/certs");
    let updated = admin
        .http
        .put(format!(
            "{}{}",
            app.url,
            routes::path(routes::ADMIN_SITE, "acme-help")
        ))
        .json(&site)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    assert_eq!(
        frame_ancestors(&app, "acme-help").await,
        "'self' https://support.acme.example"
    );

    admin
        .post_json(
            &routes::path(routes::ADMIN_SITE_DISABLE, "acme-help"),
            &json!({}),
        )
        .await;
    assert_eq!(frame_ancestors(&app, "acme-help").await, "'self'");
    let again = admin
        .post(
            &routes::path(routes::ADMIN_SITE_DISABLE, "acme-help"),
            &json!({}),
        )
        .await;
    refused(again, 409, "INVALID_STATE").await;
    // A new link for an order made while it worked goes to the portal's own page now.
    let before: Value = create_order(&admin, Some(""), "Acme AS")
        .await
        .json()
        .await
        .unwrap();
    let earlier = before["order_id"].as_str().unwrap();
    link_mail(&app, earlier).await;
    admin
        .post_json(&routes::admin_order(earlier, Some("resend")), &json!({}))
        .await;
    let resent = wait_until(|| {
        let links: Vec<_> = app
            .mail
            .sent()
            .into_iter()
            .filter(|m| m.order_id.as_deref() == Some(earlier) && m.purpose == "collect_link")
            .collect();
        (links.len() == 2).then(|| links[1].body.clone())
    })
    .await
    .expect("the new link");
    assert!(resent.contains("/collect#"), "{}", shown(&resent));
    // Its organisation's orders go to the portal's own page again.
    let created: Value = create_order(&admin, None, "Acme AS")
        .await
        .json()
        .await
        .unwrap();
    let body = link_mail(&app, created["order_id"].as_str().unwrap()).await;
    assert!(body.contains("/collect#"), "{}", shown(&body));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_script_the_site_and_its_theme_are_served_as_a_host_page_needs_them() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let site = admin.post_json(routes::ADMIN_SITES, &acme_site()).await;
    let client = reqwest::Client::new();
    let get = |path: String| {
        client
            .get(format!("{}{path}", app.url))
            .header("origin", ORIGIN)
            .send()
    };

    let script = get(routes::EMBED_SCRIPT.into()).await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        script.headers()["cross-origin-resource-policy"],
        "cross-origin"
    );
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let bytes = script.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains(&format!("var base = \"{}\";", app.url)),
        "the script names its portal"
    );
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA384, &bytes);
    use base64::Engine as _;
    let integrity = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    );
    assert_eq!(
        site["integrity"], integrity,
        "the hash is the served script's"
    );
    assert!(site["snippet"].as_str().unwrap().contains(&integrity));

    let described = get(routes::path(routes::EMBED_SITE, "acme-help"))
        .await
        .unwrap();
    assert_eq!(described.headers()["access-control-allow-origin"], "*");
    let described: Value = described.json().await.unwrap();
    assert_eq!(
        described,
        json!({ "name": "acme-help", "origin": ORIGIN, "languages": ["nb", "en"], "theme": "/theme/acme-help.css" })
    );
    let unknown = get(routes::path(routes::EMBED_SITE, "nobody"))
        .await
        .unwrap();
    assert_eq!(unknown.headers()["access-control-allow-origin"], "*");
    refused(unknown, 404, "NOT_FOUND").await;

    let theme = get(routes::site_theme("acme-help")).await.unwrap();
    assert_eq!(theme.status(), 200);
    assert!(
        theme.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let etag = theme.headers()["etag"].to_str().unwrap().to_owned();
    let css = theme.text().await.unwrap();
    for property in [
        "--cp-color-bg: #fdf6e3;",
        "--cp-color-accent: #0b5d1e;",
        "--cp-font-family: Georgia",
        "--cp-radius: 12px;",
    ] {
        assert!(css.contains(property), "{css}");
    }
    let cached = client
        .get(format!("{}{}", app.url, routes::site_theme("acme-help")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    refused(
        get(routes::site_theme("nobody")).await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    refused(
        get("/theme/acme-help.js".into()).await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;

    // A changed theme is a new ETag: the framed page sees it at once.
    let mut changed = acme_site();
    changed["theme"]["background"] = json!("#ffffff");
    admin
        .http
        .put(format!(
            "{}{}",
            app.url,
            routes::path(routes::ADMIN_SITE, "acme-help")
        ))
        .json(&changed)
        .send()
        .await
        .unwrap();
    let fresh = client
        .get(format!("{}{}", app.url, routes::site_theme("acme-help")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    assert!(
        fresh
            .text()
            .await
            .unwrap()
            .contains("--cp-color-bg: #ffffff;")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_registered_on_one_instance_works_at_once_on_another_on_postgresql() {
    let first = TestApp::builder().postgres().spawn().await;
    let second = TestApp::builder().instance_of(&first).spawn().await;
    assert_eq!(frame_ancestors(&second, "acme-help").await, "'self'");
    let admin = first.signed_in_admin().await;
    admin.post_json(routes::ADMIN_SITES, &acme_site()).await;
    assert_eq!(
        frame_ancestors(&second, "acme-help").await,
        format!("'self' {ORIGIN}")
    );
    // An order made on the second instance points at the site's page, whoever sends it.
    let order = second.create_order(sample_order()).await;
    let body = wait_until(|| {
        first
            .mail
            .sent()
            .into_iter()
            .chain(second.mail.sent())
            .find(|m| m.order_id.as_deref() == Some(order.order_id.as_str()))
            .map(|m| m.body)
    })
    .await
    .expect("the link e-mail");
    assert!(body.contains(&format!("{PAGE}#")), "{}", shown(&body));
    admin
        .post_json(
            &routes::path(routes::ADMIN_SITE_DISABLE, "acme-help"),
            &json!({}),
        )
        .await;
    assert_eq!(frame_ancestors(&second, "acme-help").await, "'self'");
}
