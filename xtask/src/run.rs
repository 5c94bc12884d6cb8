//! `cargo xtask run`: build everything, create a demo data dir once, then become the server.

use std::process::Command;

use anyhow::{Context, Result};

use crate::artifacts;
use crate::ctx::{Ctx, Profile};
use crate::exec;
use crate::tools::{self, Browser};

/// Relative to the root, which is where the server runs, so the printed commands work as is.
const DATA_DIR: &str = "demo-data";

pub fn run(ctx: &Ctx, listen: &str) -> Result<()> {
    tools::ensure(ctx, Browser::NotNeeded)?;
    artifacts::spa(ctx)?;
    let bin = artifacts::backend(ctx, Profile::Release)?;

    let base = browser_base(listen);
    let config = ctx.root.join(DATA_DIR).join("certportal.toml");
    if let Ok(toml) = std::fs::read_to_string(&config) {
        println!("\nUsing the existing {DATA_DIR}/ (delete it for a fresh CA and database).");
        // The links in e-mails are built from base_url, also by `order create`, which does
        // not run inside this server: a mismatch gives links that lead nowhere.
        if let Some(configured) = base_url(&toml).filter(|url| *url != base) {
            println!(
                "warning: links in e-mails use base_url = \"{configured}\" from {}, but this run \
                 listens on {base}; edit base_url there or delete {DATA_DIR}/",
                ctx.display(&config)
            );
        }
    } else {
        exec::step(&format!("Creating the demo data dir {DATA_DIR}/"), || {
            exec::run(
                ctx.command(&bin)
                    .args(["--data-dir", DATA_DIR, "init", "--base-url", &base]),
            )
        })?;
    }

    let bin_shown = ctx.display(&bin);
    let cwd = std::env::current_dir().ok();
    let cd = if cwd.as_deref() == Some(ctx.root.as_path()) {
        String::new()
    } else {
        format!("cd {} && ", ctx.root.display())
    };
    println!(
        "
certportal is starting on {base}
  collect page  {base}/collect    (customers arrive here from the link in the e-mail)
  admin page    {base}/admin
  dev inbox     {base}/dev/inbox  (the e-mails and SMS the portal would send)

Next, in another terminal, create an order:
  {cd}{bin_shown} --data-dir {DATA_DIR} order create \\
      --org \"Example AS\" --service \"Web services\" --client e-banking \\
      --contact-name \"Kari Nordmann\" --email kari@example.com --mobile +4791234567
then open the dev inbox and follow the link in the e-mail. For the admin page, add yourself:
  {cd}{bin_shown} --data-dir {DATA_DIR} admin add alice --role admin
and sign in with the password it prints and a code from an authenticator app that has its
otpauth:// URI. Ctrl-C stops the server.
"
    );

    let mut serve = ctx.command(&bin);
    serve.args([
        "--data-dir",
        DATA_DIR,
        "serve",
        "--listen",
        listen,
        "--dist",
        "dist",
    ]);
    become_process(serve)
}

/// Replaces xtask with the server, so Ctrl-C and exit codes reach it directly.
#[cfg(unix)]
fn become_process(mut command: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(error).context("could not start the server")
}

#[cfg(not(unix))]
fn become_process(mut command: Command) -> Result<()> {
    exec::run(&mut command).map(|_| ())
}

/// The URL a browser on this machine uses for a listen address: a wildcard address is
/// reachable as loopback, and is not itself a valid URL host.
fn browser_base(listen: &str) -> String {
    let host_port = if let Some(port) = listen.strip_prefix("0.0.0.0:") {
        format!("127.0.0.1:{port}")
    } else if let Some(port) = listen.strip_prefix("[::]:") {
        format!("[::1]:{port}")
    } else {
        listen.to_owned()
    };
    format!("http://{host_port}")
}

/// The top-level `base_url = "..."` of a `certportal.toml`, enough for a warning; anything
/// unusual (no such key, a table before it, another quoting) gives `None`, so no warning.
fn base_url(toml: &str) -> Option<&str> {
    toml.lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            if key.trim() != "base_url" {
                return None;
            }
            let value = value.split('#').next()?.trim();
            value.strip_prefix('"')?.strip_suffix('"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_address_is_shown_as_it_is() {
        assert_eq!(browser_base("127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(browser_base("localhost:3000"), "http://localhost:3000");
    }

    #[test]
    fn a_wildcard_address_is_shown_as_loopback() {
        assert_eq!(browser_base("0.0.0.0:8080"), "http://127.0.0.1:8080");
        assert_eq!(browser_base("[::]:8080"), "http://[::1]:8080");
    }

    #[test]
    fn the_base_url_is_read_from_the_top_level_of_the_config() {
        let toml = "# certportal\nbase_url = \"http://127.0.0.1:8080\" # links\n\n[sms]\nbase_url = \"x\"\n";
        assert_eq!(base_url(toml), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn a_base_url_inside_a_table_is_not_the_portals() {
        assert_eq!(base_url("[sms]\nbase_url = \"http://sms.example\"\n"), None);
    }
}
