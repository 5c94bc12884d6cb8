//! The site form's fields judged by the shared parsers, the same the portal runs, so that
//! what the form accepts the portal accepts; and what to fix, in the page's language.

use crate::i18n::AdminCatalogue;
use certportal_shared::api::admin::{SiteDraft, SiteInfo};
use certportal_shared::error::FieldError;
use certportal_shared::model::{
    Colour, Font, Locale, MIN_CONTRAST, Organisation, SiteName, SiteOrigin, Spacing, ThemeDraft,
    parse_page,
};
use kit::i18n::{Lang, fill};

/// The typed fields in the form's order: each one's name in [`SiteDraft`] and in the portal's
/// field errors (`theme.` left off), and its input's id, which is also its `data-test` hook.
pub const TYPED: [(&str, &str); 16] = [
    ("name", "site-name"),
    ("origin", "site-origin"),
    ("page", "site-page"),
    ("organisations", "site-organisations"),
    ("background", "site-theme-background"),
    ("surface", "site-theme-surface"),
    ("text", "site-theme-text"),
    ("text_muted", "site-theme-text-muted"),
    ("accent", "site-theme-accent"),
    ("on_accent", "site-theme-on-accent"),
    ("border", "site-theme-border"),
    ("header_background", "site-theme-header-background"),
    ("on_header", "site-theme-on-header"),
    ("font", "site-theme-font"),
    ("radius", "site-theme-radius"),
    ("spacing", "site-theme-spacing"),
];

/// The theme's colours and the custom property of `public/theme.css` each one overrides: the
/// colour picker starts from the portal's own value while a field is empty.
pub const COLOURS: [(&str, &str); 9] = [
    ("background", "--cp-color-bg"),
    ("surface", "--cp-color-surface"),
    ("text", "--cp-color-text"),
    ("text_muted", "--cp-color-text-muted"),
    ("accent", "--cp-color-accent"),
    ("on_accent", "--cp-color-on-accent"),
    ("border", "--cp-color-border"),
    ("header_background", "--cp-color-header-bg"),
    ("on_header", "--cp-color-on-header"),
];

fn is_colour(field: &str) -> bool {
    COLOURS.iter().any(|(name, _)| *name == field)
}

/// Everything the form holds, as typed: the fields of [`TYPED`] by position, and the
/// languages in the order they were ticked (the first is the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    pub typed: [String; 16],
    pub languages: Vec<Locale>,
}

impl Values {
    /// A blank form with the portal's own font and spacing chosen.
    pub fn blank() -> Self {
        let mut values = Self::default();
        values.set("font", Font::default().as_str());
        values.set("spacing", Spacing::default().as_str());
        values
    }

    /// A site's fields, to change it.
    pub fn from_site(site: &SiteInfo) -> Self {
        let theme = &site.theme;
        let mut values = Self::blank();
        values.set("name", &site.name);
        values.set("origin", &site.origin);
        values.set("page", &site.page);
        values.set("organisations", &site.organisations.join("\n"));
        for (field, _) in COLOURS {
            let colour = match field {
                "background" => &theme.background,
                "surface" => &theme.surface,
                "text" => &theme.text,
                "text_muted" => &theme.text_muted,
                "accent" => &theme.accent,
                "on_accent" => &theme.on_accent,
                "border" => &theme.border,
                "header_background" => &theme.header_background,
                _ => &theme.on_header,
            };
            values.set(field, colour.as_deref().unwrap_or_default());
        }
        if let Some(font) = &theme.font {
            values.set("font", font);
        }
        if let Some(spacing) = &theme.spacing {
            values.set("spacing", spacing);
        }
        values.set(
            "radius",
            &theme.radius.map(|r| r.to_string()).unwrap_or_default(),
        );
        values.languages = site.languages.clone();
        values
    }

    /// A typed field's value; empty for a name not in [`TYPED`].
    pub fn get(&self, field: &str) -> &str {
        TYPED
            .iter()
            .position(|(name, _)| *name == field)
            .map_or("", |i| self.typed[i].as_str())
    }

    fn set(&mut self, field: &str, value: &str) {
        if let Some(i) = TYPED.iter().position(|(name, _)| *name == field) {
            self.typed[i] = value.to_owned();
        }
    }

    /// A field's value as one string, to tell whether it is still the value the portal
    /// refused: the languages as their tags.
    pub fn snapshot(&self, field: &str) -> String {
        match field {
            "languages" => self
                .languages
                .iter()
                .map(|locale| locale.as_str())
                .collect::<Vec<_>>()
                .join(","),
            _ => self.get(field).to_owned(),
        }
    }

    /// The organisations, one a line; blank lines are nothing.
    fn organisations(&self) -> impl Iterator<Item = &str> {
        self.get("organisations")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
    }

    /// The radius as typed: `None` when empty, `Err` when it is not a whole number.
    fn radius(&self) -> Result<Option<u32>, ()> {
        match self.get("radius").trim() {
            "" => Ok(None),
            text => text.parse().map(Some).map_err(drop),
        }
    }

    /// The theme as typed: an empty field, or the portal's own font or spacing, is left out.
    pub fn theme(&self) -> ThemeDraft {
        let set = |field: &str| {
            let value = self.get(field).trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let chosen = |field: &str, default: &str| set(field).filter(|value| value != default);
        ThemeDraft {
            background: set("background"),
            surface: set("surface"),
            text: set("text"),
            text_muted: set("text_muted"),
            accent: set("accent"),
            on_accent: set("on_accent"),
            border: set("border"),
            header_background: set("header_background"),
            on_header: set("on_header"),
            font: chosen("font", Font::default().as_str()),
            radius: self.radius().ok().flatten(),
            spacing: chosen("spacing", Spacing::default().as_str()),
        }
    }

    /// The request.
    pub fn draft(&self) -> SiteDraft {
        SiteDraft {
            name: self.get("name").trim().to_owned(),
            origin: self.get("origin").trim().to_owned(),
            page: self.get("page").trim().to_owned(),
            languages: self
                .languages
                .iter()
                .map(|locale| locale.as_str().to_owned())
                .collect(),
            organisations: self.organisations().map(str::to_owned).collect(),
            theme: self.theme(),
        }
    }
}

/// Every field the parsers refuse, each named as the portal names it.
pub fn check(values: &Values) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(error) = SiteName::parse(values.get("name")) {
        errors.push(error);
    }
    match SiteOrigin::parse(values.get("origin")) {
        Ok(origin) => {
            if let Err(error) = parse_page(values.get("page"), &origin) {
                errors.push(error);
            }
        }
        Err(error) => errors.push(error),
    }
    if let Some(error) = values
        .organisations()
        .find_map(|line| Organisation::parse(line).err())
    {
        errors.push(FieldError {
            field: "organisations".into(),
            message: error.message,
        });
    }
    // The theme cannot hold a radius that is not a number, so the form says so itself.
    if values.radius().is_err() {
        errors.push(FieldError {
            field: "radius".into(),
            message: "radius must be a whole number".into(),
        });
    }
    if let Err(theme) = values.theme().parse() {
        errors.extend(theme);
    }
    errors
}

/// Whether an error shows while staff type, before the field has lost focus: a contrast
/// problem, which a change to another field can cause, rather than a colour half typed.
pub fn live(error: &FieldError, value: &str) -> bool {
    is_colour(&error.field) && Colour::parse(&error.field, value).is_ok()
}

/// A colour's name, as its field's label says it.
pub fn colour_label(field: &str, t: &AdminCatalogue) -> &'static str {
    match field {
        "background" => t.site_colour_background,
        "surface" => t.site_colour_surface,
        "text" => t.site_colour_text,
        "text_muted" => t.site_colour_text_muted,
        "accent" => t.site_colour_accent,
        "on_accent" => t.site_colour_on_accent,
        "border" => t.site_colour_border,
        "header_background" => t.site_colour_header_background,
        _ => t.site_colour_on_header,
    }
}

/// What to fix in a field the form or the portal refused, in the page's language.
pub fn words(error: &FieldError, values: &Values, t: &AdminCatalogue, lang: Lang) -> String {
    let field = error.field.as_str();
    let value = values.get(field).trim();
    if value.is_empty() && matches!(field, "name" | "origin" | "page") {
        return t.field_required.to_owned();
    }
    let words = match field {
        // A name the parser takes that the portal refused is one already in use.
        "name" if SiteName::parse(value).is_ok() => t.site_name_taken,
        "name" => t.site_name_rule,
        "origin" => t.site_origin_rule,
        "page" => {
            let origin = SiteOrigin::parse(values.get("origin")).map_or_else(
                |_| values.get("origin").trim().to_owned(),
                |o| o.to_string(),
            );
            return fill(t.site_page_rule, &[("origin", &origin)]);
        }
        "languages" => t.site_languages_rule,
        "organisations" => t.site_organisations_rule,
        "radius" => t.site_radius_rule,
        "font" | "spacing" => t.field_invalid,
        colour if is_colour(colour) && Colour::parse(colour, value).is_err() => t.site_colour_rule,
        colour if is_colour(colour) => {
            return contrast(&error.message, t, lang).unwrap_or_else(|| error.message.clone());
        }
        _ => return error.message.clone(),
    };
    words.to_owned()
}

/// The shared parser's contrast message (`text on background has a contrast of 2.8:1; …`)
/// in the page's language: its pair and ratio read back out of it. `None` if it reads
/// otherwise, and the parser's own words are shown.
fn contrast(message: &str, t: &AdminCatalogue, lang: Lang) -> Option<String> {
    let (pair, rest) = message.split_once(" has a contrast of ")?;
    let (text, background) = pair.split_once(" on ")?;
    let (ratio, _) = rest.split_once(":1")?;
    if !is_colour(text) || !is_colour(background) {
        return None;
    }
    let decimal = |number: String| match lang {
        Lang::Nb => number.replace('.', ","),
        Lang::En => number,
    };
    Some(fill(
        t.site_contrast_rule,
        &[
            ("text", &colour_label(text, t).to_lowercase()),
            ("background", &colour_label(background, t).to_lowercase()),
            ("ratio", &decimal(ratio.to_owned())),
            ("min", &decimal(MIN_CONTRAST.to_string())),
        ],
    ))
}

/// A colour as `#rrggbb`, the only form `<input type="color">` takes; `None` if it is none.
pub fn hex6(text: &str) -> Option<String> {
    let text = text.trim();
    Colour::parse("colour", text).ok()?;
    let digits = text.trim_start_matches('#').to_ascii_lowercase();
    Some(match digits.len() {
        3 => format!(
            "#{}",
            digits.chars().flat_map(|c| [c, c]).collect::<String>()
        ),
        _ => format!("#{digits}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;

    fn filled() -> Values {
        let mut values = Values::blank();
        values.set("name", "help-centre");
        values.set("origin", "https://help.example.com");
        values.set("page", "https://help.example.com/certificates");
        values.set("organisations", "Acme AS\n\n  Beta AS \n");
        values.languages = vec![Locale::Nb, Locale::En];
        values
    }

    #[test]
    fn what_the_form_accepts_the_draft_says() {
        let values = filled();
        assert_eq!(check(&values), []);
        let draft = values.draft();
        assert_eq!(draft.organisations, ["Acme AS", "Beta AS"]);
        assert_eq!(draft.languages, ["nb", "en"]);
        assert_eq!(
            draft.theme,
            ThemeDraft::default(),
            "the portal's own font and spacing"
        );
    }

    #[test]
    fn an_unreadable_colour_is_named_in_the_pages_language() {
        let mut values = filled();
        values.set("text", "#999999");
        let errors = check(&values);
        assert_eq!(errors.len(), 1);
        assert!(live(&errors[0], values.get("text")));
        let english = words(&errors[0], &values, catalogue(Lang::En), Lang::En);
        assert!(
            english.starts_with("text on background has a contrast of 2.8:1"),
            "{english}"
        );
        let norwegian = words(&errors[0], &values, catalogue(Lang::Nb), Lang::Nb);
        assert!(
            norwegian.contains("2,8:1") && norwegian.contains("4,5:1"),
            "{norwegian}"
        );
    }

    #[test]
    fn a_half_typed_colour_waits_for_the_field_to_lose_focus() {
        let mut values = filled();
        values.set("accent", "#1f5f");
        values.set("radius", "six");
        let errors = check(&values);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["radius", "accent"]);
        assert!(!live(&errors[1], "#1f5f"));
        let t = catalogue(Lang::En);
        assert_eq!(words(&errors[1], &values, t, Lang::En), t.site_colour_rule);
    }

    #[test]
    fn a_site_reads_back_into_the_same_form() {
        let values = filled();
        let draft = values.draft();
        let site = SiteInfo {
            name: draft.name,
            origin: draft.origin,
            page: draft.page,
            languages: values.languages.clone(),
            organisations: draft.organisations,
            theme: ThemeDraft {
                accent: Some("#0b5d1e".into()),
                radius: Some(0),
                ..ThemeDraft::default()
            },
            theme_url: String::new(),
            script_url: String::new(),
            integrity: String::new(),
            snippet: String::new(),
            created_at: String::new(),
            created_by: String::new(),
            disabled_at: None,
        };
        let again = Values::from_site(&site);
        assert_eq!(again.get("accent"), "#0b5d1e");
        assert_eq!(again.get("radius"), "0");
        assert_eq!(again.get("organisations"), "Acme AS\nBeta AS");
        assert_eq!(again.draft().theme, site.theme);
    }

    #[test]
    fn the_picker_gets_six_digits() {
        assert_eq!(hex6("#1Fb").as_deref(), Some("#11ffbb"));
        assert_eq!(hex6(" #0B5D1E ").as_deref(), Some("#0b5d1e"));
        assert_eq!(hex6("blue"), None);
    }
}
