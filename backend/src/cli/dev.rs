//! `certportal dev seed`: made-up history in a demo data dir.

use super::{CliError, CliResult, open_portal};
use crate::seed::{self, Plan};
use std::path::Path;
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum DevCommand {
    /// Fill a demo data dir (`certportal init --demo`) with years of made-up orders: most
    /// collected, some expired, cancelled or withdrawn, each with a real certificate from the
    /// data dir's CA, its messages and its audit trail.
    Seed(SeedArgs),
}

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// How many orders.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    orders: u64,
    /// How many of their certificates are withdrawn (cancelled orders' among them).
    #[arg(long, default_value_t = 0)]
    revoked: u64,
    /// Over how many years, up to now.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=20))]
    years: u32,
}

pub async fn run(data_dir: &Path, command: DevCommand) -> CliResult {
    let DevCommand::Seed(args) = command;
    if args.revoked > args.orders {
        return Err(CliError(format!(
            "revoked: at most the number of orders ({})",
            args.orders
        )));
    }
    if !seed::is_demo(data_dir) {
        return Err(CliError(format!(
            "{} is not a demo data dir: seed writes made-up orders only into one made with \
             `certportal init --demo`",
            data_dir.display()
        )));
    }
    let portal = open_portal(data_dir).await?;
    let plan = Plan {
        orders: args.orders,
        revoked: args.revoked,
        years: args.years,
    };
    let started = Instant::now();
    let mut shown = 0;
    seed::seed(portal.state(), &plan, |written| {
        if written - shown >= 50_000 || written == plan.orders {
            shown = written;
            eprintln!(
                "{written} of {} orders written ({:.0} s)",
                plan.orders,
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await?;
    println!(
        "Seeded {} orders over {} years, about {} certificates withdrawn, in {:.0} s.",
        plan.orders,
        plan.years,
        plan.revoked,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
