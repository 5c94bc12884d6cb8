use crate::i18n::use_i18n;
use certportal_shared::routes::ADMIN_PAGE;
use leptos::prelude::*;

/// Shown for any path the router does not know, so a mistyped link still leads somewhere.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.text(|t| t.not_found_title)}</h1>
        <p>{i18n.text(|t| t.not_found_text)}</p>
        <p class="muted">
            {i18n.text(|t| t.not_found_hint)}
            " "
            <a href=ADMIN_PAGE>{i18n.text(|t| t.not_found_admin_link)}</a>
            "."
        </p>
    }
}
