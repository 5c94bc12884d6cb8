//! SMS through an HTTP gateway, configured without code: URL, method, an `Authorization`
//! header, an idempotency header and a JSON body template with `{to}`, `{body}` and `{id}`
//! (the message's stable id, for gateways that take it in the body); or a provider by name
//! ([`super::sms_preset`]).

use super::sms_preset::Preset;
use super::{NotifyError, Outgoing, SmsSender};
use crate::config::HttpSmsConfig;
use async_trait::async_trait;
use std::time::Duration;
use zeroize::Zeroizing;

pub struct HttpSms {
    client: reqwest::Client,
    config: HttpSmsConfig,
    method: reqwest::Method,
    preset: Option<Preset>,
}

impl HttpSms {
    pub fn new(config: HttpSmsConfig) -> Result<Self, NotifyError> {
        let method = reqwest::Method::from_bytes(config.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| {
                NotifyError::Refused(format!(
                    "sms.http.method {:?} is not an HTTP method",
                    config.method
                ))
            })?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_seconds))
            // A redirect would carry the message, code or password included, to wherever the
            // gateway (or whoever answers in its name) points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| NotifyError::Unreachable(e.to_string()))?;
        Ok(Self {
            preset: Preset::of(&config),
            client,
            config,
            method,
        })
    }

    /// The request body: the template with `{to}` and `{body}` replaced by JSON string
    /// contents, so quotes and newlines in a message cannot break the JSON. It holds the code
    /// or password, so every copy on the way is wiped.
    fn body(&self, message: &Outgoing) -> Zeroizing<String> {
        let addressed = self
            .config
            .body_template
            .replace("{to}", &json_escape(&message.to))
            .replace("{id}", &json_escape(&message.idempotency_key));
        // The body last: a `{to}` or `{id}` inside a message must stay as written.
        Zeroizing::new(addressed.replace("{body}", &json_escape(&message.body)))
    }
}

fn json_escape(text: &str) -> Zeroizing<String> {
    // Serialising a &str cannot fail; an empty string would only send an empty field.
    let quoted = Zeroizing::new(serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into()));
    Zeroizing::new(quoted[1..quoted.len() - 1].to_owned())
}

/// What the HTTP status says of a message, for the generic gateway and the presets alike.
/// Errors name the status only: a gateway may echo the message, which can hold a secret.
pub(super) fn judge_status(status: u16) -> Result<(), NotifyError> {
    let answer = || format!("the SMS gateway answered {status}");
    match status {
        200..=299 => Ok(()),
        // The gateway says this message itself will never do (a number it cannot reach, a
        // body it rejects). Bad credentials, a wrong URL or a redirect (401, 403, 404, 3xx)
        // are the operator's to mend, and the message waits for that.
        400 | 413 | 422 => Err(NotifyError::Permanent(answer())),
        _ => Err(NotifyError::Refused(answer())),
    }
}

fn unreachable(error: reqwest::Error) -> NotifyError {
    NotifyError::Unreachable(error.without_url().to_string())
}

#[async_trait]
impl SmsSender for HttpSms {
    async fn send_sms(&self, message: &Outgoing) -> Result<(), NotifyError> {
        // A preset's URL, authorization and form body, or the configured gateway's JSON.
        let (request, body) = match &self.preset {
            Some(preset) => (
                self.client
                    .post(&preset.url)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .header(
                        reqwest::header::AUTHORIZATION,
                        preset.authorization.as_str(),
                    ),
                preset.form(message),
            ),
            None => {
                let request = self
                    .client
                    .request(self.method.clone(), &self.config.url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json");
                let request = if self.config.authorization.is_empty() {
                    request
                } else {
                    request.header(reqwest::header::AUTHORIZATION, &self.config.authorization)
                };
                (request, self.body(message))
            }
        };
        let mut request = request.body(bytes::Bytes::from_owner(Zeroizing::new(
            body.as_bytes().to_vec(),
        )));
        drop(body);
        if !self.config.idempotency_header.is_empty() {
            request = request.header(
                self.config.idempotency_header.as_str(),
                &message.idempotency_key,
            );
        }
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        match &self.preset {
            Some(preset) => preset.judge(status, &response.bytes().await.map_err(unreachable)?),
            None => judge_status(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_template_gets_json_escaped_values() {
        let sms = HttpSms::new(HttpSmsConfig {
            url: "http://127.0.0.1:1/".into(),
            ..HttpSmsConfig::default()
        })
        .expect("valid");
        let message = Outgoing {
            idempotency_key: "key".into(),
            order_id: None,
            to: "+4791234567".into(),
            subject: None,
            body: Zeroizing::new("line \"one\"\nline two".into()),
            purpose: certportal_shared::model::Purpose::Otp,
            stage: None,
        };
        let body: serde_json::Value =
            serde_json::from_str(&sms.body(&message)).expect("valid JSON");
        assert_eq!(body["to"], "+4791234567");
        assert_eq!(body["message"], "line \"one\"\nline two");
        let with_id = HttpSms::new(HttpSmsConfig {
            url: "http://127.0.0.1:1/".into(),
            body_template: r#"{"messageId": "{id}", "text": "{body}"}"#.into(),
            ..HttpSmsConfig::default()
        })
        .expect("valid");
        let message = Outgoing {
            body: Zeroizing::new("say {id} and {to}".into()),
            ..message
        };
        let body: serde_json::Value =
            serde_json::from_str(&with_id.body(&message)).expect("valid JSON");
        assert_eq!(body["messageId"], "key");
        assert_eq!(
            body["text"], "say {id} and {to}",
            "placeholders in a message stay"
        );
    }

    #[test]
    fn an_invalid_method_is_refused() {
        assert!(
            HttpSms::new(HttpSmsConfig {
                method: "P O S T".into(),
                ..HttpSmsConfig::default()
            })
            .is_err()
        );
    }
}
