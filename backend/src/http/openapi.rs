//! The OpenAPI document of the public listener's API, served at `GET /api/openapi.json`, and
//! Swagger UI over it at `/api/docs`.
//!
//! Why utoipa (rather than aide): the schemas are derived at compile time (`ToSchema` on the
//! wire types in `certportal-shared`, behind its `openapi` feature), so no schema is generated
//! at run time; utoipa-axum registers a handler's route and its operation in one call
//! (`routes!`), so no route can be added without its document; and utoipa-swagger-ui embeds a
//! vendored Swagger UI, so the docs page needs no CDN and works offline under a strict CSP
//! (see `headers.rs`).
//!
//! Left out of the document, and of the test that holds it to the router: the development
//! inbox (`/dev/inbox`, trial portals only, a page for people), the mTLS listener's routes
//! (`/` and `POST /api/renew`, another listener on another port, see `mtls.rs`), the browser
//! apps' pages, and the document and the docs page themselves.

use axum::Router;
use certportal_shared::error::{ApiError, ErrorCode, FieldError};
use certportal_shared::routes;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

/// The document's root: what the handlers' own `#[utoipa::path]` operations are merged into.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "certportal",
        version = env!("CARGO_PKG_VERSION"),
        description = "certportal issues client TLS certificates from its own CA and hands them \
over safely: a link by e-mail, a one-time code by SMS, an encrypted PKCS#12 file, its password \
by SMS.\n\n\
Every refusal is a JSON `ApiError`, `{\"code\": \"SCREAMING_SNAKE\", \"message\": \"...\"}` with \
optional details, and its HTTP status follows from the code. The collect, report and renewal \
calls take no cookie (the collect session is a bearer token) and are rate-limited per client \
address. The admin calls need the staff session cookie that `POST /api/admin/login` sets; the \
state-changing ones must come from the portal's own origin (a browser's `Origin` or \
`Sec-Fetch-Site` from elsewhere is refused). The order calls also take an API token instead.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "collect", description = "The contact collects the certificate: open the link, prove the code, download, confirm."),
        (name = "report", description = "The contact withdraws the certificate from the link in the receipt e-mail."),
        (name = "renewal", description = "The contact renews from the old certificate, signing a challenge with its key."),
        (name = "public", description = "The CA certificate, the CRL and the health checks."),
        (name = "ocsp", description = "The OCSP responder (RFC 6960, RFC 5019)."),
        (name = "admin", description = "Staff sign-in and their own account."),
        (name = "orders", description = "Orders and certificates: staff, or an API token with the scope."),
        (name = "staff", description = "Staff accounts and the audit log; admins only."),
        (name = "tokens", description = "API tokens; admins only, with a staff session."),
        (name = "webhooks", description = "Webhook endpoints; admins only, with a staff session."),
        (name = "sites", description = "Embedding sites (help centres that frame the collect pages); admins only, with a staff session."),
        (name = "embed", description = "The embed script, and what it and the framed page learn of a site; public."),
    ),
    components(schemas(ApiError, ErrorCode, FieldError)),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// The three ways a caller proves who it is, named in the operations' `security`.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "collect_session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The collect session from `POST /api/collect/verify`; keep it in memory.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "staff_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::admin::SESSION_COOKIE,
                "The staff session cookie that `POST /api/admin/login` sets (HttpOnly, \
                 SameSite=Strict, path /api/admin).",
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cpt_…")
                    .description(Some(
                        "An API token an admin created, with the scope the call needs \
                         (`orders:read`, `orders:write` or `revoke`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// A body that is not JSON: a PKCS#12 file, a DER CRL, an OCSP request or response.
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for Binary {}

/// How one operation's answer leads to the next (OpenAPI links): from the operation, through
/// a JSON pointer into its 200 answer, to another operation's path parameter. Clients read
/// them as "what can I do with what I got"; schemathesis' stateful phase walks them.
const LINKS: &[(&str, &str, &str, &str, &str)] = &[
    // (from, link name, to, parameter, pointer into the answer)
    (
        "orders_create",
        "detail",
        "orders_detail",
        "id",
        "/order_id",
    ),
    (
        "orders_create",
        "resend",
        "orders_resend",
        "id",
        "/order_id",
    ),
    (
        "orders_create",
        "cancel",
        "orders_cancel",
        "id",
        "/order_id",
    ),
    (
        "orders_create",
        "revoke",
        "certificates_revoke",
        "serial",
        "/serial",
    ),
    (
        "orders_detail",
        "cancel",
        "orders_cancel",
        "id",
        "/order/order_id",
    ),
    (
        "tokens_create",
        "revoke",
        "tokens_revoke",
        "name",
        "/info/name",
    ),
    (
        "webhooks_create",
        "disable",
        "webhooks_disable",
        "id",
        "/info/id",
    ),
    (
        "webhooks_create",
        "deliveries",
        "webhooks_deliveries",
        "id",
        "/info/id",
    ),
];

/// The assembled document as JSON, with [`LINKS`] in its 200 answers. The links are written
/// as JSON because utoipa 5's `Link` serialises its fields in snake case (`operation_id`),
/// which no client reads. A link whose operation or answer is missing is left out (the
/// openapi test sees that each one is there).
pub fn with_links(document: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut json = serde_json::to_value(document).unwrap_or_default();
    for &(from, name, to, parameter, pointer) in LINKS {
        let answer = json["paths"].as_object_mut().and_then(|paths| {
            paths
                .values_mut()
                .filter_map(serde_json::Value::as_object_mut)
                .flat_map(|item| item.values_mut())
                .find(|operation| operation["operationId"] == from)
                .and_then(|operation| operation.pointer_mut("/responses/200"))
        });
        let Some(serde_json::Value::Object(answer)) = answer else {
            continue;
        };
        let links = answer
            .entry("links")
            .or_insert_with(|| serde_json::json!({}));
        links[name] = serde_json::json!({
            "operationId": to,
            "parameters": { parameter: format!("$response.body#{pointer}") },
        });
    }
    json
}

/// The document as JSON at [`routes::OPENAPI`] and Swagger UI over it at [`routes::API_DOCS`].
pub fn docs<S: Clone + Send + Sync + 'static>(document: serde_json::Value) -> Router<S> {
    SwaggerUi::new(routes::API_DOCS)
        .external_url_unchecked(routes::OPENAPI, document)
        .into()
}
