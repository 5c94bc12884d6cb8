//! SMS providers the portal speaks by name (`sms.http.preset`), each as its API documents
//! it: the URL, Basic authorization from the account and secret, a form body with the
//! provider's field names and number format, and how its answer says whether the message was
//! taken. The generic gateway (`custom`) stays in [`super::http_sms`].

use super::{NotifyError, Outgoing};
use crate::config::{HttpSmsConfig, SmsPreset};
use base64::Engine as _;
use zeroize::Zeroizing;

/// A configured preset.
pub struct Preset {
    kind: SmsPreset,
    pub url: String,
    /// `Basic base64(account:secret)`.
    pub authorization: Zeroizing<String>,
    sender: String,
}

impl Preset {
    /// The preset `config` names; `None` for the generic gateway.
    pub fn of(config: &HttpSmsConfig) -> Option<Self> {
        let default_url = match config.preset {
            SmsPreset::Custom => return None,
            SmsPreset::Twilio => format!(
                "https://api.twilio.com/2010-04-01/Accounts/{}/Messages.json",
                config.account
            ),
            SmsPreset::Vonage => "https://rest.nexmo.com/sms/json".to_owned(),
            SmsPreset::FortySixElks => "https://api.46elks.com/a1/sms".to_owned(),
        };
        let credentials = Zeroizing::new(format!("{}:{}", config.account, config.secret));
        Some(Self {
            kind: config.preset,
            url: if config.url.is_empty() {
                default_url
            } else {
                config.url.clone()
            },
            authorization: Zeroizing::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes())
            )),
            sender: config.sender.clone(),
        })
    }

    /// The form body (`application/x-www-form-urlencoded`); it holds the code or password, so
    /// it is wiped when dropped.
    pub fn form(&self, message: &Outgoing) -> Zeroizing<String> {
        // Vonage takes the number's digits alone; the others E.164 with its plus.
        let digits = message.to.trim_start_matches('+');
        let (to_field, to, from_field, text_field) = match self.kind {
            SmsPreset::Twilio => ("To", message.to.as_str(), "From", "Body"),
            SmsPreset::Vonage => ("to", digits, "from", "text"),
            SmsPreset::FortySixElks | SmsPreset::Custom => {
                ("to", message.to.as_str(), "from", "message")
            }
        };
        Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair(to_field, to)
                .append_pair(from_field, &self.sender)
                .append_pair(text_field, &message.body)
                .finish(),
        )
    }

    /// Whether the provider took the message, from its answer. Vonage answers 200 whatever
    /// happened and puts the outcome in each part's `status`; the others say it in the HTTP
    /// status.
    pub fn judge(&self, status: u16, body: &[u8]) -> Result<(), NotifyError> {
        match status {
            200..=299 if self.kind == SmsPreset::Vonage => vonage_outcome(body),
            _ => super::http_sms::judge_status(status),
        }
    }
}

/// Vonage's per-part statuses: "0" for each part taken. Throttling ("1") and the account's own
/// troubles (credentials "4", barred "8", quota "9") are tried again once mended; anything
/// else is about this message (a number it cannot reach, a sender it refuses) and never will
/// be. Only the status codes are named: the answer also echoes the recipient.
fn vonage_outcome(body: &[u8]) -> Result<(), NotifyError> {
    let answer: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| NotifyError::Refused("Vonage answered something that is not JSON".into()))?;
    let statuses: Vec<&str> = answer["messages"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter_map(|part| part["status"].as_str())
                .collect()
        })
        .unwrap_or_default();
    if statuses.is_empty() {
        return Err(NotifyError::Refused(
            "Vonage answered without a status".into(),
        ));
    }
    match statuses.iter().copied().find(|status| *status != "0") {
        None => Ok(()),
        Some(status @ ("1" | "4" | "8" | "9")) => Err(NotifyError::Refused(format!(
            "Vonage answered status {status}"
        ))),
        Some(status) => Err(NotifyError::Permanent(format!(
            "Vonage answered status {status}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(kind: SmsPreset) -> Preset {
        Preset::of(&HttpSmsConfig {
            preset: kind,
            account: "AC0123".into(),
            secret: "s3cret".into(),
            sender: "Vendor".into(),
            ..HttpSmsConfig::default()
        })
        .expect("a preset")
    }

    #[test]
    fn each_preset_addresses_its_providers_documented_endpoint() {
        assert_eq!(
            preset(SmsPreset::Twilio).url,
            "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json"
        );
        assert_eq!(
            preset(SmsPreset::Vonage).url,
            "https://rest.nexmo.com/sms/json"
        );
        assert_eq!(
            preset(SmsPreset::FortySixElks).url,
            "https://api.46elks.com/a1/sms"
        );
        assert!(Preset::of(&HttpSmsConfig::default()).is_none());
    }

    #[test]
    fn the_form_escapes_the_text_and_vonage_gets_digits() {
        let message = Outgoing {
            idempotency_key: "key".into(),
            order_id: None,
            to: "+4791234567".into(),
            subject: None,
            body: Zeroizing::new("Code: 1234 5678 & more=yes".into()),
            purpose: certportal_shared::model::Purpose::Otp,
            stage: None,
        };
        let form = preset(SmsPreset::Vonage).form(&message);
        assert_eq!(
            form.as_str(),
            "to=4791234567&from=Vendor&text=Code%3A+1234+5678+%26+more%3Dyes"
        );
        let form = preset(SmsPreset::Twilio).form(&message);
        assert!(
            form.starts_with("To=%2B4791234567&From=Vendor&Body="),
            "{}",
            *form
        );
    }

    #[test]
    fn vonage_statuses_decide_between_sent_retried_and_given_up() {
        let vonage = preset(SmsPreset::Vonage);
        let answer = |status: &str| {
            vonage.judge(
                200,
                format!(r#"{{"messages": [{{"status": "0"}}, {{"status": "{status}"}}]}}"#)
                    .as_bytes(),
            )
        };
        assert!(answer("0").is_ok());
        assert!(matches!(answer("1"), Err(NotifyError::Refused(_))));
        assert!(matches!(answer("6"), Err(NotifyError::Permanent(_))));
        assert!(matches!(
            vonage.judge(200, b"<html>"),
            Err(NotifyError::Refused(_))
        ));
        assert!(matches!(
            vonage.judge(401, b""),
            Err(NotifyError::Refused(_))
        ));
    }
}
