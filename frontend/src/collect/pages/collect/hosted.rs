//! What the embedding host is told of the flow, in one place: each step as it comes, the
//! saved file, the passed check with the certificate's fingerprint, the end, and a problem
//! that ends the flow. Nothing when the page is not framed by a site.

use super::flow::Flow;
use crate::embed::{Event, Host};
use certportal_shared::model::Custody;
use leptos::prelude::*;

/// The step's name for the host: `warnings`, `code`, then `download`, `build` or `request`,
/// then `check` (the file's) or `done` (a request's certificate, which needs no check).
fn step_name(step: u8, custody: Custody) -> &'static str {
    match (step, custody) {
        (1, _) => "warnings",
        (2, _) => "code",
        (3, Custody::Csr) => "request",
        (3, Custody::Browser) => "build",
        (3, _) => "download",
        (_, Custody::Csr) => "done",
        _ => "check",
    }
}

/// Starts telling the host about `flow`, whose current step is `current`.
pub fn report(host: Option<Host>, flow: Flow, current: Signal<u8>) {
    let Some(host) = host else {
        return;
    };
    let custody = flow.custody();
    let told = host.clone();
    Effect::new(move |_| {
        let name = step_name(current.get(), custody);
        told.tell(Event::Step(name));
        if name == "done" {
            told.tell(Event::Done);
        }
    });
    let told = host.clone();
    Effect::new(move |_| {
        if flow.file.with(Option::is_some) {
            told.tell(Event::Downloaded);
        }
    });
    let told = host.clone();
    Effect::new(move |_| {
        if let Some(fingerprint) = flow.checked.get() {
            told.tell(Event::Checked(&fingerprint));
            told.tell(Event::Step("done"));
            told.tell(Event::Done);
        }
    });
    Effect::new(move |_| {
        if let Some(trouble) = flow.fatal.get() {
            host.tell(Event::Error(&trouble.name()));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_named_by_what_the_contact_does() {
        assert_eq!(step_name(3, Custody::Server), "download");
        assert_eq!(step_name(3, Custody::Browser), "build");
        assert_eq!(step_name(4, Custody::Server), "check");
        assert_eq!(step_name(4, Custody::Csr), "done");
    }
}
