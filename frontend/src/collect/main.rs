//! The collect app: a client-side-rendered Leptos SPA that Trunk builds into `dist/` and the
//! backend serves, with `index.html` as the fallback for every page route outside `/admin`.
//! Customers download only this wasm; the staff app under `/admin` is another (`src/admin/`).

mod api;
mod app;
mod components;
mod i18n;
mod pages;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
