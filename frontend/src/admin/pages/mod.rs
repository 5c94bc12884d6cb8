//! One module per page of the staff app.

mod account;
mod audit;
mod dashboard;
mod order;
mod order_form;
mod orders;
mod sign_in;
mod simple;
mod sites;
mod staff;
mod tokens;
mod webhooks;

pub use account::Account;
pub use audit::AuditLog;
pub use dashboard::Dashboard;
pub use order::OrderPage;
pub use order_form::{NewOrder, Renew};
pub use orders::Orders;
pub use sign_in::SignIn;
pub use simple::{Forbidden, NotFound};
pub use sites::SitesPage;
pub use staff::StaffPage;
pub use tokens::TokensPage;
pub use webhooks::WebhooksPage;
