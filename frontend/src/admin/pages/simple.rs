//! Pages that are only a heading and a sentence.

use crate::i18n::use_texts;
use crate::router::{Link, Page, TITLE_ID};
use leptos::prelude::*;

/// An address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let texts = use_texts();
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.not_found_title)}</h1>
        <p>{texts.text(|t| t.not_found_text)}</p>
        <Link to=Page::Orders(Default::default())>{texts.text(|t| t.back_to_orders)}</Link>
    }
}

/// An admin-only page, opened by support staff (from a bookmark or a shared link).
#[component]
pub fn Forbidden() -> impl IntoView {
    let texts = use_texts();
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.forbidden_title)}</h1>
        <p data-test="forbidden">{texts.text(|t| t.forbidden.what)}</p>
        <p class="muted">{texts.text(|t| t.forbidden.next)}</p>
    }
}
