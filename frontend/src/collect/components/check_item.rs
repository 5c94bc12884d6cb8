//! One line of a checklist: passed or failed, in words as well as a mark.

use leptos::prelude::*;

#[component]
pub fn CheckItem(ok: bool, text: Signal<String>) -> impl IntoView {
    view! {
        <li class="check" class:check-ok=ok class:check-bad=!ok>
            // The mark is decoration; the sentence says whether the check passed.
            <span class="check-mark" aria-hidden="true">
                {if ok { "✓" } else { "✗" }}
            </span>
            <span>{text}</span>
        </li>
    }
}
