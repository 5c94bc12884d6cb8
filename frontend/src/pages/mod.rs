//! One module per page.

mod admin;
mod collect;
mod not_found;

pub use admin::AdminPage;
pub use collect::CollectPage;
pub use not_found::NotFoundPage;
