use leptos::prelude::*;

/// Where support staff sign in to register orders and withdraw certificates.
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <h1>"Staff sign-in"</h1>
        <p class="muted">"Sign in with your username, password and authenticator code."</p>
    }
}
