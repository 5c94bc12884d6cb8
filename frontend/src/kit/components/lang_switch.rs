//! The language switch: each language named in itself.

use crate::i18n::{Lang, use_i18n};
use leptos::prelude::*;

/// `label` names the switch for assistive technology, in the app's own catalogue.
#[component]
pub fn LanguageSwitch(label: Signal<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="lang-switch" aria-label=label>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let pressed = Signal::derive(move || {
                        if i18n.lang() == lang { "true" } else { "false" }
                    });
                    view! {
                        <button
                            type="button"
                            class="lang-button"
                            lang=lang.tag()
                            aria-pressed=pressed
                            on:click=move |_| i18n.set(lang)
                        >
                            {lang.name()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
