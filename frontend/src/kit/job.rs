//! A job the page runs in the background (a call, a check), with a signal that says whether
//! it is running.
//!
//! Used where an `Action` would do, for two reasons: a job ignores a second start while it
//! runs (a double click submits once), and it is a fraction of `Action`'s wasm, which counts
//! against the page's weight budget.

use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

type Run<I> = Rc<dyn Fn(I) -> Pin<Box<dyn Future<Output = ()>>>>;

pub struct Job<I: 'static> {
    run: StoredValue<Run<I>, LocalStorage>,
    pending: RwSignal<bool>,
}

impl<I: 'static> Clone for Job<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Job<I> {}

impl<I: 'static> Job<I> {
    pub fn new<F, Fut>(run: F) -> Self
    where
        F: Fn(I) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let run: Run<I> = Rc::new(move |input| Box::pin(run(input)));
        Self {
            run: StoredValue::new_local(run),
            pending: RwSignal::new(false),
        }
    }

    /// Starts the job, unless it is running already.
    pub fn start(&self, input: I) {
        if self.pending.get_untracked() {
            return;
        }
        let Some(run) = self.run.try_get_value() else {
            return;
        };
        let pending = self.pending;
        pending.set(true);
        leptos::task::spawn_local(async move {
            run(input).await;
            pending.set(false);
        });
    }

    /// Whether the job is running.
    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }
}
