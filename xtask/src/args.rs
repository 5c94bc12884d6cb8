//! Hand-parsed command line: four commands and one option do not justify clap's compile time.

use anyhow::{Result, bail};

pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run [--listen ADDR]  install missing tools, build, create ./demo-data, serve (default 127.0.0.1:8080)
  tools                install what the build and the tests need and is missing (test and run do it too)
  test                 every test: workspace tests, browser tests, wasm tests in headless Chromium
  dist                 release binary (target/release/certportal) and the browser apps (dist/)
  deb                  the Debian package (target/debian/certportal.deb): binary, dist/, systemd unit
  deny                 cargo deny: licences, advisories (the committed copy of the database), duplicates, sources
  bench [--scale]      benchmarks and the browser apps' weight (the customers' against its budget);
                       --scale: instead, the admin reads, a withdrawal and the workers at 1,000 and
                       1,000,000 orders, SQLite and PostgreSQL (seeds its data dirs once, kept in target/)
  screenshots          browser tests of the collect and admin pages; copies their screenshots to docs/screenshots
  fuzz [--seconds N] [TARGET...]  the cargo-fuzz targets in fuzz/, N seconds each (default 60); not run by CI
";

/// The default address of `cargo xtask run`, the same as `certportal serve`'s.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, PartialEq, Eq)]
pub enum Task {
    Help,
    Run { listen: String },
    Tools,
    Test,
    Dist,
    Deb,
    Deny,
    Bench { scale: bool },
    Screenshots,
    Fuzz(crate::fuzz::Options),
}

pub fn parse(args: &[String]) -> Result<Task> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Task::Help);
    };
    let task = match command.as_str() {
        "help" | "-h" | "--help" => return Ok(Task::Help),
        "run" => return parse_run(rest),
        "fuzz" => return crate::fuzz::parse_args(rest).map(Task::Fuzz),
        "tools" => Task::Tools,
        "test" => Task::Test,
        "dist" => Task::Dist,
        "deb" => Task::Deb,
        "deny" => Task::Deny,
        "bench" => return parse_bench(rest),
        "screenshots" => Task::Screenshots,
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    };
    if let Some(extra) = rest.first() {
        bail!("`{command}` takes no arguments, got `{extra}`\n\n{USAGE}");
    }
    Ok(task)
}

fn parse_bench(args: &[String]) -> Result<Task> {
    match args {
        [] => Ok(Task::Bench { scale: false }),
        [flag] if flag == "--scale" => Ok(Task::Bench { scale: true }),
        [flag, extra, ..] if flag == "--scale" => {
            bail!("`bench --scale` takes no further arguments, got `{extra}`\n\n{USAGE}")
        }
        [other, ..] => bail!("`bench` does not know `{other}`\n\n{USAGE}"),
    }
}

fn parse_run(args: &[String]) -> Result<Task> {
    let mut listen = DEFAULT_LISTEN.to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if let Some(value) = arg.strip_prefix("--listen=") {
            value.clone_into(&mut listen);
        } else if arg == "--listen" {
            let Some(value) = args.next() else {
                bail!("`--listen` needs an address, for example `--listen 127.0.0.1:8080`");
            };
            value.clone_into(&mut listen);
        } else {
            bail!("`run` does not know `{arg}`\n\n{USAGE}");
        }
    }
    if listen.is_empty() {
        bail!("`--listen` needs an address, for example `--listen 127.0.0.1:8080`");
    }
    Ok(Task::Run { listen })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn no_command_prints_the_usage() {
        assert_eq!(parse(&[]).unwrap(), Task::Help);
    }

    #[test]
    fn run_listens_on_the_servers_default_address_unless_told() {
        assert_eq!(
            parse(&args(&["run"])).unwrap(),
            Task::Run {
                listen: DEFAULT_LISTEN.to_owned()
            }
        );
    }

    #[test]
    fn run_takes_the_address_as_a_separate_or_joined_value() {
        let want = Task::Run {
            listen: "0.0.0.0:9000".to_owned(),
        };
        assert_eq!(
            parse(&args(&["run", "--listen", "0.0.0.0:9000"])).unwrap(),
            want
        );
        assert_eq!(
            parse(&args(&["run", "--listen=0.0.0.0:9000"])).unwrap(),
            want
        );
    }

    #[test]
    fn a_listen_flag_without_an_address_is_an_error() {
        assert!(parse(&args(&["run", "--listen"])).is_err());
        assert!(parse(&args(&["run", "--listen="])).is_err());
    }

    #[test]
    fn bench_measures_at_scale_only_when_told() {
        assert_eq!(
            parse(&args(&["bench"])).unwrap(),
            Task::Bench { scale: false }
        );
        assert_eq!(
            parse(&args(&["bench", "--scale"])).unwrap(),
            Task::Bench { scale: true }
        );
        assert!(parse(&args(&["bench", "--big"])).is_err());
        assert!(parse(&args(&["bench", "--scale", "--scale"])).is_err());
    }

    #[test]
    fn unknown_commands_and_stray_arguments_are_errors() {
        assert!(parse(&args(&["deploy"])).is_err());
        assert!(parse(&args(&["test", "--release"])).is_err());
        assert!(parse(&args(&["run", "--port", "80"])).is_err());
    }
}
