//! API tokens for automation: a ticketing system opens an order with one call and a token
//! made on the command line; scopes are enforced; the audit trail names the token; a revoked
//! or ended token stops at once; the token is never stored in the clear; tokens cannot manage
//! tokens or staff, and support staff cannot make them.

use certportal_shared::model::Role;
use certportal_shared::routes;
use certportal_tests::scan::{files_under, holders};
use certportal_tests::*;
use serde_json::{Value, json};
use time::Duration;

async fn with_token(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.url))
        .bearer_auth(token);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.expect("the portal answers")
}

fn order_body() -> Value {
    json!({
        "org": "Acme AS", "service": "Payments API", "client": "crm-made",
        "contact_name": "Kari Nordmann", "email": "kari@example.no", "mobile": "+4791234567"
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticketing_system_opens_an_order_with_a_token_and_its_scopes_hold() {
    let app = spawn_app().await;
    let token = cli::create_token(app.data_dir(), "crm", "orders:write,orders:read");
    assert!(token.starts_with("cpt_") && token.len() > 40);

    let created = with_token(
        &app,
        &token,
        reqwest::Method::POST,
        routes::ADMIN_ORDERS,
        Some(order_body()),
    )
    .await;
    assert_eq!(created.status(), 200);
    assert!(
        created.headers().get("set-cookie").is_none(),
        "a token call gets no session"
    );
    let created: Value = created.json().await.unwrap();
    let order_id = created["order_id"].as_str().unwrap();
    assert!(
        app.wait_for_link(order_id).await.len() >= 22,
        "the normal flow runs"
    );

    let detail = with_token(
        &app,
        &token,
        reqwest::Method::GET,
        &routes::path(routes::ADMIN_ORDER, order_id),
        None,
    )
    .await;
    assert_eq!(detail.status(), 200);
    let detail: Value = detail.json().await.unwrap();
    let created_by: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "order.created")
        .filter_map(|event| event["actor"].as_str())
        .collect();
    assert_eq!(created_by, ["token:crm"]);

    // Out of its scopes: no revocation; nothing of staff or tokens, whatever the scopes.
    let serial = created["serial"].as_str().unwrap();
    refused(
        with_token(
            &app,
            &token,
            reqwest::Method::POST,
            &routes::admin_revoke(serial),
            Some(json!({})),
        )
        .await,
        403,
        "FORBIDDEN",
    )
    .await;
    for path in [
        routes::ADMIN_STAFF,
        routes::ADMIN_TOKENS,
        routes::ADMIN_AUDIT,
    ] {
        refused(
            with_token(&app, &token, reqwest::Method::GET, path, None).await,
            401,
            "UNAUTHENTICATED",
        )
        .await;
    }
    // Not a token: refused, whatever its shape.
    for bad in ["cpt_nottherightone", "nonsense", ""] {
        refused(
            with_token(&app, bad, reqwest::Method::GET, routes::ADMIN_ORDERS, None).await,
            401,
            "UNAUTHENTICATED",
        )
        .await;
    }

    // Only its hash is kept: the token is in no file of the data dir.
    let files = files_under(app.data_dir());
    assert_eq!(holders(&files, token.as_bytes()), Vec::<String>::new());

    // An admin sees it used and revokes it; it stops at once.
    let alice = app.signed_in_admin().await;
    let listed = alice.get_json(routes::ADMIN_TOKENS).await;
    assert_eq!(listed[0]["name"], "crm");
    assert_eq!(listed[0]["scopes"], json!(["orders:write", "orders:read"]));
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(!listed.to_string().contains(&token));
    let revoked = alice
        .post_json(&routes::path(routes::ADMIN_TOKEN_REVOKE, "crm"), &json!({}))
        .await;
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    refused(
        with_token(
            &app,
            &token,
            reqwest::Method::GET,
            routes::ADMIN_ORDERS,
            None,
        )
        .await,
        401,
        "UNAUTHENTICATED",
    )
    .await;
    let log = alice.get_json(routes::ADMIN_AUDIT).await.to_string();
    assert!(
        log.contains("token.created") && log.contains("token.revoked"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_make_tokens_that_end_and_bad_input_names_each_field() {
    let app = spawn_app().await;
    let alice = app.signed_in_admin().await;

    let body = refused(
        alice
            .post(
                routes::ADMIN_TOKENS,
                &json!({"name": "no spaces", "scopes": ["orders:delete"], "expires_days": 0}),
            )
            .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    let mut fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["expires_days", "name", "scopes"], "{body}");
    refused(
        alice
            .post(routes::ADMIN_TOKENS, &json!({"name": "x1", "scopes": []}))
            .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    assert_eq!(
        alice.get_json(routes::ADMIN_TOKENS).await,
        json!([]),
        "nothing made"
    );

    let made = alice
        .post_json(
            routes::ADMIN_TOKENS,
            &json!({"name": "Monitor", "scopes": ["orders:read"], "expires_days": 1}),
        )
        .await;
    assert_eq!(made["info"]["name"], "monitor");
    let token = made["token"].as_str().unwrap().to_owned();
    refused(
        alice
            .post(
                routes::ADMIN_TOKENS,
                &json!({"name": "monitor", "scopes": ["orders:read"]}),
            )
            .await,
        400,
        "INVALID_INPUT",
    )
    .await;
    let dashboard = with_token(
        &app,
        &token,
        reqwest::Method::GET,
        routes::ADMIN_DASHBOARD,
        None,
    )
    .await;
    assert_eq!(dashboard.status(), 200);
    refused(
        with_token(
            &app,
            &token,
            reqwest::Method::POST,
            routes::ADMIN_ORDERS,
            Some(order_body()),
        )
        .await,
        403,
        "FORBIDDEN",
    )
    .await;
    // A day later it has ended.
    app.clock.advance(Duration::days(1) + Duration::seconds(1));
    refused(
        with_token(
            &app,
            &token,
            reqwest::Method::GET,
            routes::ADMIN_DASHBOARD,
            None,
        )
        .await,
        401,
        "UNAUTHENTICATED",
    )
    .await;

    // Support staff cannot make or see tokens.
    let bob = app.signed_in("bob", Role::Support).await;
    refused(bob.get(routes::ADMIN_TOKENS).await, 403, "FORBIDDEN").await;
}
