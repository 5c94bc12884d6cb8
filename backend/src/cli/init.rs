//! `certportal init`: the data dir, its CA and its keys.

use super::{CliError, CliResult};
use crate::config::{CONFIG_FILE, Config};
use crate::datadir::{DataDir, create_private_dir, write_private_new};
use crate::pki::Ca;
use crate::secrets::{Kek, SealContext};
use certportal_shared::model::KeyType;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The CA's name.
    #[arg(long)]
    ca_name: Option<String>,
    /// The CA key's algorithm: rsa2048, rsa3072 or p256.
    #[arg(long)]
    ca_key: Option<String>,
    /// The address customers will use, written into the configuration.
    #[arg(long)]
    base_url: Option<String>,
    /// Succeed without changing anything when the data dir has its CA already (a service's
    /// every start can run it; only the first initialises).
    #[arg(long)]
    if_missing: bool,
    /// Mark the data dir as a demo, for trying the portal out: `certportal dev seed` fills
    /// only such a data dir with made-up orders.
    #[arg(long)]
    demo: bool,
}

/// What `init` made.
#[derive(Debug)]
pub struct Initialised {
    pub ca_subject: String,
    pub fingerprint: String,
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The configuration `init` writes when there is none: the keys people change first.
fn starter_config(base_url: Option<&str>, ca_name: &str, ca_key: KeyType) -> String {
    format!(
        "# certportal configuration. certportal.example.toml in the source lists every key with its default.\n\
         \n\
         # The address customers and staff use; links and the CRL distribution point are built from it.\n\
         # Left out, it is the address `serve` listens on (fine for trying the portal out).\n\
         {base_url}\n\
         listen = \"127.0.0.1:8080\"\n\
         # sqlite://FILE (relative to this directory) or postgres://user@host/db for several instances.\n\
         database_url = \"sqlite://certportal.db\"\n\
         default_locale = \"en\"\n\
         \n\
         [ca]\n\
         name = {ca_name}\n\
         key = \"{ca_key}\"\n\
         \n\
         # \"outbox\" writes messages to outbox.jsonl and shows them at /dev/inbox (development).\n\
         [sms]\n\
         provider = \"outbox\"\n\
         \n\
         [email]\n\
         provider = \"outbox\"\n",
        base_url = match base_url {
            Some(url) => format!("base_url = {}", toml_string(url)),
            None => "# base_url = \"https://certs.vendor.example\"".to_owned(),
        },
        ca_name = toml_string(ca_name),
    )
}

/// Creates the data dir. Refuses when a CA exists there already.
pub async fn initialise(
    root: &Path,
    ca_name: Option<&str>,
    ca_key: Option<KeyType>,
    base_url: Option<&str>,
) -> Result<Initialised, CliError> {
    let dir = DataDir::new(root);
    for existing in [dir.ca_cert(), dir.ca_key()] {
        if existing.exists() {
            return Err(CliError(format!(
                "a CA already exists in {}; refusing to overwrite it (remove the data dir to start again)",
                root.display()
            )));
        }
    }
    if let Some(url) = base_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        {
            return Err(CliError(
                "base-url: must start with http:// or https://".into(),
            ));
        }
    }
    if let Some(name) = ca_name
        && (name.trim().is_empty()
            || name.chars().count() > 64
            || name.chars().any(char::is_control))
    {
        {
            return Err(CliError(
                "ca-name: must be 1 to 64 characters without control characters".into(),
            ));
        }
    }
    create_private_dir(root)?;
    let config_path = dir.config();
    let defaults = Config::default();
    if !config_path.exists() {
        let ca_name = ca_name.unwrap_or(&defaults.ca.name);
        let text = starter_config(base_url, ca_name, ca_key.unwrap_or(defaults.ca.key));
        write_private_new(&config_path, text.as_bytes())?;
    }
    let config = Config::load(root)?;
    let name = ca_name
        .map(str::to_owned)
        .unwrap_or_else(|| config.ca.name.clone());
    let key_type = ca_key.unwrap_or(config.ca.key);

    let kek = if dir.kek().exists() {
        Kek::from_bytes(&zeroize::Zeroizing::new(std::fs::read(dir.kek())?))?
    } else {
        let bytes = Kek::generate()?;
        write_private_new(&dir.kek(), &bytes)?;
        Kek::from_bytes(&bytes)?
    };
    let now = time::OffsetDateTime::now_utc();
    let ca_subject = format!("CN={name}");
    let ca = tokio::task::spawn_blocking(move || {
        Ca::create(&name, key_type, config.ca.validity_days, now)
    })
    .await??;
    // The sealed key is written first and never overwritten: two racing inits cannot both win.
    write_private_new(
        &dir.ca_key(),
        &kek.seal(SealContext::CaKey, &ca.key_pkcs8())?,
    )?;
    std::fs::write(dir.ca_cert(), ca.cert_pem())?;

    let portal = super::open_portal(root).await?;
    crate::flow::crl::publish(portal.state())
        .await
        .map_err(super::describe)?;
    let fingerprint = crate::pki::sha256_hex(ca.cert_der());
    Ok(Initialised {
        ca_subject,
        fingerprint,
    })
}

pub async fn run(root: &Path, args: InitArgs) -> CliResult {
    let ca_key = args
        .ca_key
        .as_deref()
        .map(KeyType::parse)
        .transpose()
        .map_err(|e| CliError(format!("ca-key: {}", e.message)))?;
    let dir = DataDir::new(root);
    if args.if_missing && dir.ca_cert().exists() && dir.ca_key().exists() {
        println!("{} has its CA already; nothing to do.", root.display());
        return Ok(());
    }
    let done = initialise(
        root,
        args.ca_name.as_deref(),
        ca_key,
        args.base_url.as_deref(),
    )
    .await?;
    if args.demo {
        write_private_new(
            &root.join(crate::seed::DEMO_MARKER),
            crate::seed::DEMO_TEXT.as_bytes(),
        )?;
        println!("Marked {} as a demo data dir.", root.display());
    }
    println!(
        "Initialised {} ({CONFIG_FILE}, CA, key-encryption key, database).",
        root.display()
    );
    println!(
        "CA: {}, SHA-256 fingerprint {}",
        done.ca_subject, done.fingerprint
    );
    println!("Next: certportal --data-dir {} serve", root.display());
    Ok(())
}
