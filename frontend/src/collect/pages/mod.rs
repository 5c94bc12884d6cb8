//! One module per page.

mod collect;
mod not_found;

pub use collect::CollectPage;
pub use not_found::NotFoundPage;
