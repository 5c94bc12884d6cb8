//! Request and response bodies of the HTTP API, one module per resource.

pub mod admin;
pub mod check;
pub mod collect;
pub mod embed;
pub mod renew;
pub mod report;
