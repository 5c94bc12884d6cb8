//! `certportal admin add`: the first staff accounts, before anyone can sign in.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use certportal_shared::model::{Role, Username};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Add a staff account; prints its first password and its TOTP enrolment URI.
    Add(AddArgs),
    /// Give a staff account a new first password and a new TOTP enrolment, and enable it: the
    /// way back in when the last admin has lost their authenticator.
    Reset(ResetArgs),
    /// List the staff accounts.
    List,
}

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The user name.
    username: String,
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
    match command {
        AdminCommand::Add(args) => add(data_dir, args).await,
        AdminCommand::Reset(args) => reset(data_dir, args).await,
        AdminCommand::List => list(data_dir).await,
    }
}

fn print_enrolment(enrolment: &certportal_shared::api::admin::Enrolment) {
    if let Some(password) = &enrolment.password {
        println!("password: {password}");
    }
    if let Some(uri) = &enrolment.totp_uri {
        println!("totp: {uri}");
    }
}

async fn add(data_dir: &Path, args: AddArgs) -> CliResult {
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
    print_enrolment(&enrolment);
    Ok(())
}

async fn reset(data_dir: &Path, args: ResetArgs) -> CliResult {
    let username = Username::parse(&args.username)
        .map_err(|e| CliError(format!("username: {}", e.message)))?;
    let portal = open_portal(data_dir).await?;
    let (state, actor) = (portal.state(), Actor::cli());
    if state
        .store
        .staff(username.as_str())
        .await
        .map_err(|e| CliError(e.to_string()))?
        .is_none()
    {
        return Err(CliError(format!(
            "username: there is no staff member {username}"
        )));
    }
    let (password, _) = crate::flow::staff::reset_password(state, username.as_str(), &actor)
        .await
        .map_err(describe)?;
    let (totp, _) = crate::flow::staff::reset_totp(state, username.as_str(), &actor)
        .await
        .map_err(describe)?;
    crate::flow::staff::set_disabled(state, username.as_str(), false, &actor)
        .await
        .map_err(describe)?;
    println!("Reset {username}: the old password and authenticator no longer work.");
    print_enrolment(&password);
    print_enrolment(&totp);
    Ok(())
}

async fn list(data_dir: &Path) -> CliResult {
    let portal = open_portal(data_dir).await?;
    let staff = portal
        .state()
        .store
        .list_staff()
        .await
        .map_err(|e| CliError(e.to_string()))?;
    for member in staff {
        let status = if member.disabled {
            "disabled"
        } else {
            "active"
        };
        println!("{}\t{}\t{status}", member.username, member.role);
    }
    Ok(())
}
