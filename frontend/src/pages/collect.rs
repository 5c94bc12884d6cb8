use leptos::prelude::*;

/// Where a customer contact collects the certificate; the link token arrives in the fragment.
#[component]
pub fn CollectPage() -> impl IntoView {
    view! {
        <h1>"Collect your certificate"</h1>
        <p>
            "Open the link from your e-mail on the server where the certificate will be used, "
            "then enter the code we sent you by SMS."
        </p>
    }
}
