//! certportal's browser apps, built by Trunk into two wasm binaries so that customers never
//! download the staff app:
//!
//! - `certportal-frontend` (`src/main.rs`): the collect pages customers use, served from
//!   `dist/`. The app itself ([`app`] and its pages) lives in this library: split off into the
//!   binary crate it lost some of rustc's inlining and grew by about 2 KB of wasm, which counts
//!   against the customers' weight budget.
//! - `certportal-admin` (`src/admin/`): the staff app, served from `dist/admin/` under `/admin`.
//!
//! Both use the shared pieces here: the HTTP client, the languages, components, the browser
//! around them, time and background jobs. Whatever a binary does not call stays out of its wasm.

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod i18n;
pub mod job;
mod pages;
pub mod time;
pub mod url;
