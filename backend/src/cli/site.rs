//! `certportal site add|list|disable`: the help centres that embed the collect pages.

use super::{CliError, CliResult, describe, open_portal};
use crate::flow::Actor;
use certportal_shared::api::admin::SiteDraft;
use certportal_shared::model::ThemeDraft;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum SiteCommand {
    /// Register a site: it may frame the collect pages at once, without a restart, and its
    /// organisations' link e-mails point at its page. Prints the snippet for its page.
    Add(AddArgs),
    /// List the sites: name, origin, page, organisations, and whether each is disabled.
    List,
    /// Disable a site: it can no longer frame the portal.
    Disable(DisableArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The site's name (2 to 40 lower-case letters, digits and -), as the snippet names it.
    name: String,
    /// The help centre's origin, such as https://help.customer.example.
    #[arg(long)]
    origin: String,
    /// The page that embeds the portal, such as https://help.customer.example/certificates;
    /// the link e-mail points there.
    #[arg(long)]
    page: String,
    /// The languages it offers, comma-separated, the first the default: en, nb (all when
    /// left out).
    #[arg(long, value_delimiter = ',')]
    lang: Vec<String>,
    /// An organisation whose orders use the site; repeat for more. Without one, every
    /// organisation may choose it and none uses it by default.
    #[arg(long)]
    org: Vec<String>,
    /// A JSON file with the theme: background, surface, text, text_muted, accent, on_accent,
    /// border, header_background, on_header (#rrggbb), font, radius, spacing.
    #[arg(long)]
    theme: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DisableArgs {
    /// The site's name.
    name: String,
}

pub async fn run(data_dir: &Path, command: SiteCommand) -> CliResult {
    // The theme file is read and parsed before the data dir is opened: bad input writes
    // nothing.
    let draft = match &command {
        SiteCommand::Add(args) => Some(draft(args)?),
        _ => None,
    };
    let portal = open_portal(data_dir).await?;
    let state = portal.state();
    match command {
        SiteCommand::Add(_) => {
            let draft = draft.ok_or_else(|| CliError("no site".into()))?;
            let site = crate::flow::sites::create(state, &draft, &Actor::cli())
                .await
                .map_err(describe)?;
            println!(
                "Registered site {} at {}; link e-mails point at {}.",
                site.name, site.origin, site.page
            );
            println!("Paste this into the page:\n\n{}", site.snippet);
        }
        SiteCommand::List => {
            for site in crate::flow::sites::list(state).await.map_err(describe)? {
                let organisations = if site.organisations.is_empty() {
                    "all".to_owned()
                } else {
                    site.organisations.join(", ")
                };
                println!(
                    "{}\t{}\t{}\torganisations {}\tdisabled {}",
                    site.name,
                    site.origin,
                    site.page,
                    organisations,
                    site.disabled_at.as_deref().unwrap_or("-")
                );
            }
        }
        SiteCommand::Disable(args) => {
            crate::flow::sites::disable(state, &args.name, &Actor::cli())
                .await
                .map_err(describe)?;
            println!(
                "Disabled site {}: it can no longer frame the portal.",
                args.name
            );
        }
    }
    Ok(())
}

fn draft(args: &AddArgs) -> Result<SiteDraft, CliError> {
    let theme = match &args.theme {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError(format!("--theme {}: {e}", path.display())))?;
            serde_json::from_str::<ThemeDraft>(&text)
                .map_err(|e| CliError(format!("--theme {}: {e}", path.display())))?
        }
        None => ThemeDraft::default(),
    };
    Ok(SiteDraft {
        name: args.name.clone(),
        origin: args.origin.clone(),
        page: args.page.clone(),
        languages: args.lang.clone(),
        organisations: args.org.clone(),
        theme,
    })
}
