//! One module per page. These are placeholders until the real collect and admin flows land.

mod admin;
mod collect;
mod not_found;

pub use admin::AdminPage;
pub use collect::CollectPage;
pub use not_found::NotFoundPage;
