//! The contact's pages after collection: the report page (`/report`, their own withdrawal,
//! from the link in the receipt e-mail) and the renewal page (`/renew`, a new certificate from
//! the old file, from the reminders). A wasm of its own, built into `dist/report/` and served
//! at both paths, so that the collect app every customer downloads does not carry pages few of
//! them ever open (the report page alone would add about 17 KiB gzip to the collect app's
//! budget). It speaks the collect app's language: its header, strings and words for refusals
//! are compiled in from `src/collect/`.

// The collect app's strings and its words for refusals, of which this page uses a part.
#[allow(dead_code, unused_imports)]
#[path = "../collect/i18n/mod.rs"]
mod i18n;
#[allow(dead_code)]
#[path = "../collect/pages/collect/trouble.rs"]
mod trouble;

mod api;
mod page;
mod renew;
mod texts;

use i18n::{catalogue, use_texts};
use kit::components::LanguageSwitch;
use kit::i18n::provide_i18n;
use leptos::prelude::*;

#[component]
fn App() -> impl IntoView {
    provide_i18n(|lang| catalogue(lang).document_title);
    let texts = use_texts();
    view! {
        <header class="site-header">
            <p class="brand">{texts.text(|t| t.brand)}</p>
            <LanguageSwitch label=texts.text(|t| t.language_label) />
        </header>
        <main id="main">
            {if on_renewal_page() {
                view! { <renew::RenewPage /> }.into_any()
            } else {
                view! { <page::ReportPage /> }.into_any()
            }}
        </main>
    }
}

/// Whether the page was opened at `/renew` rather than `/report`.
fn on_renewal_page() -> bool {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .is_some_and(|path| path.starts_with(certportal_shared::routes::RENEW_PAGE))
}

fn main() {
    leptos::mount::mount_to_body(App);
}
