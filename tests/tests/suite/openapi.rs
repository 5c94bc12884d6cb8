//! `/api/openapi.json` against the router that serves it: every route documented, every
//! documented route routed, every operation with its refusals; the docs page under a CSP with
//! no inline script; a wrong method refused with the API's error body.

use certportal_shared::routes;
use certportal_tests::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// The paths of [`routes::API`] that the document leaves out, and why.
const UNDOCUMENTED: &[&str] = &[
    // The browser apps' pages: HTML for people, not API.
    routes::COLLECT_PAGE,
    routes::ADMIN_PAGE,
    routes::REPORT_PAGE,
    routes::RENEW_PAGE,
    // A page for people, and on trial portals only (both channels in the outbox).
    routes::DEV_INBOX,
    // The mTLS listener's renewal: another port, another router (`http/mtls.rs`).
    routes::RENEW,
    // The document itself and Swagger UI over it.
    routes::OPENAPI,
    routes::API_DOCS,
];

/// A route pattern as OpenAPI writes it: axum's catch-all `{*request}` is `{request}`.
fn openapi_form(pattern: &str) -> String {
    pattern.replace("{*", "{")
}

/// A documented path with each `{parameter}` filled with a dummy value.
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("a closed parameter") + open;
        out.push_str(&rest[..open]);
        out.push_str("x1");
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn document(app: &TestApp) -> Value {
    let response = app.get(routes::OPENAPI).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    response.json().await.expect("the document is JSON")
}

/// Every `(method, path)` of the document, with its operation.
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                found.push((method.to_string(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_and_the_router_describe_the_same_routes() {
    let app = spawn_app().await;
    let document = document(&app).await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        document["openapi"]
    );
    assert_eq!(document["info"]["title"], "certportal");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));

    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let listed: BTreeSet<String> = routes::API.iter().map(|path| openapi_form(path)).collect();
    assert_eq!(
        listed.len(),
        routes::API.len(),
        "routes::API has duplicates"
    );
    let missing: Vec<&str> = routes::API
        .iter()
        .filter(|path| !UNDOCUMENTED.contains(path))
        .filter(|path| !documented.contains(&openapi_form(path)))
        .copied()
        .collect();
    assert!(
        missing.is_empty(),
        "routes not in the document: {missing:?}"
    );
    let unlisted: Vec<&String> = documented.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "documented paths not in routes::API: {unlisted:?}"
    );
    let exempt_but_documented: Vec<&&str> = UNDOCUMENTED
        .iter()
        .filter(|path| documented.contains(&openapi_form(path)))
        .collect();
    assert!(
        exempt_but_documented.is_empty(),
        "exempt yet documented: {exempt_but_documented:?}"
    );

    let operations = operations(&document);
    let ids: BTreeSet<&str> = operations
        .iter()
        .map(|(_, _, operation)| operation["operationId"].as_str().expect("an operationId"))
        .collect();
    assert_eq!(ids.len(), operations.len(), "operationIds are unique");
    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    for name in ["collect_session", "staff_session", "api_token"] {
        assert!(schemes.contains_key(name), "{name}");
    }
    let api_error = "#/components/schemas/ApiError";
    let schemas = &document["components"]["schemas"];
    assert!(schemas["ApiError"]["properties"]["code"].is_object());
    // The closed choices are string enums of their wire names.
    let values = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is an enum: {}", schemas[name]))
            .iter()
            .map(|value| value.as_str().unwrap().to_owned())
            .collect()
    };
    let wire = |names: Vec<&str>| -> Vec<String> { names.into_iter().map(str::to_owned).collect() };
    use certportal_shared::model::{OrderState, RevocationReason, Scope};
    assert_eq!(
        values("OrderState"),
        wire(OrderState::ALL.iter().map(|s| s.as_str()).collect())
    );
    assert_eq!(
        values("RevocationReason"),
        wire(RevocationReason::ALL.iter().map(|s| s.as_str()).collect())
    );
    assert_eq!(
        values("Scope"),
        wire(Scope::ALL.iter().map(|s| s.as_str()).collect())
    );
    assert!(values("ErrorCode").contains(&"METHOD_NOT_ALLOWED".to_owned()));

    for (method, path, operation) in &operations {
        // The router answers it: not its fallback for unknown API paths, not the browser
        // app's page, not a 405. No auth and no body: a refusal of the handler is fine.
        let url = format!("{}{}", app.url, filled(path));
        let response = app
            .http
            .request(
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                &url,
            )
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(status, 405, "{method} {path} is not routed: {body}");
        // A handler's 404 is an `ApiError` of its own (no such order, serial, ...); the API's
        // not-found route says this message, and the browser app's files a bare 404.
        assert!(
            status != 404
                || (body["code"].is_string()
                    && body["message"] != "There is no such page or endpoint."),
            "{method} {path} fell through to a fallback: {body}"
        );
        assert!(
            !content_type.starts_with("text/html"),
            "{method} {path} fell through to the browser app"
        );

        // Its refusals are documented with the error body.
        for (scheme, _) in operation["security"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.as_object().unwrap())
        {
            assert!(schemes.contains_key(scheme), "{method} {path}: {scheme}");
        }
        let responses = operation["responses"].as_object().expect("responses");
        let refusals: Vec<&String> = responses
            .iter()
            .filter(|(status, _)| *status == "default" || status.starts_with('4'))
            .filter(|(_, response)| {
                response["content"]["application/json"]["schema"]["$ref"] == api_error
            })
            .map(|(status, _)| status)
            .collect();
        assert!(
            refusals.iter().any(|status| *status == "default"),
            "{method} {path} documents no default ApiError: {refusals:?}"
        );
    }

    // The links lead from an answer to operations that exist, through parameters they
    // have: a new order to its detail, resend, cancel and withdrawal.
    let ids: Vec<String> = self::operations(&document)
        .iter()
        .filter_map(|(_, _, operation)| operation["operationId"].as_str().map(str::to_owned))
        .collect();
    let mut links = Vec::new();
    for (method, path, operation) in self::operations(&document) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let to = link["operationId"].as_str().unwrap_or_default();
                assert!(
                    ids.iter().any(|id| id == to),
                    "{method} {path} {status} {name}: {to}"
                );
                let (_, _, target) = self::operations(&document)
                    .into_iter()
                    .find(|(_, _, op)| op["operationId"] == to)
                    .expect("the target");
                for parameter in link["parameters"].as_object().expect("parameters").keys() {
                    assert!(
                        target["parameters"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|p| p["name"] == parameter.as_str()),
                        "{name}: {to} has no parameter {parameter}"
                    );
                }
                links.push(format!(
                    "{} {name}",
                    operation["operationId"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    for expected in [
        "orders_create detail",
        "orders_create resend",
        "orders_create cancel",
        "orders_create revoke",
    ] {
        assert!(
            links.iter().any(|link| link == expected),
            "no link {expected}: {links:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_docs_page_runs_only_its_own_scripts_under_a_strict_policy() {
    let app = spawn_app().await;
    let docs = format!("{}/", routes::API_DOCS);
    let response = app.get(&docs).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for loose in ["'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"] {
        assert!(!csp.contains(loose), "{loose} in {csp}");
    }
    assert!(csp.contains("script-src 'self';"), "{csp}");
    let html = response.text().await.unwrap();
    let mut scripts = 0;
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        let close = rest.find("</script>").unwrap();
        assert!(
            rest[tag_end + 1..close].trim().is_empty(),
            "an inline script: {tag}"
        );
        let src = tag
            .split("src=\"")
            .nth(1)
            .and_then(|src| src.split('"').next())
            .unwrap_or_else(|| panic!("a script without src: {tag}"));
        assert!(
            !src.contains("//"),
            "{src} is not the portal's own (no CDN)"
        );
        let script = app
            .get(&format!("{docs}{}", src.trim_start_matches("./")))
            .await;
        assert_eq!(script.status(), 200, "{src}");
        scripts += 1;
        rest = &rest[close..];
    }
    assert!(scripts > 0, "Swagger UI's scripts: {html}");

    // The docs page's policy is its own: the rest of the portal keeps the strict one.
    let elsewhere = app.get(routes::OPENAPI).await;
    let portal_csp = elsewhere.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(portal_csp.contains("style-src 'self';"), "{portal_csp}");
    assert_ne!(portal_csp, csp);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_method_is_refused_with_the_error_body_and_the_allow_header() {
    let app = spawn_app().await;
    for (method, path, allowed) in [
        (reqwest::Method::GET, routes::COLLECT_OPEN, "POST"),
        (
            reqwest::Method::DELETE,
            routes::ADMIN_ORDERS,
            "GET,HEAD,POST",
        ),
        (reqwest::Method::POST, routes::CA_PEM, "GET,HEAD"),
    ] {
        let response = app
            .http
            .request(method.clone(), format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        let allow = response
            .headers()
            .get("allow")
            .map(|value| value.to_str().unwrap().to_owned());
        assert!(
            response.headers().contains_key("content-security-policy"),
            "the security headers"
        );
        let (status, code, body) = refusal(response).await;
        assert_eq!(
            (status, code.as_str()),
            (405, "METHOD_NOT_ALLOWED"),
            "{method} {path}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        let mut allow: Vec<String> = allow
            .expect("an Allow header")
            .split(',')
            .map(|m| m.trim().to_owned())
            .collect();
        allow.sort();
        assert_eq!(allow.join(","), allowed, "{method} {path}");
    }
}
