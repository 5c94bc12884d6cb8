//! The confirm step before an action that locks someone or something out: the question as a
//! heading (focused when it appears), "yes, go ahead" and "no, leave it".

use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn Confirm(
    /// The heading's id: the caller focuses it when the step appears.
    id: &'static str,
    question: Signal<String>,
    /// `data-test` of the button that goes ahead.
    test: &'static str,
    yes: Callback<()>,
    no: Callback<()>,
) -> impl IntoView {
    let texts = use_texts();
    view! {
        <div class="confirm" role="group" aria-labelledby=id>
            <h2 id=id tabindex="-1">{question}</h2>
            <div class="action-buttons">
                <button type="button" class="button button-danger-solid" data-test=test
                    on:click=move |_| yes.run(())>
                    {texts.text(|t| t.confirm_button)}
                </button>
                <button type="button" class="button" on:click=move |_| no.run(())>
                    {texts.text(|t| t.never_mind)}
                </button>
            </div>
        </div>
    }
}
