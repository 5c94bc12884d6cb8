//! `certportal token create|list|revoke`: API tokens for automation.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use certportal_shared::api::admin::CreateTokenRequest;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Make a token; prints it once (only its hash is kept).
    Create(CreateArgs),
    /// List the tokens: name, scopes, end, last use, revocation.
    List,
    /// Revoke a token: it stops working at once.
    Revoke(RevokeArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The token's name (2 to 32 lower-case letters, digits and . _ -); the audit trail shows
    /// `token:<name>`.
    name: String,
    /// What it may do, comma-separated: orders:read, orders:write, revoke.
    #[arg(long, value_delimiter = ',', required = true)]
    scope: Vec<String>,
    /// Days until it ends; without it, it lasts until revoked.
    #[arg(long)]
    expires_days: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The token's name.
    name: String,
}

pub async fn run(data_dir: &Path, command: TokenCommand) -> CliResult {
    let portal = open_portal(data_dir).await?;
    let state = portal.state();
    match command {
        TokenCommand::Create(args) => {
            let request = CreateTokenRequest {
                name: args.name,
                scopes: args.scope,
                expires_days: args.expires_days,
            };
            let created = crate::flow::tokens::create(state, &request, &Actor::cli())
                .await
                .map_err(describe)?;
            println!(
                "Made token {} ({}). It is shown only this once:",
                created.info.name,
                scopes(&created.info.scopes)
            );
            println!("token: {}", created.token);
        }
        TokenCommand::List => {
            let tokens = state
                .store
                .list_tokens()
                .await
                .map_err(|e| CliError(e.to_string()))?;
            for token in tokens.iter().map(crate::flow::tokens::info) {
                let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
                println!(
                    "{}\t{}\tends {}\tused {}\trevoked {}",
                    token.name,
                    scopes(&token.scopes),
                    or_dash(&token.expires_at),
                    or_dash(&token.last_used_at),
                    or_dash(&token.revoked_at)
                );
            }
        }
        TokenCommand::Revoke(args) => {
            crate::flow::tokens::revoke(state, &args.name, &Actor::cli())
                .await
                .map_err(describe)?;
            println!("Revoked token {}: it no longer works.", args.name);
        }
    }
    Ok(())
}

fn scopes(scopes: &[certportal_shared::model::Scope]) -> String {
    scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
