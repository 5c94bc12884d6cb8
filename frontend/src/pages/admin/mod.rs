//! The admin page (issue 5): staff sign in, register orders, withdraw certificates. Its calls
//! go in `api::admin`, beside `api::collect`.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Where support staff sign in; a placeholder until the admin flow lands.
#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.text(|t| t.admin_title)}</h1>
        <p class="muted">{i18n.text(|t| t.admin_text)}</p>
    }
}
