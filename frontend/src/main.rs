//! The certportal browser app: a client-side-rendered Leptos SPA that Trunk builds into
//! `dist/` and the backend serves, with `index.html` as the fallback for every page route.

mod api;
mod app;
mod browser;
mod components;
mod i18n;
mod job;
mod pages;
mod time;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
