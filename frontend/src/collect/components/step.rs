//! A numbered step of a flow. Steps ahead show only their heading, so that people see what
//! is coming; the current and finished steps show their content.

use crate::i18n::use_texts;
use kit::i18n::fill;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Upcoming,
    Current,
    Done,
}

#[component]
pub fn Step(
    number: u8,
    total: u8,
    /// The heading's id: focus moves there when the step becomes current.
    heading_id: &'static str,
    title: Signal<&'static str>,
    state: Signal<StepState>,
    children: ChildrenFn,
) -> impl IntoView {
    let texts = use_texts();
    let is = move |wanted: StepState| Signal::derive(move || state.get() == wanted);
    // The number is for the eye; the hidden text says the same, and whether the step is done,
    // to screen readers.
    let mark = Signal::derive(move || {
        if state.get() == StepState::Done {
            "✓".to_owned()
        } else {
            number.to_string()
        }
    });
    let position = texts.format(move |t| {
        fill(
            t.step_label,
            &[("n", &number.to_string()), ("total", &total.to_string())],
        )
    });
    let done = texts.format(move |t| {
        if state.get() == StepState::Done {
            format!(" ({})", t.step_done)
        } else {
            String::new()
        }
    });
    let upcoming = is(StepState::Upcoming);
    view! {
        <section
            class="step"
            class:step-upcoming=is(StepState::Upcoming)
            class:step-current=is(StepState::Current)
            class:step-done=is(StepState::Done)
            aria-labelledby=heading_id
        >
            <h2 id=heading_id class="step-title" tabindex="-1">
                <span class="step-number" aria-hidden="true">{mark}</span>
                <span class="visually-hidden">{position}</span>
                <span class="step-name">{title}</span>
                <span class="visually-hidden">{done}</span>
            </h2>
            <Show when=move || !upcoming.get()>
                <div class="step-body">{children()}</div>
            </Show>
        </section>
    }
}
