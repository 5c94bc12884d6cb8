//! The kit both browser apps stand on: the HTTP client, the language machinery, components
//! both show, the browser around them, time, query strings and background jobs. Trunk builds
//! the apps into two wasm binaries, so that customers never download the staff app:
//!
//! - `certportal-collect` (`src/collect/`): the collect pages customers use, served from
//!   `dist/`.
//! - `certportal-admin` (`src/admin/`): the staff app, served from `dist/admin/` under `/admin`.
//!
//! Whatever a binary does not call stays out of its wasm.

pub mod browser;
pub mod components;
pub mod http;
pub mod i18n;
pub mod job;
pub mod time;
pub mod url;
