//! The report page: the contact's own withdrawal, from the link in the receipt e-mail. A
//! wasm of its own, built into `dist/report/` and served at `/report`, so that the collect
//! app every customer downloads does not carry a page few of them ever open (it would add
//! about 17 KiB gzip to the collect app's budget). It speaks the collect app's language: its
//! header, strings and words for refusals are compiled in from `src/collect/`.

// The collect app's strings and its words for refusals, of which this page uses a part.
#[allow(dead_code, unused_imports)]
#[path = "../collect/i18n/mod.rs"]
mod i18n;
#[allow(dead_code)]
#[path = "../collect/pages/collect/trouble.rs"]
mod trouble;

mod api;
mod page;
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
            <page::ReportPage />
        </main>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
