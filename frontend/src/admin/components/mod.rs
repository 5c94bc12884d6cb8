//! Pieces the staff app's pages share.

mod badge;
mod confirm;
mod field;

pub use badge::StateBadge;
pub use confirm::Confirm;
pub use field::{CheckBox, CheckBoxes, Choice, ChoiceField, TextField};
