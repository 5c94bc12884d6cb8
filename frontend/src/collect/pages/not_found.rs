use crate::i18n::use_texts;
use certportal_shared::routes::ADMIN_PAGE;
use leptos::prelude::*;

/// Shown for any path the router does not know, so a mistyped link still leads somewhere.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let texts = use_texts();
    view! {
        <h1>{texts.text(|t| t.not_found_title)}</h1>
        <p>{texts.text(|t| t.not_found_text)}</p>
        <p class="muted">
            {texts.text(|t| t.not_found_hint)}
            " "
            <a href=ADMIN_PAGE>{texts.text(|t| t.not_found_admin_link)}</a>
            "."
        </p>
    }
}
