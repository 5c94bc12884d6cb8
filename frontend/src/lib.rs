//! certportal's browser apps, built by Trunk into two wasm binaries so that customers never
//! download the staff app:
//!
//! - `certportal-collect` (`src/collect/`): the collect pages customers use, served from
//!   `dist/`.
//! - `certportal-admin` (`src/admin/`): the staff app, served from `dist/admin/` under `/admin`.
//!
//! Both use the shared pieces here: the HTTP client, the languages, components, the browser
//! around them, time and background jobs. Whatever a binary does not call stays out of its wasm.

pub mod api;
pub mod browser;
pub mod components;
pub mod i18n;
pub mod job;
pub mod time;
pub mod url;
