//! `cargo xtask test`: every test, the browser ones included, against freshly built artifacts.

use std::process::Command;

use anyhow::{Result, bail};

use crate::artifacts;
use crate::browser_suite;
use crate::ctx::{Ctx, Profile};
use crate::exec;
use crate::tools::{self, Browser, CHROMEDRIVER, CHROMIUM};

/// Installs what the build and the tests need and is missing: the wasm target, the wasm
/// tools, Chromium, the Debian packages the tests run and axe-core.
pub fn tools(ctx: &Ctx) -> Result<()> {
    tools::ensure(ctx, Browser::Needed)?;
    exec::step("Checking what the tests run besides the portal", || {
        tools::ensure_packages(ctx, tools::TEST_PACKAGES)
    })?;
    exec::step("Checking axe-core", || browser_suite::ensure_axe(ctx))
}

pub fn test(ctx: &Ctx) -> Result<()> {
    tools(ctx)?;
    tools::ensure_cargo_deb(ctx)?;
    let schemathesis = exec::step("Checking schemathesis", || tools::ensure_schemathesis(ctx))?;
    let hadolint = exec::step("Checking hadolint", || tools::ensure_hadolint(ctx))?;
    artifacts::spa(ctx)?;
    let bin = artifacts::backend(ctx, Profile::Debug)?;
    // The package test installs the Debian package as an operator would; cargo-deb packages
    // release builds only.
    artifacts::backend(ctx, Profile::Release)?;
    let deb = artifacts::deb(ctx)?;

    // The harness in tests/ reads these instead of guessing paths. Not `CERTPORTAL_*`: that
    // prefix is the server's configuration, where an unknown key is an error.
    let mut workspace = ctx.cargo();
    workspace
        // The wasm app's unit tests (its catalogues, wording, guides) are plain logic and run
        // natively; compiling Leptos for the host costs about a minute and a half, once.
        .args(["test", "--workspace"])
        .env("TEST_CERTPORTAL_BIN", &bin)
        .env("TEST_CERTPORTAL_DIST", ctx.dist())
        .env("TEST_CERTPORTAL_DEB", &deb)
        .env("TEST_SCHEMATHESIS", &schemathesis)
        .env("TEST_HADOLINT", &hadolint)
        .env(
            "TEST_SCHEMATHESIS_DIR",
            ctx.target_dir.join(SCHEMATHESIS_DIR),
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("CHROMIUM", CHROMIUM);

    let mut wasm = ctx.cargo();
    wasm.args([
        "test",
        "-p",
        "certportal-shared",
        "--target",
        "wasm32-unknown-unknown",
        // The page's WebCrypto chain check, held to the pure-Rust one on the same files.
        "--features",
        "webcrypto",
    ]);
    wasm_test_env(ctx, &mut wasm);

    // Both suites run even when the first fails: the second's result is worth having too.
    let suites = [
        ("Workspace tests (unit, black-box, browser)", workspace),
        ("wasm tests of certportal-shared in headless Chromium", wasm),
    ];
    let mut failed = Vec::new();
    for (title, mut command) in suites {
        if let Err(error) = exec::step(title, || exec::run(&mut command)) {
            eprintln!("xtask: {error:#}");
            failed.push(title);
        }
    }
    // The hostile-input run's figures, which the suite's test wrote where it ran.
    let figures = ctx.target_dir.join(SCHEMATHESIS_DIR).join("figures.txt");
    if let Ok(figures) = std::fs::read_to_string(figures) {
        println!(
            "\nschemathesis against the OpenAPI document: {}",
            figures.trim()
        );
    }
    if !failed.is_empty() {
        bail!(
            "{} of 2 test suites failed: {}",
            failed.len(),
            failed.join("; ")
        );
    }
    println!("\nAll tests passed.");
    Ok(())
}

/// Where the suite's schemathesis test writes its reports and its run's figures
/// (`figures.txt`), under the target dir.
const SCHEMATHESIS_DIR: &str = "schemathesis";

/// What wasm-bindgen-test-runner (the wasm32 runner in .cargo/config.toml) needs to use
/// Debian's Chromium through chromedriver.
fn wasm_test_env(ctx: &Ctx, command: &mut Command) {
    command
        .env("CHROMEDRIVER", CHROMEDRIVER)
        // Tests without `wasm_bindgen_test_configure!(run_in_browser)` would otherwise run
        // in Node; the inspector is browser code, so test it where it runs.
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        // Capabilities: Debian's binary, and no calls to hosts this machine cannot reach.
        // The runner adds --headless and --no-sandbox (needed as root) itself.
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            ctx.root.join("xtask/webdriver.json"),
        );
}
