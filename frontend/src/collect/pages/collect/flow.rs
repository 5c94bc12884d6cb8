//! The state of one collect flow, shared by its steps. Everything lives in memory only: the
//! link token, the session bearer, the file and the signed certificate are never put in
//! storage or cookies, so the page leaves nothing behind and works in an iframe with storage
//! blocked.

use super::headings;
use super::trouble::Trouble;
use certportal_shared::api::collect::{CsrResponse, OpenResponse, ReceiptResponse, ResendResponse};
use certportal_shared::model::{Custody, Sha256Digest};
use kit::time::{Ticker, deadline_in};
use leptos::prelude::*;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The current one-time code, as far as the page knows.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeStatus {
    /// When it ends (ms since the epoch); 0 when there is no usable code.
    pub deadline_ms: f64,
    /// Wrong tries left; `None` when not known (after a new code, until a wrong try).
    pub attempts_left: Option<u32>,
    pub resends_left: u32,
    /// When a new code may be asked for (ms since the epoch).
    pub resend_at_ms: f64,
}

impl CodeStatus {
    pub fn from_open(order: &OpenResponse) -> Self {
        Self {
            // A code without tries left is as dead as an expired one.
            deadline_ms: if order.code_expires_in == 0 || order.attempts_left == 0 {
                0.0
            } else {
                deadline_in(order.code_expires_in)
            },
            attempts_left: Some(order.attempts_left),
            resends_left: order.resends_left,
            resend_at_ms: deadline_in(order.resend_available_in),
        }
    }

    pub fn after_resend(resent: &ResendResponse) -> Self {
        Self {
            deadline_ms: deadline_in(resent.code_expires_in),
            attempts_left: Some(resent.attempts_left),
            resends_left: resent.resends_left,
            resend_at_ms: deadline_in(resent.resend_available_in),
        }
    }

    /// The code can no longer be used (used up, expired, locked).
    pub fn end(&mut self) {
        self.deadline_ms = 0.0;
    }
}

/// An open collect session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub bearer: String,
    pub deadline_ms: f64,
    pub downloads_left: u32,
}

/// The file as saved, kept in memory for "save again" and for the check.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedFile {
    pub bytes: Arc<Vec<u8>>,
    pub filename: String,
    pub sha256: Sha256Digest,
}

/// Where the flow stands.
#[derive(Clone, Copy)]
pub struct Flow {
    pub token: StoredValue<String>,
    pub order: StoredValue<OpenResponse>,
    pub ticker: Ticker,
    pub acknowledged: RwSignal<bool>,
    pub code: RwSignal<CodeStatus>,
    pub session: RwSignal<Option<Session>>,
    pub file: RwSignal<Option<SavedFile>>,
    /// Set once the portal took the receipt: the password is on its way.
    pub receipt: RwSignal<Option<ReceiptResponse>>,
    /// Set once the portal signed the contact's request (custody `csr`): the certificate, kept
    /// for saving, since the link is used up and the portal will not hand it out again.
    pub issued: RwSignal<Option<CsrResponse>>,
    /// The file's password the page made (custody `browser`): shown once, and what the check
    /// opens the page's file with. Nowhere else, and never sent.
    pub made_password: RwSignal<Option<Zeroizing<String>>>,
    /// The certificate's SHA-256 fingerprint (hex), once the check passed.
    pub checked: RwSignal<Option<String>>,
    /// A problem that ends the flow (the link no longer works).
    pub fatal: RwSignal<Option<Trouble>>,
    /// Why the flow went back to the code step (the session ended).
    pub back_to_code: RwSignal<Option<Trouble>>,
}

impl Flow {
    pub fn new(token: String, order: OpenResponse) -> Self {
        let code = CodeStatus::from_open(&order);
        // A browser that cannot make keys ends the flow here, before the contact spends a code
        // on a flow the page could not finish.
        let fatal = (order.custody == Custody::Browser && !super::build::available())
            .then_some(Trouble::NoWebCrypto);
        Self {
            token: StoredValue::new(token),
            order: StoredValue::new(order),
            ticker: Ticker::start(),
            acknowledged: RwSignal::new(false),
            code: RwSignal::new(code),
            session: RwSignal::new(None),
            file: RwSignal::new(None),
            receipt: RwSignal::new(None),
            issued: RwSignal::new(None),
            made_password: RwSignal::new(None),
            checked: RwSignal::new(None),
            fatal: RwSignal::new(fatal),
            back_to_code: RwSignal::new(None),
        }
    }

    /// Who makes the key, and so which steps follow the code.
    pub fn custody(&self) -> Custody {
        self.order.with_value(|order| order.custody)
    }

    /// Whether the session has done its work: the receipt was taken, or the request signed.
    /// Reading it subscribes the caller.
    pub fn finished(&self) -> bool {
        self.receipt.with(Option::is_some) || self.issued.with(Option::is_some)
    }

    /// Asks the portal where the code stands, after a refusal that says the page's picture
    /// is out of date (the code ended early, the device slept through the cooldown).
    pub fn refresh_code(&self) {
        let flow = *self;
        leptos::task::spawn_local(async move {
            if let Ok(order) = crate::api::open(flow.token.get_value()).await {
                flow.code.set(CodeStatus::from_open(&order));
            }
        });
    }

    /// Handles the troubles every step handles the same way; returns the trouble when it is
    /// the step's own to show.
    pub fn triage(&self, trouble: Trouble) -> Option<Trouble> {
        if trouble.ends_the_link() {
            self.fatal.set(Some(trouble));
            return None;
        }
        if trouble.ends_the_session() {
            self.session.set(None);
            // The code that opened the session was used up by it; what a new one takes (the
            // cooldown, the resends left) is the portal's to say, by its clock.
            self.code.update(CodeStatus::end);
            self.refresh_code();
            self.back_to_code.set(Some(trouble));
            kit::browser::focus(headings::CODE);
            return None;
        }
        Some(trouble)
    }
}
