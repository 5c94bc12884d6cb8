//! `cargo xtask <command>`: the project's two-command set-up (`run`, `test`) plus `dist` and
//! `bench`. Plain std and anyhow so that it compiles in seconds on a fresh clone; every step
//! that takes long says so before it starts.

mod args;
mod artifacts;
mod bench;
mod browser_suite;
mod ctx;
mod deny;
mod exec;
mod fuzz;
mod run;
mod test;
mod tools;
mod versions;
mod weight;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::Task;
use crate::ctx::Ctx;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let task = args::parse(args)?;
    if task == Task::Help {
        print!("{}", args::USAGE);
        return Ok(());
    }
    let ctx = Ctx::from_env()?;
    match task {
        Task::Help => Ok(()),
        Task::Run { listen } => run::run(&ctx, &listen),
        Task::Tools => test::tools(&ctx),
        Task::Test => test::test(&ctx),
        Task::Dist => artifacts::dist(&ctx),
        Task::Deb => artifacts::deb_package(&ctx),
        Task::Deny => deny::deny(&ctx),
        Task::Bench { scale } => bench::bench(&ctx, scale),
        Task::Screenshots => browser_suite::screenshots(&ctx),
        Task::Fuzz(options) => fuzz::fuzz(&ctx, &options),
    }
}
