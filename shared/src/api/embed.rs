//! The embedding API: what the embed script and the framed collect page learn of a site.
//! Public (the origin is in the portal's CSP anyway), and nothing else about the site.

use crate::model::Locale;
use serde::{Deserialize, Serialize};

/// Answer of `GET /api/embed/sites/{name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedSite {
    /// The site's name.
    pub name: String,
    /// The only origin that may frame the portal for this site, and the only one the framed
    /// page posts its messages to.
    pub origin: String,
    /// The languages the site offers, the first the default.
    pub languages: Vec<Locale>,
    /// The site's stylesheet, `/theme/{name}.css`, loaded after the portal's own.
    pub theme: String,
}

/// The version of the messages between the embed script and the framed page: every message
/// carries it as `v`, and either side ignores a message of another version.
pub const MESSAGE_VERSION: u32 = 1;
