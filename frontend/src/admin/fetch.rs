//! What a page fetches from the portal: a Leptos `LocalResource` whose answer has passed the
//! session check, shown with loading, failure and "try again" handled once.

use super::api::ApiFailure;
use super::i18n::use_texts;
use super::problem;
use super::session::use_session;
use kit::components::Alert;
use leptos::prelude::*;
use std::future::Future;

/// An answer from the portal: `None` until the first one has arrived.
pub type Fetched<T> = LocalResource<Result<T, ApiFailure>>;

/// Starts fetching at once. Every answer goes through the session check, so that a page whose
/// session has ended sends the user to sign in.
pub fn fetch<T, Fut>(call: impl Fn() -> Fut + 'static) -> Fetched<T>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiFailure>> + 'static,
{
    let session = use_session();
    LocalResource::new(move || {
        let answer = call();
        async move { session.check(answer.await) }
    })
}

/// Shows the answer with `render` once it is there: a loading note before the first one, and
/// the problem with a "try again" button if the call failed. While it fetches again (or an
/// action has set a new value), what is on screen stays until the answer comes: the resource
/// keeps its value until then.
///
/// A plain reactive match rather than `<Transition>`: in leptos 0.8.23 a Suspense boundary
/// keeps its children's effects alive for a tick after the page that held them is gone, and a
/// job that navigates and then settles (issuing a renewal opens the new order) re-ran a
/// disposed form's effects and stopped the app.
pub fn show<T, V>(
    fetched: Fetched<T>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let texts = use_texts();
    move || match fetched.get() {
        None => {
            view! { <p class="loading" role="status">{texts.text(|t| t.loading)}</p> }.into_any()
        }
        Some(Ok(value)) => render(value).into_any(),
        Some(Err(failure)) => {
            let message = Signal::derive(move || Some(problem::message(&failure, texts.t())));
            view! {
                <Alert message />
                <button type="button" class="button" on:click=move |_| fetched.refetch()>
                    {texts.text(|t| t.try_again)}
                </button>
            }
            .into_any()
        }
    }
}
