//! Pieces several pages use.

mod alert;
mod check_item;
mod lang_switch;
mod step;

pub use alert::{Alert, Message};
pub use check_item::CheckItem;
pub use lang_switch::LanguageSwitch;
pub use step::{Step, StepState};
