//! The OCSP responder over HTTP (RFC 6960 appendix A, RFC 5019 §5–6): `POST /ocsp` with the
//! DER request as the body, `GET /ocsp/{base64}` with it in the path.

use super::openapi::Binary;
use crate::error::AppError;
use crate::flow::ocsp::{self, Answer};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use certportal_shared::error::ApiError;
use certportal_shared::ocsp::{MAX_REQUEST_BYTES, ResponseStatus, error_response};
use certportal_shared::{ErrorCode, routes};
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

const REQUEST_TYPE: &str = "application/ocsp-request";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(GetForm::openapi())
        .routes(routes!(by_post).layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)))
        // The GET form's parameter is the rest of the path, slashes and all (`{*request}`),
        // which an OpenAPI path cannot say: the document names it `{request}`, and the route
        // is added as the router needs it.
        .route(routes::OCSP_GET, get(by_get))
}

/// The GET form's operation, for the document (its route is added by hand).
#[derive(OpenApi)]
#[openapi(paths(by_get))]
struct GetForm;

/// An OCSP request (RFC 6960), DER, as the body.
#[utoipa::path(
    post,
    path = routes::OCSP,
    operation_id = "ocsp_post",
    tag = "ocsp",
    request_body(content = inline(Binary), content_type = "application/ocsp-request",
        description = "The DER OCSP request, at most 4,096 bytes."),
    responses(
        (status = 200, description = "The signed OCSP response, or an OCSP error response (`malformedRequest`, `unauthorized`, ...) for a request it cannot answer.",
            content_type = "application/ocsp-response", body = inline(Binary),
            headers(("Cache-Control" = String, description = "`public, max-age=…, no-transform, must-revalidate` for an answer any client may share (with `Last-Modified`, `Expires`, `ETag`); `no-store` for one made for a nonce, or an error."))),
        (status = 400, description = "`MALFORMED_REQUEST`: the body cannot be read.", body = ApiError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`.", body = ApiError),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: not `application/ocsp-request`.", body = ApiError),
        (status = "default", description = "Any other refusal, or `INTERNAL`.", body = ApiError),
    ),
)]
async fn by_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    if !media_type.is_some_and(|t| t.eq_ignore_ascii_case(REQUEST_TYPE)) {
        return Err(AppError::refuse(
            ErrorCode::UnsupportedMediaType,
            format!("Send the DER OCSP request with Content-Type: {REQUEST_TYPE}."),
        ));
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::refuse(
                ErrorCode::PayloadTooLarge,
                format!("An OCSP request is at most {MAX_REQUEST_BYTES} bytes."),
            )
        } else {
            AppError::refuse(
                ErrorCode::MalformedRequest,
                "The request body cannot be read.",
            )
        }
    })?;
    Ok(respond(&state, ocsp::answer(&state, &body).await))
}

/// An OCSP request (RFC 6960), base64 in the path: for caches (RFC 5019).
///
/// The path holds the request's DER in base64, URL-encoded; the router has decoded the
/// percent escapes. Some clients leave `/`, `+` and `=` as they are, which comes to the same.
#[utoipa::path(
    get,
    path = "/ocsp/{request}",
    operation_id = "ocsp_get",
    tag = "ocsp",
    params(("request" = String, Path, description = "The DER OCSP request in base64, URL-encoded (RFC 6960 appendix A.1); `/` may be left as it is.")),
    responses(
        (status = 200, description = "The signed OCSP response, or an OCSP `malformedRequest` response for a path that is not one.",
            content_type = "application/ocsp-response", body = inline(Binary),
            headers(("Cache-Control" = String, description = "As for the POST form."))),
        (status = "default", description = "A refusal of the layers every request passes (none is expected here).", body = ApiError),
    ),
)]
async fn by_get(State(state): State<AppState>, Path(encoded): Path<String>) -> Response {
    // A request of the most bytes allowed takes this many characters in base64.
    let most = MAX_REQUEST_BYTES.div_ceil(3) * 4;
    let der = (encoded.len() <= most)
        .then(|| base64::engine::general_purpose::STANDARD.decode(encoded.as_bytes()))
        .and_then(Result::ok);
    let answer = match der {
        Some(der) => ocsp::answer(&state, &der).await,
        None => Answer {
            der: error_response(ResponseStatus::MalformedRequest),
            cacheable: None,
        },
    };
    respond(&state, answer)
}

/// An OCSP answer with the headers of RFC 5019 §6.2: a signed answer any client may be given
/// is cacheable until its `nextUpdate`; one made for a nonce, or an error, is not.
fn respond(state: &AppState, answer: Answer) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ocsp-response"),
    );
    let cache = answer.cacheable.and_then(|times| {
        let left = (times.next_update - crate::clock::unix(state.clock.now())).max(0);
        let date = |unix: i64| {
            let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.try_into().ok()?);
            HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()
        };
        Some((
            HeaderValue::from_str(&format!(
                "public, max-age={left}, no-transform, must-revalidate"
            ))
            .ok()?,
            date(times.this_update)?,
            date(times.next_update)?,
        ))
    });
    match cache {
        Some((cache_control, last_modified, expires)) => {
            headers.insert(header::CACHE_CONTROL, cache_control);
            headers.insert(header::LAST_MODIFIED, last_modified);
            headers.insert(header::EXPIRES, expires);
            if let Ok(etag) =
                HeaderValue::from_str(&format!("\"{}\"", crate::pki::sha256_hex(&answer.der)))
            {
                headers.insert(header::ETAG, etag);
            }
        }
        None => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    (headers, answer.der).into_response()
}
