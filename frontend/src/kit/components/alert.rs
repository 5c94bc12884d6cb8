//! Where problems are shown and announced.

use leptos::prelude::*;

/// A problem for people: what happened, and what to do next.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub what: String,
    pub next: String,
}

/// A live region that is always on the page, so that screen readers announce each message
/// put into it; it takes no room while empty.
#[component]
pub fn Alert(
    #[prop(into)] message: Signal<Option<Message>>,
    /// For `aria-describedby` on the control the message is about.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div id=id class="alert-region" role="alert" aria-atomic="true">
            {move || {
                message
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert">
                                <p class="alert-what">{message.what}</p>
                                <p class="alert-next">{message.next}</p>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
