//! The black-box suite, one binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_api;
mod browser_admin;
mod browser_admin_actions;
mod browser_admin_pages;
mod browser_bench;
mod browser_collect;
mod browser_collect_csr;
mod browser_collect_errors;
mod browser_collect_keygen;
mod browser_embed;
mod cli;
mod collect_flow;
mod crash;
mod custody;
mod custody_csr;
mod delivery;
mod guards_codes;
mod guards_http;
mod guards_messages;
mod guards_staff;
mod http_defences;
mod interop;
mod mtls_check;
mod postgres;
