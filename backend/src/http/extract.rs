//! Extractors that refuse bad requests with the API's error codes.

use crate::error::AppError;
use crate::flow::Actor;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use certportal_shared::ErrorCode;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::Arc;

/// A JSON body; malformed JSON, unknown fields and oversized bodies become error codes.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_refusal(&rejection)),
        }
    }
}

fn json_refusal(rejection: &JsonRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::refuse(ErrorCode::PayloadTooLarge, "The request body is too large.");
    }
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON with Content-Type: application/json.".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The request body is not valid JSON.".to_owned(),
        JsonRejection::JsonDataError(error) => {
            // Serde's messages about missing or unknown fields name fields only; others may
            // quote the value sent, which could be a code or token, so they are not passed on.
            let text = error.body_text();
            match text
                .find("unknown field")
                .or_else(|| text.find("missing field"))
            {
                Some(start) => format!("The request body does not fit: {}", &text[start..]),
                None => "The request body has a field of the wrong type or value.".to_owned(),
            }
        }
        _ => "The request body cannot be read.".to_owned(),
    };
    AppError::refuse(ErrorCode::MalformedRequest, message)
}

/// The bearer token of a collect session.
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| Self(token.trim().to_owned()))
            .filter(|bearer| !bearer.0.is_empty())
            .ok_or_else(|| {
                AppError::refuse(
                    ErrorCode::SessionInvalid,
                    "Enter the code from the SMS to continue.",
                )
            })
    }
}

/// Where a request comes from: the client's address and user agent.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientMeta {
    /// The actor `name` acting from here.
    pub fn actor(&self, name: &str) -> Actor {
        Actor {
            name: name.to_owned(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }
}

/// Which header, if any, carries the client address (set when behind a proxy).
#[derive(Clone, Debug, Default)]
pub struct ClientIpHeader(pub Arc<str>);

/// The client address of a request: the configured proxy header's first entry, or the
/// connection's peer.
pub fn client_ip(parts: &Parts) -> Option<String> {
    let header_name = parts
        .extensions
        .get::<ClientIpHeader>()
        .map(|h| h.0.clone())
        .unwrap_or_default();
    let forwarded = (!header_name.is_empty())
        .then(|| parts.headers.get(&*header_name))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.split(',').next())
        .map(str::trim)
        .filter(|first| !first.is_empty());
    if let Some(first) = forwarded {
        return Some(first.chars().take(64).collect());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for ClientMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|agent| agent.chars().take(256).collect());
        Ok(Self {
            ip: client_ip(parts),
            user_agent,
        })
    }
}

/// A query string; one that does not fit becomes `MALFORMED_REQUEST`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| {
                AppError::refuse(
                    ErrorCode::MalformedRequest,
                    format!("The query does not fit: {}", rejection.body_text()),
                )
            })
    }
}
