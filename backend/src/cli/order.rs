//! `certportal order create`.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use crate::flow::orders::{Renewal, create_order};
use certportal_shared::model::OrderDraft;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum OrderCommand {
    /// Issue a certificate and send the contact the link and the code.
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The customer organisation (the certificate's O).
    #[arg(long)]
    org: String,
    /// The service the certificate gives access to (the certificate's OU).
    #[arg(long)]
    service: String,
    /// The short client name, e.g. "e-banking" (the certificate's CN).
    #[arg(long)]
    client: String,
    /// The contact person's name.
    #[arg(long)]
    contact_name: String,
    /// The contact's e-mail address; the link goes there.
    #[arg(long)]
    email: String,
    /// The contact's mobile number in E.164 form (+4791234567); the code and password go there.
    #[arg(long)]
    mobile: String,
    /// rsa2048 (default), rsa3072 or p256.
    #[arg(long)]
    key: Option<String>,
    /// modern (default) or compatible (3DES, for Windows Server 2016, macOS, Java 8).
    #[arg(long)]
    profile: Option<String>,
    /// The language of the messages: en or nb.
    #[arg(long)]
    locale: Option<String>,
    /// Who makes the private key: server (default: the portal, in a PKCS#12 file), browser
    /// (the collect page, which builds the file itself) or csr (the contact, on their server).
    /// With browser or csr the portal signs a request and never sees the key.
    #[arg(long)]
    custody: Option<String>,
    /// The embedding site whose page the link e-mail points at (see `certportal site add`);
    /// by default the organisation's site, if it has one. `--site ''`: the portal's own page.
    #[arg(long)]
    site: Option<String>,
    /// Print one JSON object with order_id, serial (null until a browser or csr order's
    /// request is signed) and custody.
    #[arg(long)]
    json: bool,
}

pub async fn run(data_dir: &Path, command: OrderCommand) -> CliResult {
    let OrderCommand::Create(args) = command;
    let draft = OrderDraft {
        org: args.org,
        service: args.service,
        client: args.client,
        contact_name: args.contact_name,
        email: args.email,
        mobile: args.mobile,
        key: args.key,
        profile: args.profile,
        locale: args.locale,
        custody: args.custody,
        renews: None,
        supersede: None,
        site: args.site,
    };
    // Check every field before touching the data dir: bad input writes nothing.
    let default_locale = crate::config::Config::load(data_dir)
        .map(|c| c.default_locale)
        .unwrap_or_default();
    let spec = draft.parse(default_locale).map_err(|errors| {
        CliError(
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let portal = open_portal(data_dir).await?;
    let site = draft.site.as_deref();
    let created = create_order(
        portal.state(),
        &spec,
        &Actor::cli(),
        Renewal::default(),
        site,
    )
    .await
    .map_err(describe)?;
    // Deliver now when the provider is reachable; what fails stays queued for the server.
    let delivered = portal.dispatcher().run_once().await.unwrap_or(0);
    if delivered > 0 {
        // Sent bodies were wiped: fold them out of the files before the command ends.
        crate::flow::sweeper::fold(portal.state(), 5).await;
    }
    if args.json {
        let printed = serde_json::json!({
            "order_id": created.order_id,
            "serial": created.serial,
            "custody": spec.custody,
        });
        println!("{printed}");
    } else {
        match &created.serial {
            Some(serial) => println!(
                "Order {} created; certificate serial {serial}.",
                created.order_id
            ),
            None => println!(
                "Order {} created, custody {}: the key is made on the customer's side and never \
                 held by the portal; the certificate is issued when its request is signed.",
                created.order_id, spec.custody
            ),
        }
        if delivered < 2 {
            println!(
                "The link e-mail and code SMS are queued; the running server will deliver them."
            );
        } else {
            println!(
                "The link e-mail and the code SMS went to {} and {}.",
                spec.email,
                spec.mobile.masked()
            );
        }
    }
    Ok(())
}
