//! Pieces the collect app's pages share.

mod check_item;
mod step;

pub use check_item::CheckItem;
pub use step::{Step, StepState};
