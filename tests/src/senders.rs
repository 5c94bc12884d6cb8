//! Senders for outage tests: a recording sender that fails while it is down.

use async_trait::async_trait;
use certportal::notify::{Mailer, NotifyError, Outgoing, Recording, SmsSender};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Wraps a recording sender; while down, every message fails as a provider outage would.
#[derive(Clone)]
pub struct Outage<T> {
    inner: T,
    down: Arc<AtomicBool>,
    tries: Arc<AtomicUsize>,
}

impl<T> Outage<T> {
    /// A sender that starts down.
    pub fn down(inner: T) -> Self {
        Self {
            inner,
            down: Arc::new(AtomicBool::new(true)),
            tries: Arc::default(),
        }
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Every try so far, failed or not.
    pub fn tries(&self) -> usize {
        self.tries.load(Ordering::SeqCst)
    }

    fn refuse(&self) -> Result<(), NotifyError> {
        self.tries.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(NotifyError::Unreachable(
                "the test's provider is down".into(),
            ));
        }
        Ok(())
    }
}

impl Outage<certportal::notify::RecordingSms> {
    pub fn sent(&self) -> Vec<Recording> {
        self.inner.sent()
    }
}

impl Outage<certportal::notify::RecordingMailer> {
    pub fn sent(&self) -> Vec<Recording> {
        self.inner.sent()
    }
}

#[async_trait]
impl<T: SmsSender> SmsSender for Outage<T> {
    async fn send_sms(&self, message: &Outgoing) -> Result<(), NotifyError> {
        self.refuse()?;
        self.inner.send_sms(message).await
    }
}

#[async_trait]
impl<T: Mailer> Mailer for Outage<T> {
    async fn send_email(&self, message: &Outgoing) -> Result<(), NotifyError> {
        self.refuse()?;
        self.inner.send_email(message).await
    }
}
