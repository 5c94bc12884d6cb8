//! Data a page fetches from the portal, with loading, failure and "try again" handled once.

use super::i18n::use_texts;
use super::problem;
use super::session::{Session, use_session};
use crate::api::ApiFailure;
use kit::components::Alert;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

type Fetch<T> = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<T, ApiFailure>>>>>;

/// A value from the portal: `None` while it loads.
pub struct Remote<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiFailure>>>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
    session: Session,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Send + Sync + 'static> Remote<T> {
    /// Starts fetching at once.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, ApiFailure>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move || Box::pin(fetch()));
        let remote = Self {
            value: RwSignal::new(None),
            fetch: StoredValue::new_local(fetch),
            session: use_session(),
        };
        remote.reload();
        remote
    }

    /// Fetches again; what is on screen stays until the answer comes.
    pub fn reload(&self) {
        let remote = *self;
        leptos::task::spawn_local(async move {
            let Some(fetch) = remote.fetch.try_get_value() else {
                return;
            };
            let result = remote.session.check(fetch().await);
            remote.value.set(Some(result));
        });
    }

    /// Replaces the value with one an action returned.
    pub fn set(&self, value: T) {
        self.value.set(Some(Ok(value)));
    }

    /// The value, when it has arrived; subscribes the caller.
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.value
            .with(|value| value.as_ref().and_then(|v| v.as_ref().ok().cloned()))
    }
}

/// Shows the value with `render` once it is there; a loading note before, and the problem with
/// a "try again" button if the call failed.
pub fn show<T, V>(
    remote: Remote<T>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let texts = use_texts();
    move || match remote.value.get() {
        None => {
            view! { <p class="loading" role="status">{texts.text(|t| t.loading)}</p> }.into_any()
        }
        Some(Ok(value)) => render(value).into_any(),
        Some(Err(failure)) => {
            let message = Signal::derive(move || Some(problem::message(&failure, texts.t())));
            view! {
                <Alert message />
                <button type="button" class="button" on:click=move |_| remote.reload()>
                    {texts.text(|t| t.try_again)}
                </button>
            }
            .into_any()
        }
    }
}
