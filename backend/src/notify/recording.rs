//! Senders that keep what they are given, for tests. (Failing providers are tested against
//! a real HTTP gateway that fails, not a switch here.)

use super::{Mailer, NotifyError, Outgoing, SmsSender};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};

/// A message as a recording sender saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    pub to: String,
    pub subject: Option<String>,
    pub body: String,
    pub purpose: String,
    pub order_id: Option<String>,
    pub stage: Option<u32>,
}

#[derive(Clone, Default)]
struct Recorder {
    sent: Arc<Mutex<Vec<Recording>>>,
}

impl Recorder {
    fn take(&self, message: &Outgoing) -> Result<(), NotifyError> {
        let mut sent = self
            .sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sent.push(Recording {
            to: message.to.clone(),
            subject: message.subject.clone(),
            body: message.body.to_string(),
            purpose: message.purpose.as_str().to_owned(),
            order_id: message.order_id.clone(),
            stage: message.stage,
        });
        Ok(())
    }

    fn sent(&self) -> Vec<Recording> {
        self.sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

macro_rules! recording_sender {
    ($name:ident, $trait:ident, $method:ident) => {
        /// A recording sender for tests.
        #[derive(Clone, Default)]
        pub struct $name(Recorder);

        impl $name {
            pub fn new() -> Self {
                Self::default()
            }

            /// Everything sent so far, oldest first.
            pub fn sent(&self) -> Vec<Recording> {
                self.0.sent()
            }
        }

        #[async_trait]
        impl $trait for $name {
            async fn $method(&self, message: &Outgoing) -> Result<(), NotifyError> {
                self.0.take(message)
            }
        }
    };
}

recording_sender!(RecordingSms, SmsSender, send_sms);
recording_sender!(RecordingMailer, Mailer, send_email);
