//! `cargo xtask deny`: cargo deny's licence, advisory, duplicate-version and source checks
//! (`deny.toml`). This machine reaches the package registries only, not GitHub, so the
//! advisories come from the copy of rustsec/advisory-db committed in `deny/advisory-db/`: it
//! is made into the git repository cargo deny reads, and cargo deny runs offline. The copy's
//! date is printed, so that its age is never hidden; refresh it from a machine that reaches
//! GitHub (see deny/advisory-db/SNAPSHOT).

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::ctx::Ctx;
use crate::exec;
use crate::tools;

/// Where cargo deny looks for `https://github.com/rustsec/advisory-db` under `db-path`
/// (its name, and a hash of the URL).
const DB_DIR: &str = "target/advisory-db/advisory-db-3157b0e258782691";

pub fn deny(ctx: &Ctx) -> Result<()> {
    tools::ensure_cargo_deny(ctx)?;
    exec::step("The advisory database (the committed copy)", || {
        advisory_db(ctx)
    })?;
    // cargo deny reads the metadata of every platform's crates, offline: a fresh machine has
    // fetched only what its own builds needed (windows-only crates, say, are missing).
    exec::step("Fetching every locked crate, for every platform", || {
        exec::run(ctx.cargo().args(["fetch", "--locked"]))
    })?;
    exec::step(
        "cargo deny: licences, advisories, duplicate versions, sources",
        // Without the inclusion graphs: each duplicate version is a short report, not a tree.
        || {
            exec::run(
                ctx.cargo()
                    .args(["deny", "--offline", "check", "--hide-inclusion-graph"]),
            )
        },
    )?;
    Ok(())
}

/// Makes the git repository of the committed copy, unless it is there for this snapshot.
fn advisory_db(ctx: &Ctx) -> Result<()> {
    let copy = ctx.root.join("deny/advisory-db");
    let snapshot =
        std::fs::read_to_string(copy.join("SNAPSHOT")).context("deny/advisory-db/SNAPSHOT")?;
    let mut fields = snapshot.split_whitespace().skip(1);
    let (commit, date) = match (fields.next(), fields.next()) {
        (Some(commit), Some(date)) => (commit.to_owned(), date.to_owned()),
        _ => bail!("deny/advisory-db/SNAPSHOT is not `rustsec/advisory-db COMMIT DATE`"),
    };
    println!("rustsec/advisory-db at {commit}, as of {date}");
    let db = ctx.root.join(DB_DIR);
    if std::fs::read_to_string(db.join("SNAPSHOT")).ok().as_deref() == Some(snapshot.as_str()) {
        println!("ok  {DB_DIR}");
        return Ok(());
    }
    if db.exists() {
        std::fs::remove_dir_all(&db).with_context(|| format!("removing {}", db.display()))?;
    }
    copy_dir(&copy, &db)?;
    let git = |args: &[&str]| {
        let mut command = ctx.command("git");
        command
            .arg("-C")
            .arg(&db)
            .args(args)
            .env("GIT_AUTHOR_NAME", "xtask")
            .env("GIT_AUTHOR_EMAIL", "xtask@localhost")
            .env("GIT_COMMITTER_NAME", "xtask")
            .env("GIT_COMMITTER_EMAIL", "xtask@localhost")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        exec::run(&mut command).map(|_| ())
    };
    git(&["init", "-q", "-b", "main"])?;
    git(&["add", "-A"])?;
    git(&[
        "commit",
        "-q",
        "-m",
        &format!("rustsec/advisory-db {commit}"),
    ])?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
