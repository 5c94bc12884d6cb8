//! The only place that speaks HTTP. Each app's `api.rs` names the calls it makes
//! (`collect/api.rs`, `admin/api.rs`); this file holds what they share: sending a request,
//! reading a refusal, reading a body in chunks.

use certportal_shared::ApiError;
use js_sys::{Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, ReadableStreamDefaultReader, RequestCredentials, RequestInit, Response};

/// Why a call did not give what was asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// The portal answered with one of its stable refusals.
    Refused(ApiError),
    /// No answer: the network or the portal is down.
    Unreachable,
    /// An answer the app cannot read (a proxy's error page, a body cut short).
    Unexpected(u16),
}

impl ApiFailure {
    /// The refusal, when the portal gave one.
    pub fn refusal(&self) -> Option<&ApiError> {
        match self {
            Self::Refused(error) => Some(error),
            _ => None,
        }
    }
}

/// Whether a request may carry the browser's cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cookies {
    /// The collect flow: its pages must work in an iframe with third-party cookies blocked,
    /// and the bearer lives in memory, so no cookie is ever sent or set.
    Omit,
    /// The staff app: its session is an HttpOnly cookie scoped to `/api/admin`, which only
    /// same-origin requests may carry.
    SameOrigin,
}

/// One request: method, path, JSON body, bearer.
pub struct Call<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub json: Option<String>,
    pub bearer: Option<&'a str>,
    pub cookies: Cookies,
}

impl<'a> Call<'a> {
    /// A POST with a JSON body.
    pub fn post(path: &'a str, body: &impl Serialize) -> Self {
        Self {
            method: "POST",
            path,
            // Serialising plain structs of strings and numbers cannot fail.
            json: serde_json::to_string(body).ok(),
            bearer: None,
            cookies: Cookies::Omit,
        }
    }

    /// A POST without a body.
    pub fn post_empty(path: &'a str) -> Self {
        Self {
            method: "POST",
            path,
            json: None,
            bearer: None,
            cookies: Cookies::Omit,
        }
    }

    /// A GET without a body.
    pub fn get(path: &'a str) -> Self {
        Self {
            method: "GET",
            path,
            json: None,
            bearer: None,
            cookies: Cookies::Omit,
        }
    }

    /// Sends the browser's cookies for this origin (the staff session).
    pub fn same_origin(mut self) -> Self {
        self.cookies = Cookies::SameOrigin;
        self
    }

    /// Adds `Authorization: Bearer <session>`.
    pub fn bearer(mut self, session: &'a str) -> Self {
        self.bearer = Some(session);
        self
    }

    /// Sends the request; any status but 2xx becomes an [`ApiFailure`].
    pub async fn send(self) -> Result<Response, ApiFailure> {
        let init = RequestInit::new();
        init.set_method(self.method);
        init.set_credentials(match self.cookies {
            Cookies::Omit => RequestCredentials::Omit,
            Cookies::SameOrigin => RequestCredentials::SameOrigin,
        });
        let headers = Headers::new().map_err(|_| ApiFailure::Unexpected(0))?;
        if let Some(json) = &self.json {
            headers
                .set("content-type", "application/json")
                .map_err(|_| ApiFailure::Unexpected(0))?;
            init.set_body(&JsValue::from_str(json));
        }
        if let Some(bearer) = self.bearer {
            headers
                .set("authorization", &format!("Bearer {bearer}"))
                .map_err(|_| ApiFailure::Unexpected(0))?;
        }
        init.set_headers(&headers);
        let window = web_sys::window().ok_or(ApiFailure::Unreachable)?;
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(self.path, &init))
            .await
            // fetch rejects only when no response arrived at all.
            .map_err(|_| ApiFailure::Unreachable)?
            .dyn_into()
            .map_err(|_| ApiFailure::Unexpected(0))?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        Err(match text(&response).await {
            Ok(body) => serde_json::from_str::<ApiError>(&body)
                .map(ApiFailure::Refused)
                .unwrap_or(ApiFailure::Unexpected(status)),
            Err(_) => ApiFailure::Unexpected(status),
        })
    }

    /// Sends the request and reads a JSON answer.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, ApiFailure> {
        let response = self.send().await?;
        let status = response.status();
        let body = text(&response).await?;
        serde_json::from_str(&body).map_err(|_| ApiFailure::Unexpected(status))
    }

    /// Sends the request and reads a text answer.
    pub async fn text(self) -> Result<String, ApiFailure> {
        text(&self.send().await?).await
    }
}

async fn text(response: &Response) -> Result<String, ApiFailure> {
    let promise = response
        .text()
        .map_err(|_| ApiFailure::Unexpected(response.status()))?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|value| value.as_string())
        .ok_or(ApiFailure::Unexpected(response.status()))
}

/// Reads a body chunk by chunk, reporting `(received, expected)` bytes as it goes; expected is
/// the `Content-Length` when the response has one.
pub async fn read_body(
    response: &Response,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Vec<u8>, ApiFailure> {
    let status = response.status();
    let cut_short = || ApiFailure::Unexpected(status);
    let expected = header(response, "content-length").and_then(|text| text.parse::<u64>().ok());
    let mut bytes = Vec::with_capacity(expected.unwrap_or(0).min(1 << 20) as usize);
    progress(0, expected);
    let Some(stream) = response.body() else {
        return Ok(bytes);
    };
    let reader: ReadableStreamDefaultReader =
        stream.get_reader().dyn_into().map_err(|_| cut_short())?;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            // The connection dropped mid-body.
            .map_err(|_| ApiFailure::Unreachable)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .map(|done| done.is_truthy())
            .map_err(|_| cut_short())?;
        if done {
            break;
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|_| cut_short())?;
        let part: Uint8Array = value.dyn_into().map_err(|_| cut_short())?;
        let start = bytes.len();
        bytes.resize(start + part.length() as usize, 0);
        part.copy_to(&mut bytes[start..]);
        progress(bytes.len() as u64, expected);
    }
    Ok(bytes)
}

/// A response header, when present.
pub fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).ok().flatten()
}
