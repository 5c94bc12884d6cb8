use certportal_shared::routes::ADMIN_PAGE;
use leptos::prelude::*;

/// Shown for any path the router does not know, so a mistyped link still leads somewhere.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address."</p>
        <p class="muted">
            "To collect a certificate, open the link from your e-mail. Staff sign in on the "
            <a href=ADMIN_PAGE>"admin page"</a>
            "."
        </p>
    }
}
