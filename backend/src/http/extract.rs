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

/// Which header, if any, carries the client address (set when behind a proxy), and how many
/// trusted proxies append to it.
#[derive(Clone, Debug, Default)]
pub struct ClientIpHeader {
    pub name: Arc<str>,
    pub trusted_hops: usize,
}

/// The client address of a request: behind proxies, the entry of the configured header that
/// the outermost trusted proxy wrote (`trusted_hops` from the right; every entry left of it
/// came from the client and may be anything); otherwise the connection's peer.
pub fn client_ip(parts: &Parts) -> Option<String> {
    let config = parts
        .extensions
        .get::<ClientIpHeader>()
        .cloned()
        .unwrap_or_default();
    let forwarded = (!config.name.is_empty())
        .then(|| parts.headers.get_all(&*config.name))
        .and_then(|values| trusted_entry(values, config.trusted_hops));
    if let Some(address) = forwarded {
        return Some(address);
    }
    peer_ip(parts).map(|ip| ip.to_string())
}

/// The connection's peer address.
pub fn peer_ip(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The entry `hops` from the right of a comma-separated list spread over one or more header
/// lines (a proxy may add a line rather than extend one); the leftmost when there are fewer.
fn trusted_entry(
    values: http::header::GetAll<'_, http::HeaderValue>,
    hops: usize,
) -> Option<String> {
    let entries: Vec<&str> = values
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().saturating_sub(hops.max(1));
    entries
        .get(index)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.chars().take(64).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(lines: &[&str], hops: usize) -> Option<String> {
        let mut headers = http::HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", line.parse().expect("header"));
        }
        trusted_entry(headers.get_all("x-forwarded-for"), hops)
    }

    #[test]
    fn the_address_is_the_one_the_trusted_proxies_wrote_not_the_clients() {
        assert_eq!(
            entry(&["6.6.6.6, 203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            entry(&["6.6.6.6, 203.0.113.7, 10.0.0.2"], 2).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            entry(&["6.6.6.6", "203.0.113.7"], 1).as_deref(),
            Some("203.0.113.7"),
            "a proxy that adds a header line"
        );
        assert_eq!(
            entry(&["203.0.113.7"], 3).as_deref(),
            Some("203.0.113.7"),
            "fewer entries than hops: the leftmost, which a trusted proxy wrote"
        );
        assert_eq!(entry(&[], 1), None);
        assert_eq!(
            entry(&["6.6.6.6, "], 1),
            None,
            "an empty entry is no address"
        );
    }
}
