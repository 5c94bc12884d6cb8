//! The staff app: support staff sign in (password and TOTP), register orders, follow them to
//! collection, revoke and renew certificates; admins also manage staff and read the audit
//! log. A wasm of its own, served under `/admin` from `dist/admin/`, so that customers never
//! download it.

mod api;
mod app;
mod components;
mod fetch;
mod format;
mod i18n;
mod pages;
mod problem;
mod router;
mod session;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
