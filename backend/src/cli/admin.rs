//! `certportal admin add`: the first staff accounts, before anyone can sign in.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use certportal_shared::model::{Role, Username};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Add a staff account; prints its first password and its TOTP enrolment URI.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The user name (2 to 32 lower-case letters, digits and . _ -).
    username: String,
    /// admin (may manage staff) or support (default).
    #[arg(long)]
    role: Option<String>,
}

pub async fn run(data_dir: &Path, command: AdminCommand) -> CliResult {
    let AdminCommand::Add(args) = command;
    let username = Username::parse(&args.username)
        .map_err(|e| CliError(format!("username: {}", e.message)))?;
    let role = args
        .role
        .as_deref()
        .map_or(Ok(Role::Support), Role::parse)
        .map_err(|e| CliError(format!("role: {}", e.message)))?;
    let portal = open_portal(data_dir).await?;
    let enrolment = crate::flow::staff::add(portal.state(), &username, role, &Actor::cli())
        .await
        .map_err(describe)?;
    println!("Added {username} ({role}). Hand these over in person; they are shown only once.");
    println!("password: {}", enrolment.password.unwrap_or_default());
    println!("totp: {}", enrolment.totp_uri.unwrap_or_default());
    Ok(())
}
