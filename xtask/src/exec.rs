//! Running child processes: echo what runs, time it, and turn a failure into an error that
//! names the command.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Runs `command` with inherited stdio; fails unless it exits with 0.
pub fn run(command: &mut Command) -> Result<Duration> {
    let line = render(command);
    println!("$ {line}");
    let started = Instant::now();
    let status = command
        .status()
        .with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(started.elapsed())
}

/// Runs `command` quietly and returns its stdout, or `None` if it cannot start or fails.
/// For probes such as `trunk --version`, where "missing" and "broken" mean the same: install.
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// A titled step with its duration, so that slow parts are visible in every log.
pub fn step<T>(title: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\n==> {title}");
    let started = Instant::now();
    let value = body().with_context(|| format!("step failed: {title}"))?;
    println!("<== {title}: done in {}", seconds(started.elapsed()));
    Ok(value)
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn render(command: &Command) -> String {
    let envs: Vec<String> = command
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| {
            Some(format!(
                "{}={}",
                key.to_string_lossy(),
                value?.to_string_lossy()
            ))
        })
        .collect();
    let program = command.get_program().to_string_lossy();
    let args: Vec<_> = command
        .get_args()
        .map(|arg| arg.to_string_lossy())
        .collect();
    let mut parts = envs;
    parts.push(program.into_owned());
    parts.extend(args.into_iter().map(|arg| arg.into_owned()));
    parts.join(" ")
}
