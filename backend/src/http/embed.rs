//! Embedding: the script a help centre loads, what it and the framed page learn of a site,
//! and the site's stylesheet. The script and the site's description are for other origins
//! (CORS `*`, no credentials): they hold nothing that is not public.

use super::public::client_has;
use crate::error::{AppError, Fault};
use crate::flow::sites;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use certportal_shared::api::embed::EmbedSite;
use certportal_shared::error::ApiError;
use certportal_shared::routes;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The script and the theme: files, like the CA certificate.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(script))
        .routes(routes!(theme))
}

/// The site's description, which reads the database for a name anyone may send: under the
/// collect API's limit per address.
pub fn limited() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(site))
}

/// Headers that let another origin read the response.
fn for_other_origins() -> [(HeaderName, HeaderValue); 2] {
    [
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
    ]
}

/// The embed script: `CertPortal.mount(selector, {site, lang, onEvent})`. Load it with the
/// `integrity` the site's admin page shows; the hash changes only when the script does.
#[utoipa::path(
    get,
    path = routes::EMBED_SCRIPT,
    operation_id = "embed_script",
    tag = "embed",
    responses(
        (status = 200, description = "The script.", content_type = "text/javascript", body = String,
            headers(
                ("Access-Control-Allow-Origin" = String, description = "`*`"),
                ("Cache-Control" = String, description = "`public, max-age=3600`"),
            )),
        (status = "default", description = "A refusal of the layers every request passes (none is expected here).", body = ApiError),
    ),
)]
async fn script(State(state): State<AppState>) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ),
    ];
    let script = sites::embed_script(&state).text;
    (headers, for_other_origins(), script).into_response()
}

/// What the embed script and the framed page learn of a working site: its origin (the only
/// one that may frame the portal for it, and the only one the page posts to), its languages
/// and its stylesheet.
#[utoipa::path(
    get,
    path = routes::EMBED_SITE,
    operation_id = "embed_site",
    tag = "embed",
    params(("name" = String, Path, description = "The site's name.")),
    responses(
        (status = 200, description = "The site.", body = EmbedSite,
            headers(("Access-Control-Allow-Origin" = String, description = "`*`"))),
        (status = 404, description = "`NOT_FOUND`: no working site by that name.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn site(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let answer = match sites::public(&state, &name).await {
        Ok(site) => Json(site).into_response(),
        Err(error) => error.into_response(),
    };
    let cache = [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    (for_other_origins(), cache, answer).into_response()
}

/// A working site's stylesheet (`NAME.css`): the custom properties its theme sets, loaded
/// after the portal's own. Its ETag is a hash of its content: a changed theme shows at once.
#[utoipa::path(
    get,
    path = routes::SITE_THEME,
    operation_id = "site_theme",
    tag = "embed",
    params(
        ("file" = String, Path, description = "The site's name and `.css`."),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the stylesheet the client has."),
    ),
    responses(
        (status = 200, description = "The stylesheet.", content_type = "text/css", body = String,
            headers(
                ("ETag" = String, description = "A hash of the content."),
                ("Cache-Control" = String, description = "`no-cache`"),
            )),
        (status = 304, description = "The client's copy is current."),
        (status = 404, description = "`NOT_FOUND`: no working site by that name.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn theme(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let name = file.strip_suffix(".css").ok_or_else(sites::no_such_site)?;
    let css = sites::theme_css(&state, name).await?;
    let hash = crate::pki::sha256(css.as_bytes()).to_hex();
    let etag = HeaderValue::from_str(&format!("\"{}\"", &hash[..32]))
        .map_err(|e| AppError::Internal(Fault::Response(e.to_string())))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if client_has(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response());
    }
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    Ok(([content_type, (header::ETAG, etag), cache], css).into_response())
}
