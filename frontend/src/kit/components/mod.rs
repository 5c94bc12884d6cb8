//! Pieces both apps use.

mod alert;
mod lang_switch;

pub use alert::{Alert, Message};
pub use lang_switch::LanguageSwitch;

/// The value of an ARIA true/false attribute (`aria-invalid`, `aria-disabled`).
pub fn aria(on: bool) -> &'static str {
    if on { "true" } else { "false" }
}
