//! Typing the code: the field, its countdown and tries left, and the call that checks it.

use super::{Entry, INPUT_ID, refusal};
use crate::api::{self, ApiFailure};
use crate::i18n::use_texts;
use crate::pages::collect::flow::{CodeStatus, Flow, Session};
use crate::pages::collect::headings;
use crate::pages::collect::trouble::Trouble;
use kit::browser;
use kit::components::{Alert, aria};
use kit::i18n::fill;
use kit::job::Job;
use kit::time::{clock_time, deadline_in, remaining};
use leptos::prelude::*;

/// What the contact typed, without the spaces and dashes people add while copying.
fn normalised(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// Checks a code; the right one opens the session and moves on to the download, or to the
/// certificate request.
pub(super) fn verify(flow: Flow, entry: Entry) -> Job<String> {
    let Entry { typed, trouble, .. } = entry;
    Job::new(move |code: String| async move {
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
                browser::focus(headings::after_code(flow.custody()));
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
    })
}

#[component]
pub(super) fn CodeForm(flow: Flow, entry: Entry, verify: Job<String>) -> impl IntoView {
    let texts = use_texts();
    let Entry {
        typed,
        trouble,
        sent_again,
    } = entry;
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
    let shown_trouble = Signal::derive(move || {
        trouble
            .get()
            .or_else(|| flow.back_to_code.get())
            .map(|trouble| trouble.message(texts.t()))
    });
    let invalid = Signal::derive(move || aria(shown_trouble.with(Option::is_some)));
    let verifying = Signal::derive(move || aria(verify.pending().get()));
    let mobile = flow.order.with_value(|order| order.masked_mobile.clone());
    let help = texts.format(move |t| fill(t.code_help, &[("mobile", &mobile)]));
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

    view! {
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
