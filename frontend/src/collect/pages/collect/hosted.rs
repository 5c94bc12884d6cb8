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

/// What the host has been told so far.
#[derive(Clone, Copy, Default, PartialEq)]
struct Told {
    step: u8,
    downloaded: bool,
    checked: bool,
    failed: bool,
}

/// Starts telling the host about `flow`, whose current step is `current`. One effect for all
/// of it, which sends what is new since its last run: an effect per event cost kilobytes of
/// the collect app's budget.
pub fn report(host: Option<Host>, flow: Flow, current: Signal<u8>) {
    let Some(host) = host else {
        return;
    };
    let custody = flow.custody();
    let told = StoredValue::new(Told::default());
    Effect::new(move |_| {
        let before = told.get_value();
        let now = Told {
            step: current.get(),
            downloaded: flow.file.with(Option::is_some),
            checked: flow.checked.with(Option::is_some),
            failed: flow.fatal.with(Option::is_some),
        };
        if now.step != before.step {
            let name = step_name(now.step, custody);
            host.tell(Event::Step(name));
            if name == "done" {
                host.tell(Event::Done);
            }
        }
        if now.downloaded && !before.downloaded {
            host.tell(Event::Downloaded);
        }
        if now.checked
            && !before.checked
            && let Some(fingerprint) = flow.checked.get_untracked()
        {
            host.tell(Event::Checked(&fingerprint));
            host.tell(Event::Step("done"));
            host.tell(Event::Done);
        }
        if now.failed
            && !before.failed
            && let Some(trouble) = flow.fatal.get_untracked()
        {
            host.tell(Event::Error(&trouble.name()));
        }
        told.set_value(now);
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
