//! The two things every command builds: the SPA (`dist/`, by Trunk) and the `certportal`
//! binary. Also the `dist` command, which is just both in release mode.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::ctx::{Ctx, Profile};
use crate::exec;
use crate::tools::{self, Browser};

/// `trunk build --release` into `dist/`; returns how long it took.
pub fn spa(ctx: &Ctx) -> Result<std::time::Duration> {
    exec::step(
        "Building the SPA into dist/ (trunk, wasm-release profile)",
        || {
            // `offline` in Trunk.toml does not stop Trunk's update check; this flag does.
            exec::run(
                ctx.command("trunk")
                    .args(["build", "--release", "--skip-version-check"]),
            )
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

pub fn dist(ctx: &Ctx) -> Result<()> {
    tools::ensure(ctx, Browser::NotNeeded)?;
    spa(ctx)?;
    let bin = backend(ctx, Profile::Release)?;
    println!("\nBuilt:");
    println!("  binary  {}", bin.display());
    println!("  SPA     {}", ctx.dist().display());
    println!(
        "Serve it with: {} --data-dir DIR serve --dist {}",
        bin.display(),
        ctx.dist().display()
    );
    Ok(())
}
