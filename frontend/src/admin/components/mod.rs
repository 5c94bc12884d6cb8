//! Pieces the staff app's pages share.

mod badge;
mod field;

pub use badge::StateBadge;
pub use field::{Choice, ChoiceField, TextField};
