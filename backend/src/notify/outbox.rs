//! The development outbox: each message becomes one JSON line in `DATA_DIR/outbox.jsonl`.

use super::{Mailer, NotifyError, Outgoing, SmsSender};
use crate::clock::{Clock, rfc3339};
use async_trait::async_trait;
use certportal_shared::model::Channel;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// One line of the outbox file, as DESIGN.md fixes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLine {
    pub channel: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// A reminder's stage: days before the certificate ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<u32>,
    pub at: String,
}

/// Appends messages to the outbox file; serves as both SMS sender and mailer.
#[derive(Clone)]
pub struct OutboxFile {
    path: PathBuf,
    clock: Arc<dyn Clock>,
}

impl OutboxFile {
    pub fn new(path: PathBuf, clock: Arc<dyn Clock>) -> Self {
        Self { path, clock }
    }

    fn append(&self, channel: &str, message: &Outgoing) -> Result<(), NotifyError> {
        let line = OutboxLine {
            channel: channel.to_owned(),
            to: message.to.clone(),
            subject: message.subject.clone(),
            body: message.body.to_string(),
            purpose: message.purpose.as_str().to_owned(),
            order_id: message.order_id.clone(),
            stage: message.stage,
            at: rfc3339(self.clock.now()),
        };
        let mut bytes = serde_json::to_vec(&line).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        // One write of the whole line: appends from the CLI and the server do not interleave.
        options.open(&self.path)?.write_all(&bytes)?;
        Ok(())
    }

    /// Every line of the outbox, oldest first; unreadable lines are skipped.
    pub fn read_all(&self) -> std::io::Result<Vec<OutboxLine>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text
                .lines()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }
}

#[async_trait]
impl SmsSender for OutboxFile {
    async fn send_sms(&self, message: &Outgoing) -> Result<(), NotifyError> {
        self.append(Channel::Sms.as_str(), message)
    }
}

#[async_trait]
impl Mailer for OutboxFile {
    async fn send_email(&self, message: &Outgoing) -> Result<(), NotifyError> {
        self.append(Channel::Email.as_str(), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use certportal_shared::model::Purpose;
    use time::OffsetDateTime;
    use zeroize::Zeroizing;

    #[tokio::test]
    async fn each_message_is_one_json_line_in_the_documented_shape() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = OutboxFile::new(
            dir.path().join("outbox.jsonl"),
            Arc::new(ManualClock::new(OffsetDateTime::UNIX_EPOCH)),
        );
        let message = |purpose: Purpose, subject: Option<&str>| Outgoing {
            idempotency_key: format!("key-{purpose}"),
            order_id: Some("o1".into()),
            to: "+4791234567".into(),
            subject: subject.map(str::to_owned),
            body: Zeroizing::new(format!("body of {purpose}")),
            purpose,
            stage: None,
        };
        outbox
            .send_sms(&message(Purpose::Otp, None))
            .await
            .expect("sms");
        outbox
            .send_email(&message(Purpose::CollectLink, Some("Subject")))
            .await
            .expect("email");
        let reminder = Outgoing {
            stage: Some(30),
            ..message(Purpose::ExpiryReminder, Some("Ends soon"))
        };
        outbox.send_email(&reminder).await.expect("email");
        let text = std::fs::read_to_string(dir.path().join("outbox.jsonl")).expect("read");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["channel"], "sms");
        assert!(lines[0].get("subject").is_none());
        assert_eq!(lines[1]["channel"], "email");
        assert_eq!(lines[1]["subject"], "Subject");
        assert_eq!(lines[1]["purpose"], "collect_link");
        assert_eq!(lines[1]["order_id"], "o1");
        assert_eq!(lines[1]["at"], "1970-01-01T00:00:00Z");
        assert!(
            lines[1].get("stage").is_none(),
            "only reminders have a stage"
        );
        assert_eq!(lines[2]["purpose"], "expiry_reminder");
        assert_eq!(lines[2]["stage"], 30);
    }
}
