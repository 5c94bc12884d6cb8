//! The things every command builds: the two browser apps (by Trunk: the collect app into
//! `dist/`, the staff app into `dist/admin/`) and the `certportal` binary. Also the `dist`
//! command, which is just these in release mode.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::ctx::{Ctx, Profile};
use crate::exec;
use crate::tools::{self, Browser};

/// The staff app's entry page; Trunk.toml's target is the collect app's.
const ADMIN_TARGET: &str = "frontend/admin/index.html";
const REPORT_TARGET: &str = "frontend/report/index.html";

/// `trunk build --release` of the three apps: the collect app into `dist/`, then the report
/// page into `dist/report/` and the staff app into `dist/admin/`, served under `/report` and
/// `/admin`. The collect app first: Trunk empties its output directory, so building it later
/// would delete the others. Returns how long it
/// took.
pub fn spa(ctx: &Ctx) -> Result<std::time::Duration> {
    exec::step(
        "Building the browser apps into dist/, dist/report/ and dist/admin/ (trunk, wasm-release profile)",
        || {
            // `offline` in Trunk.toml does not stop Trunk's update check; this flag does.
            let collect = exec::run(ctx.command("trunk").args([
                "build",
                "--release",
                "--skip-version-check",
            ]))?;
            let report = exec::run(ctx.command("trunk").args([
                "build",
                "--release",
                "--skip-version-check",
                REPORT_TARGET,
                "--dist",
                "dist/report",
                "--public-url",
                "/report/",
            ]))?;
            let admin = exec::run(ctx.command("trunk").args([
                "build",
                "--release",
                "--skip-version-check",
                ADMIN_TARGET,
                "--dist",
                "dist/admin",
                "--public-url",
                "/admin/",
            ]))?;
            Ok(collect + report + admin)
        },
    )
}

/// `cargo build [--release] -p certportal`; returns the binary's path.
pub fn backend(ctx: &Ctx, profile: Profile) -> Result<PathBuf> {
    let title = match profile {
        Profile::Debug => "Building the certportal binary (debug)",
        Profile::Release => "Building the certportal binary (release)",
    };
    exec::step(title, || {
        let mut cargo = ctx.cargo();
        cargo.args(["build", "-p", "certportal"]);
        if profile == Profile::Release {
            cargo.arg("--release");
        }
        exec::run(&mut cargo)?;
        let bin = ctx.backend_bin(profile);
        if !bin.is_file() {
            bail!(
                "cargo built certportal, but {} does not exist",
                bin.display()
            );
        }
        Ok(bin)
    })
}

/// The Debian package, `target/debian/certportal.deb`, from the release binary and `dist/`
/// built already (cargo-deb `--no-build`); returns its path.
pub fn deb(ctx: &Ctx) -> Result<PathBuf> {
    let deb = ctx.root.join("target/debian/certportal.deb");
    exec::step("Packaging target/debian/certportal.deb (cargo-deb)", || {
        exec::run(
            ctx.cargo()
                .args(["deb", "-p", "certportal", "--no-build", "--output"])
                .arg(&deb),
        )
    })?;
    Ok(deb)
}

/// `cargo xtask deb`: the browser apps, the release binary, and the Debian package.
pub fn deb_package(ctx: &Ctx) -> Result<()> {
    tools::ensure(ctx, Browser::NotNeeded)?;
    tools::ensure_cargo_deb(ctx)?;
    spa(ctx)?;
    backend(ctx, Profile::Release)?;
    let deb = deb(ctx)?;
    println!(
        "\nBuilt {}; install it with: sudo dpkg -i {}",
        deb.display(),
        deb.display()
    );
    Ok(())
}

pub fn dist(ctx: &Ctx) -> Result<()> {
    tools::ensure(ctx, Browser::NotNeeded)?;
    spa(ctx)?;
    let bin = backend(ctx, Profile::Release)?;
    println!("\nBuilt:");
    println!("  binary  {}", bin.display());
    println!(
        "  apps    {} (the staff app in admin/)",
        ctx.dist().display()
    );
    println!(
        "Serve it with: {} --data-dir DIR serve --dist {}",
        bin.display(),
        ctx.dist().display()
    );
    Ok(())
}
