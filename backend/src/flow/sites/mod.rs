//! Embedding sites: a customer's help centre registered by an admin, which may then frame the
//! collect pages, gets the link e-mails of its organisations' orders, and has its own theme.
//! The embed script is in `script`.

use super::Actor;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{OrderRecord, SiteRecord};
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{SiteDraft, SiteInfo};
use certportal_shared::api::embed::EmbedSite;
use certportal_shared::error::FieldError;
use certportal_shared::model::{
    Locale, OrderSpec, Organisation, SiteName, SiteOrigin, keep_ok, parse_page,
};
use certportal_shared::routes;

mod script;

pub use script::{EmbedScript, embed_script};

/// How many organisations one site may name.
const MAX_ORGANISATIONS: usize = 200;

/// The draft, checked field by field, as a record (without its creation fields).
fn check(draft: &SiteDraft) -> Result<SiteRecord, AppError> {
    let mut fields = Vec::new();
    let name = keep_ok(&mut fields, SiteName::parse(&draft.name));
    let origin = keep_ok(&mut fields, SiteOrigin::parse(&draft.origin));
    let page = match &origin {
        Some(origin) => keep_ok(&mut fields, parse_page(&draft.page, origin)),
        None => None,
    };
    let mut languages = Vec::new();
    for tag in &draft.languages {
        if let Some(locale) = keep_ok(
            &mut fields,
            Locale::parse(tag).map_err(|e| FieldError {
                field: "languages".into(),
                message: e.message.replace("locale must", "each language must"),
            }),
        ) && !languages.contains(&locale)
        {
            languages.push(locale);
        }
    }
    let mut organisations: Vec<String> = Vec::new();
    for org in &draft.organisations {
        if let Some(org) = keep_ok(
            &mut fields,
            Organisation::parse(org).map_err(|e| FieldError {
                field: "organisations".into(),
                message: e.message.replace("org ", "each organisation "),
            }),
        ) && !organisations.iter().any(|known| known == org.as_str())
        {
            organisations.push(org.to_string());
        }
    }
    if organisations.len() > MAX_ORGANISATIONS {
        fields.push(FieldError {
            field: "organisations".into(),
            message: format!("at most {MAX_ORGANISATIONS} organisations"),
        });
    }
    let theme = match draft.theme.parse() {
        Ok(theme) => Some(theme.draft().clone()),
        Err(errors) => {
            fields.extend(errors.into_iter().map(|e| FieldError {
                field: format!("theme.{}", e.field),
                message: e.message,
            }));
            None
        }
    };
    match (name, origin, page, theme) {
        (Some(name), Some(origin), Some(page), Some(theme)) if fields.is_empty() => {
            Ok(SiteRecord {
                name: name.to_string(),
                origin: origin.to_string(),
                page,
                languages,
                organisations,
                theme,
                created_at: 0,
                created_by: String::new(),
                disabled_at: None,
            })
        }
        _ => Err(AppError::invalid(fields)),
    }
}

fn base(state: &AppState) -> &str {
    state.config.base_url.trim_end_matches('/')
}

/// The HTML a help centre pastes into its page.
fn snippet(state: &AppState, name: &str, integrity: &str) -> String {
    let base = base(state);
    format!(
        "<div id=\"certportal\"></div>\n\
         <script src=\"{base}{}\" integrity=\"{}\" crossorigin=\"anonymous\"></script>\n\
         <script>\n  CertPortal.mount('#certportal', {{ site: '{name}', onEvent: function (event) {{}} }});\n</script>\n",
        routes::EMBED_SCRIPT,
        integrity,
    )
}

/// The record as the admin page shows it.
pub fn info(state: &AppState, site: &SiteRecord) -> SiteInfo {
    let base = base(state);
    let integrity = embed_script(state).integrity;
    SiteInfo {
        name: site.name.clone(),
        origin: site.origin.clone(),
        page: site.page.clone(),
        languages: languages(site),
        organisations: site.organisations.clone(),
        theme: site.theme.clone(),
        theme_url: format!("{base}{}", routes::site_theme(&site.name)),
        script_url: format!("{base}{}", routes::EMBED_SCRIPT),
        snippet: snippet(state, &site.name, &integrity),
        integrity,
        created_at: rfc3339(from_unix(site.created_at)),
        created_by: site.created_by.clone(),
        disabled_at: site.disabled_at.map(|at| rfc3339(from_unix(at))),
    }
}

/// The languages the site offers: all when it named none.
fn languages(site: &SiteRecord) -> Vec<Locale> {
    if site.languages.is_empty() {
        Locale::ALL.to_vec()
    } else {
        site.languages.clone()
    }
}

fn describe(site: &SiteRecord) -> String {
    let organisations = if site.organisations.is_empty() {
        "all organisations".to_owned()
    } else {
        format!("{} organisation(s)", site.organisations.len())
    };
    format!("site {} at {} for {organisations}", site.name, site.origin)
}

/// Registers a site; it can frame the portal at once.
pub async fn create(
    state: &AppState,
    draft: &SiteDraft,
    actor: &Actor,
) -> Result<SiteInfo, AppError> {
    let now = unix(state.clock.now());
    let site = SiteRecord {
        created_at: now,
        created_by: actor.name.clone(),
        ..check(draft)?
    };
    let event = actor.event(now, "site.created", None, None, Some(describe(&site)));
    if !state.store.create_site(&site, &event).await? {
        return Err(AppError::invalid(vec![FieldError {
            field: "name".into(),
            message: format!("name: there is a site called {} already", site.name),
        }]));
    }
    tracing::info!(site = %site.name, origin = %site.origin, "site created");
    Ok(info(state, &site))
}

/// Replaces a working site's fields (its name stays).
pub async fn update(
    state: &AppState,
    name: &str,
    draft: &SiteDraft,
    actor: &Actor,
) -> Result<SiteInfo, AppError> {
    let old = find(state, name).await?;
    let checked = check(draft)?;
    if checked.name != old.name {
        return Err(AppError::invalid(vec![FieldError {
            field: "name".into(),
            message: "name: a site keeps its name; register a new one instead".into(),
        }]));
    }
    let site = SiteRecord {
        created_at: old.created_at,
        created_by: old.created_by.clone(),
        ..checked
    };
    let now = unix(state.clock.now());
    // Where tokens go is what matters most: the old origin and page stay in the trail.
    let detail = format!(
        "{}; was {} with page {}, now page {}",
        describe(&site),
        old.origin,
        old.page,
        site.page
    );
    let event = actor.event(now, "site.updated", None, None, Some(detail));
    if !state.store.update_site(&site, &event).await? {
        return Err(disabled());
    }
    Ok(info(state, &site))
}

fn disabled() -> AppError {
    AppError::refuse(ErrorCode::InvalidState, "That site is disabled.")
}

/// Disables a site: it can no longer frame the portal, and new orders no longer use it.
pub async fn disable(state: &AppState, name: &str, actor: &Actor) -> Result<SiteInfo, AppError> {
    find(state, name).await?;
    let now = unix(state.clock.now());
    let event = actor.event(
        now,
        "site.disabled",
        None,
        None,
        Some(format!("site {name}")),
    );
    if !state.store.disable_site(name, &event).await? {
        return Err(disabled());
    }
    Ok(info(state, &find(state, name).await?))
}

/// Every site, by name.
pub async fn list(state: &AppState) -> Result<Vec<SiteInfo>, AppError> {
    let sites = state.store.list_sites().await?;
    Ok(sites.iter().map(|site| info(state, site)).collect())
}

/// The site by name, working or not, or a 404.
async fn find(state: &AppState, name: &str) -> Result<SiteRecord, AppError> {
    state.store.site(name).await?.ok_or_else(no_such_site)
}

/// The refusal of a name no (working) site has.
pub fn no_such_site() -> AppError {
    AppError::refuse(ErrorCode::NotFound, "There is no site by that name.")
}

/// A working site by name, if there is one.
pub async fn working(state: &AppState, name: &str) -> Result<Option<SiteRecord>, AppError> {
    let Ok(name) = SiteName::parse(name) else {
        return Ok(None);
    };
    Ok(state
        .store
        .site(name.as_str())
        .await?
        .filter(|site| site.disabled_at.is_none()))
}

/// The order's site, while it works and still serves the order's organisation: where a new
/// link for the order, or its renewal's, points.
pub async fn still_serving(
    state: &AppState,
    order: &OrderRecord,
) -> Result<Option<SiteRecord>, AppError> {
    let Some(name) = &order.site else {
        return Ok(None);
    };
    Ok(working(state, name)
        .await?
        .filter(|site| serves(site, &order.spec.org)))
}

/// What the embed script and the framed page learn of a working site.
pub async fn public(state: &AppState, name: &str) -> Result<EmbedSite, AppError> {
    let site = working(state, name).await?.ok_or_else(no_such_site)?;
    Ok(EmbedSite {
        name: site.name.clone(),
        origin: site.origin.clone(),
        languages: languages(&site),
        theme: routes::site_theme(&site.name),
    })
}

/// A working site's stylesheet.
pub async fn theme_css(state: &AppState, name: &str) -> Result<String, AppError> {
    let site = working(state, name).await?.ok_or_else(no_such_site)?;
    let theme = site.theme.parse().map_err(|_| {
        AppError::inconsistent(format!(
            "the stored theme of site {} does not parse",
            site.name
        ))
    })?;
    Ok(theme.css())
}

/// Whether the site may be used for the organisation's orders.
fn serves(site: &SiteRecord, org: &Organisation) -> bool {
    site.organisations.is_empty() || site.organisations.iter().any(|name| name == org.as_str())
}

/// The site an order's link points at: the one asked for (`""`: none, the portal's own page),
/// else the first working site that names the organisation, else none.
pub async fn for_order(
    state: &AppState,
    spec: &OrderSpec,
    asked: Option<&str>,
) -> Result<Option<SiteRecord>, AppError> {
    let refuse = |message: String| {
        AppError::invalid(vec![FieldError {
            field: "site".into(),
            message,
        }])
    };
    match asked.map(str::trim) {
        Some("") => Ok(None),
        Some(name) => {
            let site = working(state, name)
                .await?
                .ok_or_else(|| refuse(format!("site: there is no working site called {name:?}")))?;
            if !serves(&site, &spec.org) {
                return Err(refuse(format!(
                    "site: {} is not used by {}",
                    site.name, spec.org
                )));
            }
            Ok(Some(site))
        }
        None => {
            let sites = state.store.list_sites().await?;
            Ok(sites.into_iter().find(|site| {
                site.disabled_at.is_none()
                    && site
                        .organisations
                        .iter()
                        .any(|name| name == spec.org.as_str())
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_of_a_site_is_named() {
        let draft = SiteDraft {
            name: "Bad Name".into(),
            origin: "http://help.example.com".into(),
            page: "https://help.example.com/x".into(),
            languages: vec!["de".into()],
            organisations: vec!["".into()],
            theme: certportal_shared::model::ThemeDraft {
                text: Some("#999".into()),
                ..Default::default()
            },
        };
        let AppError::Refused(error) = check(&draft).unwrap_err() else {
            panic!("not a refusal");
        };
        let names: Vec<&str> = error.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            ["name", "origin", "languages", "organisations", "theme.text"]
        );
    }
}
