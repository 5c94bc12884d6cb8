//! A new code by SMS: the button, how long until it may be pressed, how many are left.

use super::{Entry, INPUT_ID, refusal};
use crate::api::{self, ApiFailure};
use crate::i18n::use_texts;
use crate::pages::collect::flow::{CodeStatus, Flow};
use crate::pages::collect::trouble::Trouble;
use kit::browser;
use kit::i18n::fill;
use kit::job::Job;
use kit::time::{now_ms, remaining};
use leptos::prelude::*;

/// Asks for a new code; the field empties for it.
pub(super) fn resend(flow: Flow, entry: Entry) -> Job<()> {
    let Entry {
        typed,
        trouble,
        sent_again,
    } = entry;
    Job::new(move |()| async move {
        match api::resend(flow.token.get_value()).await {
            Ok(resent) => {
                trouble.set(None);
                flow.back_to_code.set(None);
                flow.code.set(CodeStatus::after_resend(&resent));
                typed.set(String::new());
                sent_again.set(true);
                browser::focus(INPUT_ID);
            }
            Err(failure) => {
                if let ApiFailure::Refused(error) = &failure {
                    let code = refusal::resend_refused(&flow.code.get_untracked(), error, now_ms());
                    flow.code.set(code);
                }
                sent_again.set(false);
                trouble.set(flow.triage(Trouble::Api(failure)));
            }
        }
    })
}

#[component]
pub(super) fn Resend(flow: Flow, entry: Entry, resend: Job<()>) -> impl IntoView {
    let texts = use_texts();
    let sent_again = entry.sent_again;
    let resend_wait = move || {
        flow.ticker
            .seconds_until(flow.code.with(|c| c.resend_at_ms))
    };
    let cannot_resend = Signal::derive(move || {
        flow.code.with(|c| c.resends_left == 0) || resend_wait() > 0 || resend.pending().get()
    });
    let resend_label = texts.text_if(resend.pending(), |t| t.resend_sending, |t| t.resend_button);
    // The countdown ticks every second, so it stays out of the live region below.
    let resend_wait_text = texts.format(move |t| {
        let wait = resend_wait();
        if wait > 0 && flow.code.with(|c| c.resends_left > 0) {
            fill(t.resend_wait, &[("time", &remaining(wait))])
        } else {
            String::new()
        }
    });
    let resends_left = texts.format(move |t| {
        fill(
            t.resends_left,
            &[("n", &flow.code.with(|c| c.resends_left).to_string())],
        )
    });
    let mobile = flow.order.with_value(|order| order.masked_mobile.clone());
    let sent_text = texts.format(move |t| {
        if sent_again.get() {
            fill(t.resend_sent, &[("mobile", &mobile)])
        } else {
            String::new()
        }
    });

    view! {
        <div class="resend">
            <p class="resend-question">{texts.text(|t| t.resend_question)}</p>
            <button
                type="button"
                class="button"
                disabled=cannot_resend
                aria-describedby="resend-status"
                on:click=move |_| {
                    resend.start(());
                }
            >
                {resend_label}
            </button>
            <div id="resend-status" class="field-status">
                <p>{resend_wait_text}</p>
                <p>{resends_left}</p>
            </div>
            <p role="status" class="success">{sent_text}</p>
        </div>
    }
}
