//! Step 2: the one-time code from the SMS, with its countdown, the tries left, and a new code
//! on request.

mod refusal;

use super::flow::{CodeStatus, Flow, Session};
use super::headings;
use super::trouble::Trouble;
use crate::api::{self, ApiFailure};
use crate::i18n::use_texts;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use kit::time::{clock_time, deadline_in, now_ms, remaining};
use leptos::prelude::*;

pub const INPUT_ID: &str = "code-input";

/// What the contact typed, without the spaces and dashes people add while copying.
fn normalised(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[component]
pub fn CodeStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let typed = RwSignal::new(String::new());
    let trouble = RwSignal::new(None::<Trouble>);
    let sent_again = RwSignal::new(false);

    let verify = Job::new(move |code: String| async move {
        match api::verify(flow.token.get_value(), code).await {
            Ok(opened) => {
                trouble.set(None);
                flow.back_to_code.set(None);
                flow.code.update(CodeStatus::end);
                flow.session.set(Some(Session {
                    bearer: opened.session,
                    deadline_ms: deadline_in(opened.expires_in),
                    downloads_left: opened.downloads_left,
                }));
                typed.set(String::new());
                browser::focus(headings::DOWNLOAD);
            }
            Err(failure) => {
                if let ApiFailure::Refused(error) = &failure {
                    let (code, ended) = refusal::verify_refused(&flow.code.get_untracked(), error);
                    flow.code.set(code);
                    if ended {
                        // When a new code may be asked for is the portal's to say.
                        flow.refresh_code();
                    }
                }
                trouble.set(flow.triage(Trouble::Api(failure)));
                browser::focus(INPUT_ID);
            }
        }
    });

    let resend = Job::new(move |()| async move {
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
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if verify.pending().get_untracked() {
            return;
        }
        match normalised(&typed.get_untracked()) {
            Some(code) => {
                sent_again.set(false);
                verify.start(code);
            }
            None => {
                trouble.set(Some(Trouble::CodeShape));
                browser::focus(INPUT_ID);
            }
        }
    };

    let code_left = move || {
        let deadline = flow.code.with(|code| code.deadline_ms);
        (deadline, flow.ticker.seconds_until(deadline))
    };
    let resend_wait = move || {
        flow.ticker
            .seconds_until(flow.code.with(|c| c.resend_at_ms))
    };
    let cannot_resend = Signal::derive(move || {
        flow.code.with(|c| c.resends_left == 0) || resend_wait() > 0 || resend.pending().get()
    });
    let shown_trouble = Signal::derive(move || {
        trouble
            .get()
            .or_else(|| flow.back_to_code.get())
            .map(|trouble| trouble.message(texts.t()))
    });
    let invalid = Signal::derive(move || {
        if shown_trouble.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    });
    let verifying = Signal::derive(move || {
        if verify.pending().get() {
            "true"
        } else {
            "false"
        }
    });
    let mobile = flow.order.with_value(|order| order.masked_mobile.clone());
    let help = {
        let mobile = mobile.clone();
        texts.format(move |t| fill(t.code_help, &[("mobile", &mobile)]))
    };
    let submit_label = texts.text_if(verify.pending(), |t| t.code_checking, |t| t.code_submit);
    let countdown = texts.format(move |t| match code_left() {
        (_, 0) => t.code_dead.to_owned(),
        (deadline, left) => fill(
            t.code_countdown,
            &[
                ("time", &remaining(left)),
                ("clock", &clock_time(deadline, texts.lang())),
            ],
        ),
    });
    let attempts = texts.format(move |t| {
        match flow
            .code
            .with(|c| c.attempts_left)
            .filter(|_| code_left().1 > 0)
        {
            Some(n) => fill(t.attempts_left, &[("n", &n.to_string())]),
            None => String::new(),
        }
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
    let sent_text = texts.format(move |t| {
        if sent_again.get() {
            fill(t.resend_sent, &[("mobile", &mobile)])
        } else {
            String::new()
        }
    });

    view! {
        <Show
            when=move || flow.session.with(Option::is_none) && flow.receipt.with(Option::is_none)
            fallback=move || view! { <p class="done-note">{texts.text(|t| t.code_accepted)}</p> }
        >
            // novalidate: the page checks the code itself and says what is wrong in words.
            <form class="code-form" novalidate on:submit=submit>
                <label for=INPUT_ID class="field-label">{texts.text(|t| t.code_label)}</label>
                <p id="code-help" class="field-help">{help}</p>
                <div class="inline-field">
                    <input
                        id=INPUT_ID
                        data-test="code-input"
                        class="code-input"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        spellcheck="false"
                        aria-describedby="code-help code-status code-error"
                        aria-invalid=invalid
                        prop:value=typed
                        on:input:target=move |event| typed.set(event.target().value())
                    />
                    <button
                        type="submit"
                        class="button button-primary"
                        data-test="code-submit"
                        aria-disabled=verifying
                    >
                        {submit_label}
                    </button>
                </div>
                <div id="code-status" class="field-status">
                    <p role="timer">{countdown}</p>
                    <p>{attempts}</p>
                </div>
                <Alert message=shown_trouble id="code-error" />
            </form>
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
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::normalised;

    #[test]
    fn spaces_and_dashes_from_copying_are_dropped_and_letters_refused() {
        assert_eq!(normalised(" 1234 5678 ").as_deref(), Some("12345678"));
        assert_eq!(normalised("1234-5678").as_deref(), Some("12345678"));
        assert_eq!(normalised("12a45678"), None);
        assert_eq!(normalised("  "), None);
    }
}
