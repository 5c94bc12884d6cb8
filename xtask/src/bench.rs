//! `cargo xtask bench`: the figures the project promises, one step each. Later figures
//! (issuance against openssl, a load run with wrk) are further entries
//! in `STEPS`.

use anyhow::{Result, bail};

use crate::artifacts;
use crate::browser_suite;
use crate::ctx::Ctx;
use crate::exec;
use crate::tools::{self, Browser};
use crate::weight;

/// A bench step: `Ok(true)` when its figure meets its target, `Ok(false)` when not.
type Step = fn(&Ctx) -> Result<bool>;

const STEPS: &[(&str, Step)] = &[
    (
        "Backend benchmarks (cargo bench -p certportal)",
        backend_benches,
    ),
    (
        "Browser apps' weight (gzip -9 of dist/: customers' and staff's; the embed script)",
        spa_weight,
    ),
    (
        "Collect page in headless Chromium: first render; in-browser check vs native",
        browser_suite::figures,
    ),
];

pub fn bench(ctx: &Ctx, scale: bool) -> Result<()> {
    exec::step("Checking what the benches run besides the portal", || {
        tools::ensure_packages(ctx, tools::BENCH_PACKAGES)
    })?;
    if scale {
        let fits = exec::step(
            "The portal with a history: 1,000 against 1,000,000 orders, SQLite and PostgreSQL",
            || {
                exec::run(
                    ctx.cargo()
                        .args(["bench", "-p", "certportal", "--bench", "scale"]),
                )?;
                Ok(true)
            },
        )?;
        if !fits {
            bail!("targets missed at scale");
        }
        return Ok(());
    }
    // Every figure is printed even when an earlier one misses its target.
    let mut missed = Vec::new();
    for (title, step) in STEPS {
        if !exec::step(title, || step(ctx))? {
            missed.push(*title);
        }
    }
    if !missed.is_empty() {
        bail!("targets missed: {}", missed.join("; "));
    }
    Ok(())
}

fn backend_benches(ctx: &Ctx) -> Result<bool> {
    let benches = ctx.root.join("backend/benches");
    if !benches.is_dir() {
        println!(
            "skipped: the backend has no benches yet ({} is missing)",
            ctx.display(&benches)
        );
        return Ok(true);
    }
    // Named: `scale` seeds a million orders and runs only with `--scale`.
    let mut command = ctx.cargo();
    command.args(["bench", "-p", "certportal"]);
    for bench in ["pki", "issuance", "collect_load", "crl_scale"] {
        command.args(["--bench", bench]);
    }
    exec::run(&mut command)?;
    Ok(true)
}

fn spa_weight(ctx: &Ctx) -> Result<bool> {
    // Measure what the current sources build to, not a stale dist/.
    tools::ensure(ctx, Browser::NotNeeded)?;
    artifacts::spa(ctx)?;
    let apps = weight::split(weight::measure(&ctx.dist())?);
    let (text, fits) = weight::report(&apps.collect);
    let report = weight::report_apart(
        &apps.report,
        "The contact's pages after collection (dist/report/, served at /report and /renew)",
    );
    let staff = weight::report_apart(
        &apps.staff,
        "The staff app (dist/admin/, loaded by staff only)",
    );
    let (embed, embed_fits) = weight::report_embed(&ctx.root.join("public/embed.js"))?;
    print!("{text}\n{report}\n{staff}\n{embed}");
    Ok(fits && embed_fits)
}
