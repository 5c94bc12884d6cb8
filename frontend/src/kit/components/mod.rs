//! Pieces both apps use.

mod alert;
mod lang_switch;

pub use alert::{Alert, Message};
pub use lang_switch::LanguageSwitch;
