//! What the browser tests need beyond the tools: axe-core from npm, the environment the
//! harness reads, and the two commands built on them: `cargo xtask screenshots` and the bench
//! figures measured in Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::artifacts;
use crate::ctx::Ctx;
use crate::exec;
use crate::tools::{self, Browser, CHROMEDRIVER, CHROMIUM};

/// The npm project that holds axe-core for the accessibility scans.
fn npm_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join("tests/browser")
}

/// Screenshots the README shows, as the browser tests name them in `target/screenshots/`.
const DOC_SCREENSHOTS: &[&str] = &[
    "collect-1-arrival",
    "collect-2-code",
    "collect-4-checked",
    "collect-wrong-code",
    "phone-1-arrival",
    "collect-nb",
    "collect-browser-2-checked",
    "collect-csr-2-certificate",
    "report-1-arrival",
    "report-3-withdrawn",
    "renew-1-file",
    "renew-2-started",
    "admin-1-sign-in",
    "admin-2-orders",
    "admin-3-new-order-error",
    "admin-4-order-detail",
    "admin-5-dashboard",
    "admin-6-staff-enrolment",
    "admin-7-tokens",
    "admin-8-webhooks",
    "admin-9-sites",
    "collect-embedded-site",
];

/// `npm ci` in tests/browser unless axe-core is already there (a few seconds, once).
pub fn ensure_axe(ctx: &Ctx) -> Result<()> {
    let dir = npm_dir(ctx);
    if dir.join("node_modules/axe-core/axe.min.js").is_file() {
        println!("ok  axe-core (tests/browser/node_modules)");
        return Ok(());
    }
    if exec::probe(ctx.command("npm").arg("--version")).is_none() {
        bail!(
            "the accessibility scans need axe-core from npm, and npm is missing; install Node.js \
             (e.g. `apt-get install -y nodejs npm`), then run this again"
        );
    }
    println!("Installing axe-core with npm ci in tests/browser (a few seconds).");
    exec::run(
        ctx.command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    Ok(())
}

/// The variables the test harness reads: where the binary, the SPA and the browser are.
pub fn harness_env(ctx: &Ctx, command: &mut Command) {
    command
        .env("TEST_CERTPORTAL_DIST", ctx.dist())
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("CHROMIUM", CHROMIUM);
}

/// `cargo xtask screenshots`: runs the browser tests of the collect and admin pages (which save
/// a screenshot of each step under target/screenshots/) and copies the README's ones to
/// docs/screenshots/.
pub fn screenshots(ctx: &Ctx) -> Result<()> {
    tools::ensure(ctx, Browser::Needed)?;
    exec::step("Checking axe-core", || ensure_axe(ctx))?;
    artifacts::spa(ctx)?;
    let shots = ctx.target_dir.join("screenshots");
    exec::step(
        "Browser tests of the collect and admin pages (they take the screenshots)",
        || {
            if shots.is_dir() {
                std::fs::remove_dir_all(&shots)
                    .with_context(|| format!("clearing {}", shots.display()))?;
            }
            let mut cargo = ctx.cargo();
            cargo.args([
                "test",
                "-p",
                "certportal-tests",
                "--test",
                "suite",
                "--",
                // Either filter: libtest runs the tests that match any of them.
                "browser_collect",
                "browser_admin",
            ]);
            harness_env(ctx, &mut cargo);
            exec::run(&mut cargo)
        },
    )?;
    let docs = ctx.root.join("docs/screenshots");
    std::fs::create_dir_all(&docs).with_context(|| format!("creating {}", docs.display()))?;
    for name in DOC_SCREENSHOTS {
        let from = shots.join(format!("{name}.png"));
        let to = docs.join(format!("{name}.png"));
        copy(&from, &to)?;
        println!("  {}", ctx.display(&to));
    }
    println!("\nScreenshots refreshed; commit docs/screenshots/ if they changed.");
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))
}

/// The bench step: time to first render of the collect page and the in-browser check against
/// the native inspector, both in headless Chromium. Release mode, so that the native figure is
/// the optimised one the comparison is about. `Ok(false)` when a target is missed.
pub fn figures(ctx: &Ctx) -> Result<bool> {
    tools::ensure(ctx, Browser::Needed)?;
    artifacts::spa(ctx)?;
    println!(
        "Compiling the test suite in release mode (several minutes the first time on 2 cores)."
    );
    let mut cargo = ctx.cargo();
    cargo.args([
        "test",
        "--release",
        "-p",
        "certportal-tests",
        "--test",
        "suite",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
        "browser_bench::",
    ]);
    harness_env(ctx, &mut cargo);
    match exec::run(&mut cargo) {
        Ok(_) => Ok(true),
        Err(error) => {
            // The tests print their figures before they assert the targets.
            println!("xtask: {error:#} (a figure above missed its target, or the run broke)");
            Ok(false)
        }
    }
}
