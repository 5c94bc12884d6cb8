//! The test harness: spawns the real portal on a free port with a fresh data dir, a manual
//! clock and recording senders, and drives it over HTTP.
//!
//! A failed expectation here is a failed test, so the harness unwraps freely.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod cli;
pub mod gateway;
pub mod logs;
pub mod nginx;
pub mod postgres;
pub mod process;
pub mod receiver;
pub mod scan;
pub mod senders;
pub mod staff;
pub mod tools;

mod api;
mod app;
mod messages;

pub use api::{refusal, refused};
pub use app::{AppBuilder, TestApp, spawn_app};
pub use certportal::pki::sha256_hex;
pub use messages::{
    code_in, link_token, password_in, report_token, shown, token_after, wrong_code,
};

use certportal::flow::orders::CreatedOrder;
use certportal_shared::model::OrderDraft;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The browser app, when it has been built (`cargo xtask test` builds it and says where).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("TEST_CERTPORTAL_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// A typical order; tests change what they need.
pub fn sample_order() -> OrderDraft {
    OrderDraft {
        org: "Acme AS".into(),
        service: "Payments API".into(),
        client: "e-banking".into(),
        contact_name: "Kari Nordmann".into(),
        email: "kari@example.no".into(),
        mobile: "+4791234567".into(),
        key: None,
        profile: None,
        locale: None,
        custody: None,
        renews: None,
        supersede: None,
        site: None,
    }
}

/// The serial of an order whose certificate the portal issued at once (custody `server`).
pub trait Issued {
    fn serial(&self) -> &str;
}

impl Issued for CreatedOrder {
    fn serial(&self) -> &str {
        self.serial
            .as_deref()
            .expect("a server-custody order has its certificate from the start")
    }
}

/// An order with its link token and first code.
#[derive(Clone, Debug)]
pub struct Collect {
    pub order: CreatedOrder,
    pub token: String,
    pub code: String,
}

/// Polls `check` every 10 ms for up to 10 s of real time.
pub async fn wait_until<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Awaits `check` every 10 ms for up to 10 s of real time, until it gives a value; for
/// checks that ask the portal over HTTP.
pub async fn wait_for<T, F: std::future::Future<Output = Option<T>>>(
    mut check: impl FnMut() -> F,
) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
