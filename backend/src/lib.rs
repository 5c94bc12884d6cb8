//! certportal: issues client TLS certificates and hands them over to customers safely.

pub mod cli;
pub mod clock;
pub mod config;
pub mod datadir;
pub mod error;
pub mod flow;
pub mod http;
pub mod metrics;
pub mod notify;
pub mod pki;
pub mod secrets;
pub mod seed;
pub mod startup;
pub mod state;
pub mod store;
