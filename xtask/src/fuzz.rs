//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs each cargo-fuzz target in `fuzz/` for N
//! seconds (default 60) from its committed seed corpus, then prints executions, executions
//! per second and findings per target and in total. Fails on any finding: a crash or panic,
//! a run over 1 s, or memory past 64 MiB. Not part of CI: it is slow and its outcome depends
//! on luck and on the machine.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use anyhow::{Context, Result, bail};

use crate::ctx::Ctx;
use crate::exec;

/// Every target in fuzz/Cargo.toml, fastest first.
const TARGETS: &[&str] = &["ber", "ocsp", "collect_json", "pfx", "inspect"];
const DEFAULT_SECONDS: u64 = 60;
// cargo-fuzz builds with nightly `-Z` flags; RUSTC_BOOTSTRAP=1 lets the pinned stable
// toolchain take them, since no nightly can be installed here.

/// What `cargo xtask fuzz` was asked to run.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    pub seconds: u64,
    /// Empty for every target.
    pub targets: Vec<String>,
}

pub fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options {
        seconds: DEFAULT_SECONDS,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let seconds = match arg.strip_prefix("--seconds=") {
            Some(value) => Some(value),
            None if arg == "--seconds" => Some(args.next().map_or("", String::as_str)),
            None => None,
        };
        match seconds {
            Some(value) => {
                options.seconds = value
                    .parse()
                    .ok()
                    .filter(|seconds| *seconds > 0)
                    .with_context(|| {
                        format!("`--seconds` needs a whole number above 0, got `{value}`")
                    })?;
            }
            None if TARGETS.contains(&arg.as_str()) => options.targets.push(arg.clone()),
            None => bail!("`fuzz` knows `--seconds N` and the targets {TARGETS:?}, not `{arg}`"),
        }
    }
    Ok(options)
}

pub fn fuzz(ctx: &Ctx, options: &Options) -> Result<()> {
    exec::step("Checking cargo-fuzz", || ensure_cargo_fuzz(ctx))?;
    exec::step(
        "Building the fuzz targets (with coverage instrumentation, in fuzz/target: about 2 \
         minutes the first time)",
        || {
            exec::run(ctx.cargo().env("RUSTC_BOOTSTRAP", "1").args([
                "fuzz",
                "build",
                "--sanitizer",
                "none",
                "--target-dir",
                "fuzz/target",
            ]))
        },
    )?;
    let targets: Vec<&str> = if options.targets.is_empty() {
        TARGETS.to_vec()
    } else {
        options.targets.iter().map(String::as_str).collect()
    };
    let mut runs = Vec::new();
    for target in &targets {
        let title = format!("Fuzzing `{target}` for {} s", options.seconds);
        runs.push(exec::step(&title, || run(ctx, target, options.seconds))?);
    }
    println!(
        "\n{:<14} {:>12} {:>10}  finding",
        "target", "executions", "execs/s"
    );
    for (target, run) in targets.iter().zip(&runs) {
        println!(
            "{target:<14} {:>12} {:>10}  {}",
            run.executions,
            run.per_second,
            run.finding.as_deref().unwrap_or("none")
        );
    }
    let total: u64 = runs.iter().map(|run| run.executions).sum();
    println!("{:<14} {total:>12}", "total");
    let findings: Vec<String> = targets
        .iter()
        .zip(&runs)
        .filter_map(|(target, run)| {
            let finding = run.finding.as_ref()?;
            let artifact = run.artifact.as_deref().unwrap_or("no input saved");
            Some(format!("{target}: {finding} ({artifact})"))
        })
        .collect();
    if !findings.is_empty() {
        bail!("the fuzzers found {}", findings.join("; "));
    }
    Ok(())
}

fn ensure_cargo_fuzz(ctx: &Ctx) -> Result<()> {
    if let Some(version) = exec::probe(ctx.cargo().args(["fuzz", "--version"])) {
        println!("ok  {}", version.trim());
        return Ok(());
    }
    println!(
        "Installing cargo-fuzz (cargo install cargo-fuzz --locked): the `cargo fuzz` command that \
         builds libFuzzer targets. It compiles from source, about 3 minutes on 2 cores, once per \
         machine."
    );
    exec::run(ctx.cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    Ok(())
}

/// How one target's run went, read from libFuzzer's output.
#[derive(Debug, Default, PartialEq, Eq)]
struct Run {
    executions: u64,
    per_second: u64,
    /// What libFuzzer (or the allocator limit in fuzz/src/lib.rs) stopped on.
    finding: Option<String>,
    /// The input that shows it, as libFuzzer saved it.
    artifact: Option<String>,
}

fn run(ctx: &Ctx, target: &str, seconds: u64) -> Result<Run> {
    // libFuzzer adds what it finds to the first corpus directory and only reads the others,
    // so the committed seeds stay as they are and the grown corpus stays out of git.
    let grown = ctx.root.join("fuzz/grown").join(target);
    std::fs::create_dir_all(&grown).with_context(|| format!("creating {}", grown.display()))?;
    let mut command = ctx.cargo();
    command
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "fuzz",
            "run",
            "--sanitizer",
            "none",
            "--target-dir",
            "fuzz/target",
        ])
        .arg(target)
        .arg(&grown)
        .arg(ctx.root.join("fuzz/corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        // A run over a second is a finding: the inspector promises to refuse any file sooner.
        .arg("-timeout=1")
        // The process as a whole, corpus included, well above its baseline of about 50 MB;
        // the 64 MiB limit on the code under test is the allocator's in fuzz/src/lib.rs
        // (-malloc_limit_mb needs AddressSanitizer, which is off, see there).
        .arg("-rss_limit_mb=512")
        .arg("-print_final_stats=1")
        .stderr(Stdio::piped());
    println!(
        "$ cargo fuzz run --sanitizer none {target} ... -- -max_total_time={seconds} -timeout=1"
    );
    let mut child = command
        .spawn()
        .context("could not start `cargo fuzz run`")?;
    let stderr = child
        .stderr
        .take()
        .context("no stderr from `cargo fuzz run`")?;
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.context("reading `cargo fuzz run`'s output")?;
        eprintln!("{line}");
        lines.push(line);
    }
    let status = child.wait().context("waiting for `cargo fuzz run`")?;
    let run = read_run(&lines);
    if !status.success() && run.finding.is_none() {
        bail!("`cargo fuzz run {target}` failed ({status}) without a finding; see above");
    }
    Ok(run)
}

/// Reads libFuzzer's final statistics and the first finding from its output.
fn read_run(lines: &[String]) -> Run {
    let mut run = Run::default();
    let stat = |line: &str, name: &str| {
        line.strip_prefix(name)
            .and_then(|value| value.trim().parse::<u64>().ok())
    };
    for line in lines {
        if let Some(value) = stat(line, "stat::number_of_executed_units:") {
            run.executions = value;
        } else if let Some(value) = stat(line, "stat::average_exec_per_sec:") {
            run.per_second = value;
        } else if run.finding.is_none() {
            run.finding = finding(line);
        }
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            run.artifact = Some(path.trim().to_owned());
        }
    }
    run
}

fn finding(line: &str) -> Option<String> {
    if line.contains("panicked at") {
        return Some(format!("panic: {}", line.trim()));
    }
    if let Some((_, rest)) = line.split_once("memory allocation of ") {
        return Some(format!("memory limit: allocation of {}", rest.trim()));
    }
    let (_, rest) = line.split_once("ERROR: libFuzzer: ")?;
    Some(rest.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn fuzz_runs_every_target_for_a_minute_unless_told() {
        let want = Options {
            seconds: 60,
            targets: Vec::new(),
        };
        assert_eq!(parse_args(&[]).unwrap(), want);
        let want = Options {
            seconds: 300,
            targets: vec!["inspect".to_owned()],
        };
        assert_eq!(
            parse_args(&args(&["--seconds", "300", "inspect"])).unwrap(),
            want
        );
        assert_eq!(
            parse_args(&args(&["inspect", "--seconds=300"])).unwrap(),
            want
        );
    }

    #[test]
    fn fuzz_refuses_unknown_targets_and_bad_durations() {
        for bad in [
            &["nope"][..],
            &["--seconds"],
            &["--seconds", "0"],
            &["--seconds=x"],
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_clean_run_gives_its_figures_and_no_finding() {
        let run = read_run(&lines(
            "#1048576\tpulse  cov: 1 ft: 2 corp: 3/4b exec/s: 5 rss: 6Mb\n\
             Done 596785 runs in 6 second(s)\n\
             stat::number_of_executed_units: 596785\n\
             stat::average_exec_per_sec:     99464\n\
             stat::peak_rss_mb:              51",
        ));
        assert_eq!(
            run,
            Run {
                executions: 596_785,
                per_second: 99_464,
                finding: None,
                artifact: None,
            }
        );
    }

    #[test]
    fn timeouts_panics_and_the_memory_limit_are_findings_with_their_input() {
        let run = read_run(&lines(
            "==1== ERROR: libFuzzer: timeout after 1 seconds\n\
             artifact_prefix='fuzz/artifacts/inspect/'; Test unit written to fuzz/artifacts/inspect/timeout-ab\n\
             stat::number_of_executed_units: 12",
        ));
        assert_eq!(run.finding.as_deref(), Some("timeout after 1 seconds"));
        assert_eq!(
            run.artifact.as_deref(),
            Some("fuzz/artifacts/inspect/timeout-ab")
        );
        assert_eq!(run.executions, 12);
        let panic = read_run(&lines(
            "thread '<unnamed>' panicked at fuzz_targets/ber.rs:9:9:\n\
             ==2== ERROR: libFuzzer: deadly signal",
        ));
        assert!(panic.finding.unwrap().starts_with("panic: thread"));
        let memory = read_run(&lines("memory allocation of 104857600 bytes failed"));
        assert_eq!(
            memory.finding.as_deref(),
            Some("memory limit: allocation of 104857600 bytes failed")
        );
    }
}
