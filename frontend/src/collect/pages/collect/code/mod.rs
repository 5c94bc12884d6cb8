//! Step 2: the one-time code from the SMS, with its countdown, the tries left, and a new code
//! on request. The step is its two halves, typing the code ([`form`]) and asking for a new one
//! ([`resend`]), over the state they share; what the portal's refusals do to the code is
//! [`refusal`]'s to say.

mod form;
mod refusal;
mod resend;

use super::flow::Flow;
use super::trouble::Trouble;
use crate::i18n::use_texts;
use form::CodeForm;
use leptos::prelude::*;
use resend::Resend;

const INPUT_ID: &str = "code-input";

/// What the two halves share: the field's text (a new code empties it), the problem shown
/// under it, and whether a new code has just been sent.
#[derive(Clone, Copy)]
struct Entry {
    typed: RwSignal<String>,
    trouble: RwSignal<Option<Trouble>>,
    sent_again: RwSignal<bool>,
}

#[component]
pub fn CodeStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let entry = Entry {
        typed: RwSignal::new(String::new()),
        trouble: RwSignal::new(None),
        sent_again: RwSignal::new(false),
    };
    // Made here rather than in the halves: a call still running when the session opens (and
    // the halves leave the page) must still finish its work.
    let verify = form::verify(flow, entry);
    let resend = resend::resend(flow, entry);
    view! {
        <Show
            when=move || flow.session.with(Option::is_none) && !flow.finished()
            fallback=move || view! { <p class="done-note">{texts.text(|t| t.code_accepted)}</p> }
        >
            <CodeForm flow entry verify />
            <Resend flow entry resend />
        </Show>
    }
}
