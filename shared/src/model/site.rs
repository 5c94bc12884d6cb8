//! Embedding sites: a customer's help centre that frames the collect pages, its origin, the
//! page the link e-mail points at, and its theme.
//!
//! The origin and page parsers are written here rather than taken from the `url` crate: they
//! accept far less than a URL parser (an `https` origin, a path of plain characters) and the
//! admin app checks them as staff type, where `url` and its IDNA tables would add weight for
//! the one field.

use super::{Font, Spacing, field_error};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// A site's name: 2 to 40 lower-case letters, digits and `-`, as it appears in the embed
/// snippet and the theme's URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SiteName(String);
string_newtype!(SiteName);

impl SiteName {
    /// Parses a site name; upper case is folded to lower case.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let name = text.trim().to_ascii_lowercase();
        let fits = (2..=40).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if !fits {
            return Err(field_error(
                "name",
                "name must be 2 to 40 letters, digits or -, not starting or ending with -",
            ));
        }
        Ok(Self(name))
    }
}

/// A web origin that may frame the portal: `https://host[:port]`, or `http://` for the
/// browser's loopback hosts only (a help centre in development). Lower case, no path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SiteOrigin(String);
string_newtype!(SiteOrigin);

/// Hosts a browser treats as secure over plain http: `localhost` and 127.0.0.0/8 (not a name
/// that merely starts with `127.`). IPv6 literals are out: a CSP source cannot name one.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl SiteOrigin {
    /// Parses an origin; a trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let invalid = || {
            field_error(
                "origin",
                "origin must be https://host or https://host:port (http:// only for localhost \
                 and 127.0.0.1), without a path",
            )
        };
        let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
        let (scheme, authority) = text.split_once("://").ok_or_else(invalid)?;
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') && !port.contains(']') => {
                // Digits only: `u16::from_str` would also take a sign.
                if !port.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                let port: u16 = port.parse().map_err(|_| invalid())?;
                if port == 0 {
                    return Err(invalid());
                }
                (host, Some(port))
            }
            _ => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            });
        let scheme_ok = scheme == "https" || (scheme == "http" && is_loopback(host));
        if !host_ok || !scheme_ok {
            return Err(invalid());
        }
        // The default port is left out, as the browser's `location.origin` leaves it out.
        let origin = match port {
            Some(443) if scheme == "https" => format!("{scheme}://{host}"),
            Some(80) if scheme == "http" => format!("{scheme}://{host}"),
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(Self(origin))
    }

    /// Whether `url` is on this origin: the origin and then `/` or the end.
    pub fn holds(&self, url: &str) -> bool {
        url.strip_prefix(self.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// The longest page URL a site may have.
const MAX_PAGE: usize = 2000;

/// The page of `origin` that embeds the portal, where the link e-mail points (the token
/// follows in its fragment): on the site's origin, with a path and perhaps a query of plain
/// URL characters, no fragment.
pub fn parse_page(text: &str, origin: &SiteOrigin) -> Result<String, FieldError> {
    let page = text.trim();
    if page.len() > MAX_PAGE {
        return Err(field_error(
            "page",
            format!("page must be at most {MAX_PAGE} characters"),
        ));
    }
    // The characters RFC 3986 allows in a path and query, less the fragment's `#` and those
    // that could break out of an e-mail's text or a quoted attribute.
    let plain = page
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/?&=%+:@!$,;*()".contains(&b));
    let path = page
        .get(..origin.as_str().len())
        .filter(|head| head.eq_ignore_ascii_case(origin.as_str()))
        .map(|_| &page[origin.as_str().len()..]);
    match path {
        Some(path) if plain && path.starts_with('/') => Ok(format!("{}{path}", origin.as_str())),
        _ => Err(field_error(
            "page",
            format!(
                "page must be a URL on {} with a path (such as {}/certificates), without a #fragment",
                origin.as_str(),
                origin.as_str()
            ),
        )),
    }
}

/// A `#rrggbb` colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour([u8; 3]);

impl Colour {
    /// Parses `#rgb` or `#rrggbb`.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let invalid = || field_error(field, format!("{field} must be a colour: #rrggbb or #rgb"));
        let hex = text.trim().strip_prefix('#').ok_or_else(invalid)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).map_err(|_| invalid());
        let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| invalid());
        match hex.len() {
            3 => Ok(Self([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            6 => Ok(Self([pair(0)?, pair(2)?, pair(4)?])),
            _ => Err(invalid()),
        }
    }

    /// WCAG 2's relative luminance.
    fn luminance(self) -> f64 {
        let linear = |channel: u8| {
            let c = f64::from(channel) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// The WCAG 2 contrast ratio of the two colours, from 1 to 21.
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The colour a fifth darker, for hover.
    fn darker(self) -> Self {
        Self(self.0.map(|c| (u16::from(c) * 4 / 5) as u8))
    }

    fn css(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// The lowest contrast the theme's text may have on its background (WCAG AA).
pub const MIN_CONTRAST: f64 = 4.5;

/// The largest corner radius, in CSS pixels.
pub const MAX_RADIUS: u32 = 24;

/// A site's theme as typed: every field may be left out (the portal's own value). What the
/// admin API takes and shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ThemeDraft {
    /// The page's background, `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Boxes on the page (the steps, the summary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surface: Option<String>,
    /// Body text; at least 4.5:1 on the background and on the surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Secondary text; at least 4.5:1 on the background and on the surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_muted: Option<String>,
    /// Links and primary buttons; at least 4.5:1 on the background and on the surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// Text on accent-coloured buttons; at least 4.5:1 on the accent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_accent: Option<String>,
    /// Borders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border: Option<String>,
    /// The page's header bar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_background: Option<String>,
    /// Text in the header bar; at least 4.5:1 on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_header: Option<String>,
    /// `system` (default), `sans`, `serif` or `rounded`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Corner radius in CSS pixels, 0 to 24 (default 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<u32>,
    /// `compact`, `normal` (default) or `roomy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spacing: Option<String>,
}

/// A checked theme: every colour parsed, every pair of text and background readable.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    colours: Vec<(&'static str, Colour)>,
    font: Font,
    radius: u32,
    spacing: Spacing,
    draft: ThemeDraft,
}

/// The portal's own colours (`public/theme.css`), for the contrast of a theme that sets only
/// one side of a pair. The custom property each field sets, too.
const COLOURS: [(&str, &str, &str); 9] = [
    ("background", "--cp-color-bg", "#ffffff"),
    ("surface", "--cp-color-surface", "#f5f6f8"),
    ("text", "--cp-color-text", "#1b1f24"),
    ("text_muted", "--cp-color-text-muted", "#4a5360"),
    ("accent", "--cp-color-accent", "#1f5fbf"),
    ("on_accent", "--cp-color-on-accent", "#ffffff"),
    ("border", "--cp-color-border", "#d0d5dc"),
    ("header_background", "--cp-color-header-bg", "#1b1f24"),
    ("on_header", "--cp-color-on-header", "#ffffff"),
];

/// The pairs that must be readable: (text, background). The steps and the summary sit on the
/// surface, with muted text and links of their own.
const PAIRS: [(&str, &str); 8] = [
    ("text", "background"),
    ("text", "surface"),
    ("text_muted", "background"),
    ("text_muted", "surface"),
    ("accent", "background"),
    ("accent", "surface"),
    ("on_accent", "accent"),
    ("on_header", "header_background"),
];

impl ThemeDraft {
    fn colour(&self, field: &str) -> Option<&String> {
        match field {
            "background" => self.background.as_ref(),
            "surface" => self.surface.as_ref(),
            "text" => self.text.as_ref(),
            "text_muted" => self.text_muted.as_ref(),
            "accent" => self.accent.as_ref(),
            "on_accent" => self.on_accent.as_ref(),
            "border" => self.border.as_ref(),
            "header_background" => self.header_background.as_ref(),
            "on_header" => self.on_header.as_ref(),
            _ => None,
        }
    }

    /// Checks every field, collecting all the errors: each names its field.
    pub fn parse(&self) -> Result<Theme, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut colours = Vec::new();
        for (field, _, _) in COLOURS {
            if let Some(text) = self.colour(field).filter(|text| !text.trim().is_empty()) {
                match Colour::parse(field, text) {
                    Ok(colour) => colours.push((field, colour)),
                    Err(error) => errors.push(error),
                }
            }
        }
        let font = self
            .font
            .as_deref()
            .map_or(Ok(Font::default()), Font::parse)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let spacing = self
            .spacing
            .as_deref()
            .map_or(Ok(Spacing::default()), Spacing::parse)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let radius = self.radius.unwrap_or(6);
        if radius > MAX_RADIUS {
            errors.push(field_error(
                "radius",
                format!("radius must be 0 to {MAX_RADIUS} pixels"),
            ));
        }
        let effective = |field: &str| {
            colours
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, colour)| *colour)
                .or_else(|| {
                    COLOURS
                        .iter()
                        .find(|(name, _, _)| *name == field)
                        .and_then(|(_, _, default)| Colour::parse(field, default).ok())
                })
        };
        let set = |field: &str| colours.iter().any(|(name, _)| *name == field);
        for (text, background) in PAIRS {
            let (Some(fg), Some(bg)) = (effective(text), effective(background)) else {
                continue;
            };
            let ratio = fg.contrast(bg);
            // Only a pair the theme touched can fail; name the side it set (the text's when
            // it set both).
            let field = if set(text) {
                text
            } else if set(background) {
                background
            } else {
                continue;
            };
            if ratio < MIN_CONTRAST && !errors.iter().any(|e: &FieldError| e.field == field) {
                errors.push(field_error(
                    field,
                    format!(
                        "{text} on {background} has a contrast of {ratio:.1}:1; at least \
                         {MIN_CONTRAST}:1 is needed to be readable"
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let draft = ThemeDraft {
            font: self.font.as_ref().map(|_| font.as_str().to_owned()),
            spacing: self.spacing.as_ref().map(|_| spacing.as_str().to_owned()),
            radius: self.radius,
            ..theme_of(&colours)
        };
        Ok(Theme {
            colours,
            font,
            radius,
            spacing,
            draft,
        })
    }
}

/// A draft holding the colours, normalised to `#rrggbb`.
fn theme_of(colours: &[(&'static str, Colour)]) -> ThemeDraft {
    let get = |field: &str| {
        colours
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, colour)| colour.css())
    };
    ThemeDraft {
        background: get("background"),
        surface: get("surface"),
        text: get("text"),
        text_muted: get("text_muted"),
        accent: get("accent"),
        on_accent: get("on_accent"),
        border: get("border"),
        header_background: get("header_background"),
        on_header: get("on_header"),
        ..ThemeDraft::default()
    }
}

impl Theme {
    /// The theme as stored and shown: what was set, normalised.
    pub fn draft(&self) -> &ThemeDraft {
        &self.draft
    }

    /// The custom properties the theme sets, as (name, value): what `/theme/{site}.css`
    /// holds and what the admin page's preview sets.
    pub fn properties(&self) -> Vec<(&'static str, String)> {
        let mut properties = Vec::new();
        for (field, colour) in &self.colours {
            if let Some((_, property, _)) = COLOURS.iter().find(|(name, _, _)| name == field) {
                properties.push((*property, colour.css()));
            }
            if *field == "accent" {
                properties.push(("--cp-color-accent-hover", colour.darker().css()));
            }
        }
        let family = match self.font {
            Font::System => None,
            Font::Sans => {
                Some("\"Helvetica Neue\", Helvetica, Arial, \"Liberation Sans\", sans-serif")
            }
            Font::Serif => {
                Some("Georgia, Cambria, \"Times New Roman\", \"Liberation Serif\", serif")
            }
            Font::Rounded => {
                Some("ui-rounded, \"SF Pro Rounded\", \"Nunito\", system-ui, sans-serif")
            }
        };
        if let Some(family) = family {
            properties.push(("--cp-font-family", family.to_owned()));
        }
        if self.draft.radius.is_some() {
            properties.push(("--cp-radius", format!("{}px", self.radius)));
        }
        let scale = match self.spacing {
            Spacing::Compact => Some(0.75),
            Spacing::Normal => None,
            Spacing::Roomy => Some(1.25),
        };
        if let Some(scale) = scale {
            for (step, rem) in [0.25, 0.5, 1.0, 1.5, 2.5].iter().enumerate() {
                let name = [
                    "--cp-space-1",
                    "--cp-space-2",
                    "--cp-space-3",
                    "--cp-space-4",
                    "--cp-space-5",
                ][step];
                properties.push((name, format!("{}rem", rem * scale)));
            }
        }
        properties
    }

    /// The stylesheet: the properties on `:root`, loaded after `theme.css`.
    pub fn css(&self) -> String {
        let body: String = self
            .properties()
            .iter()
            .map(|(name, value)| format!("  {name}: {value};\n"))
            .collect();
        format!(":root {{\n{body}}}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_https_or_loopback_http_without_a_path() {
        let ok = |text: &str| SiteOrigin::parse(text).map(|o| o.to_string());
        assert_eq!(
            ok("https://Help.Example.com/").unwrap(),
            "https://help.example.com"
        );
        assert_eq!(
            ok("https://help.example.com:443").unwrap(),
            "https://help.example.com"
        );
        assert_eq!(
            ok("https://help.example.com:8443").unwrap(),
            "https://help.example.com:8443"
        );
        assert_eq!(
            ok("http://127.0.0.1:4000").unwrap(),
            "http://127.0.0.1:4000"
        );
        for bad in [
            "http://help.example.com",
            "https://help.example.com/certificates",
            "help.example.com",
            "https://",
            "https://a..b",
            "https://help.example.com:0",
            "https://help.example.com:99999",
            "https://user@help.example.com",
            "javascript://x",
            "https://-bad.example",
            "http://127.evil.example",
            "http://127.0.0.1.nip.io",
            "http://[::1]:8080",
            "https://hélp.example",
            "https://help.example.com:+443",
        ] {
            assert_eq!(SiteOrigin::parse(bad).unwrap_err().field, "origin", "{bad}");
        }
    }

    #[test]
    fn a_page_must_be_on_its_origin_with_a_path_and_no_fragment() {
        let origin = SiteOrigin::parse("https://help.example.com").unwrap();
        assert_eq!(
            parse_page("https://help.example.com/certificates?x=1", &origin).unwrap(),
            "https://help.example.com/certificates?x=1"
        );
        for bad in [
            "https://help.example.com",
            "https://help.example.com.evil.example/x",
            "https://evil.example/certificates",
            "https://help.example.com/x#y",
            "https://help.example.com/x\"onload",
            "https://help.example.com/x <b>",
        ] {
            assert_eq!(parse_page(bad, &origin).unwrap_err().field, "page", "{bad}");
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        let white = Colour::parse("c", "#fff").unwrap();
        let black = Colour::parse("c", "#000000").unwrap();
        assert!((white.contrast(black) - 21.0).abs() < 0.01);
        let grey = Colour::parse("c", "#777777").unwrap();
        assert!((white.contrast(grey) - 4.48).abs() < 0.01);
    }

    #[test]
    fn an_unreadable_theme_is_refused_naming_the_field() {
        let draft = ThemeDraft {
            text: Some("#777777".into()),
            ..ThemeDraft::default()
        };
        let errors = draft.parse().unwrap_err();
        assert_eq!(errors[0].field, "text");
        assert!(errors[0].message.contains("4.5:1"), "{}", errors[0].message);
        let draft = ThemeDraft {
            background: Some("#1b1f24".into()),
            ..ThemeDraft::default()
        };
        assert_eq!(draft.parse().unwrap_err()[0].field, "background");
        // Muted text readable on the background but not on a darker surface.
        let draft = ThemeDraft {
            surface: Some("#8a8f96".into()),
            ..ThemeDraft::default()
        };
        assert_eq!(draft.parse().unwrap_err()[0].field, "surface");
    }

    #[test]
    fn bad_values_are_each_named() {
        let draft = ThemeDraft {
            accent: Some("blue".into()),
            font: Some("comic".into()),
            radius: Some(99),
            spacing: Some("huge".into()),
            ..ThemeDraft::default()
        };
        let fields: Vec<String> = draft
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["accent", "font", "spacing", "radius"]);
    }

    #[test]
    fn a_theme_sets_only_what_it_names() {
        let draft = ThemeDraft {
            background: Some("#FFF".into()),
            text: Some("#102030".into()),
            accent: Some("#0b5d1e".into()),
            font: Some("serif".into()),
            radius: Some(0),
            spacing: Some("roomy".into()),
            ..ThemeDraft::default()
        };
        let theme = draft.parse().unwrap();
        assert_eq!(theme.draft().background.as_deref(), Some("#ffffff"));
        let css = theme.css();
        assert!(css.contains("--cp-color-bg: #ffffff;"), "{css}");
        assert!(css.contains("--cp-color-text: #102030;"), "{css}");
        assert!(css.contains("--cp-color-accent-hover: #084a18;"), "{css}");
        assert!(css.contains("--cp-font-family: Georgia"), "{css}");
        assert!(css.contains("--cp-radius: 0px;"), "{css}");
        assert!(css.contains("--cp-space-3: 1.25rem;"), "{css}");
        assert!(!css.contains("--cp-color-surface"), "{css}");
        assert_eq!(ThemeDraft::default().parse().unwrap().css(), ":root {\n}\n");
    }
}
