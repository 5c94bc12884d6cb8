//! An order's state as a badge: a word, with a colour that repeats it.

use crate::format;
use crate::i18n::use_texts;
use certportal_shared::model::OrderState;
use leptos::prelude::*;

#[component]
pub fn StateBadge(state: OrderState) -> impl IntoView {
    let texts = use_texts();
    view! {
        <span class=format!("badge badge-{}", state.as_str()) data-state=state.as_str()>
            {texts.text(move |t| format::state(state, t))}
        </span>
    }
}
