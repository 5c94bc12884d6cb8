//! `certportal revoke`.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use certportal_shared::model::{RevocationReason, Serial};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The certificate's serial number in hex.
    #[arg(long)]
    serial: String,
    /// keyCompromise, superseded, cessationOfOperation or unspecified (default).
    #[arg(long)]
    reason: Option<String>,
}

pub async fn run(data_dir: &Path, args: RevokeArgs) -> CliResult {
    let serial =
        Serial::parse(&args.serial).map_err(|e| CliError(format!("serial: {}", e.message)))?;
    let reason = args
        .reason
        .as_deref()
        .map_or(Ok(RevocationReason::Unspecified), RevocationReason::parse)
        .map_err(|e| CliError(format!("reason: {}", e.message)))?;
    let portal = open_portal(data_dir).await?;
    crate::flow::revoke::revoke(portal.state(), &serial, reason, &Actor::cli())
        .await
        .map_err(describe)?;
    // No publisher runs beside a command: sign the CRL here, so that it lists the certificate
    // when the command ends.
    crate::flow::crl::current(portal.state())
        .await
        .map_err(|error| {
            CliError(format!(
                "certificate {serial} is revoked (OCSP refuses it), but the CRL could not be \
                 signed: {}; the next GET /crl or sweep signs it",
                describe(error).0
            ))
        })?;
    // The order's file and password were wiped: out of the database files too, before the
    // command ends (a server beside it folds only its own wipes).
    crate::flow::sweeper::fold(portal.state(), 5).await;
    println!("Revoked certificate {serial} ({reason}); a new CRL is published.");
    Ok(())
}
