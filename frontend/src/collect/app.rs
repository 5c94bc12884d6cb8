//! The router: one page per path; anything else is the not-found page.
//!
//! A plain match on the path rather than leptos_router: the app has no links between its
//! pages (each is entered from outside: a mailed link, a bookmark), so client-side navigation
//! would buy nothing, and the router cost about 20 KB of the gzip budget. The staff app under
//! `/admin` is a separate wasm (`src/admin/`), which the backend serves there.

use crate::embed::Host;
use crate::i18n::{catalogue, use_texts};
use crate::pages::{CollectPage, NotFoundPage};
use certportal_shared::routes;
use kit::components::LanguageSwitch;
use kit::i18n::provide_i18n;
use leptos::prelude::*;

/// The page for a path. The paths are `certportal_shared::routes`, which the backend uses too.
fn page(path: &str) -> AnyView {
    match path.trim_end_matches('/') {
        routes::COLLECT_PAGE => view! { <CollectPage /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    }
}

/// The whole app; `host` is the help centre that frames it, if one does.
#[component]
pub fn App(host: Option<Host>) -> impl IntoView {
    let i18n = provide_i18n(|lang| catalogue(lang).document_title);
    if let Some(host) = host {
        if let Some(lang) = host.lang {
            i18n.set(lang);
        }
        provide_context(host);
    }
    let texts = use_texts();
    let path = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default();
    view! {
        <header class="site-header">
            <p class="brand">{texts.text(|t| t.brand)}</p>
            <LanguageSwitch label=texts.text(|t| t.language_label) />
        </header>
        <main id="main">{page(&path)}</main>
        <footer class="site-footer">
            <a href=routes::RENEW_PAGE data-test="renew-entry">{texts.text(|t| t.renew_entry)}</a>
        </footer>
    }
}
