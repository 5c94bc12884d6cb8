//! `/api/admin/*`: staff sign-in and everything the admin page does. A staff session is a
//! tower-sessions cookie (HttpOnly, SameSite=Strict, Secure under https, path /api/admin,
//! 30 minutes idle); state-changing calls must come from the portal's own origin.

mod account;
mod orders;
mod sites;
mod staff;
mod tokens;
mod webhooks;

use crate::error::{AppError, Fault};
use crate::flow::Actor;
use crate::http::extract::ClientMeta;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use certportal_shared::ErrorCode;
use certportal_shared::model::{Role, Scope};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use utoipa_axum::router::OpenApiRouter;

/// The staff session cookie's name.
pub(super) const SESSION_COOKIE: &str = "certportal_admin";

/// The session key under which the signed-in staff member is kept.
const STAFF_KEY: &str = "staff";

/// What the session holds about the signed-in staff member.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionStaff {
    username: String,
    /// The account's credentials epoch at sign-in: a new password or authenticator moves the
    /// account's on, which ends this session.
    epoch: i64,
    /// When they signed in (Unix seconds, the portal's clock): the session ends a fixed time
    /// after, however busy.
    signed_in_at: i64,
}

impl SessionStaff {
    /// Puts the signed-in staff member in the session.
    async fn save(&self, session: &Session) -> Result<(), AppError> {
        session
            .insert(STAFF_KEY, self)
            .await
            .map_err(|e| AppError::Internal(Fault::Session(e.to_string())))
    }
}

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let config = &state.config;
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.is_https())
        .with_path("/api/admin")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(
            config.admin.session_idle_minutes,
        ))))
        // Saving only on change would leave the expiry where sign-in put it: "idle" would
        // mean "after sign-in". Every request moves it on.
        .with_always_save(true);
    let origin = AllowedOrigin(origin_of(&config.base_url));
    OpenApiRouter::new()
        .merge(account::router(state))
        .merge(orders::router())
        .merge(staff::router())
        .merge(tokens::router())
        .merge(webhooks::router())
        .merge(sites::router())
        .layer(sessions)
        .layer(middleware::from_fn_with_state(origin, same_origin_only))
        .layer(middleware::from_fn(no_store))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}").to_ascii_lowercase()
}

#[derive(Clone)]
struct AllowedOrigin(String);

/// Refuses state-changing requests that a browser sent from another site: their `Origin` (or
/// `Sec-Fetch-Site`) gives them away. Clients that are not browsers send neither and carry no
/// ambient cookie to abuse.
async fn same_origin_only(
    State(allowed): State<AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = match (origin, fetch_site) {
        (Some(origin), _) => origin != allowed.0,
        (None, Some(site)) => site != "same-origin",
        (None, None) => false,
    };
    if !safe && cross_site {
        return AppError::refuse(
            ErrorCode::CrossSiteRequest,
            "This request came from another site and was refused.",
        )
        .into_response();
    }
    next.run(request).await
}

/// Staff data is never cached.
async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A signed-in staff member, checked against the database on every request so that a
/// disabled account, a changed role or new credentials take effect at once; the first
/// password may still be in use. Only the calls that let them choose their own take this;
/// everything else takes [`Staff`].
pub struct SignedIn {
    pub username: String,
    pub role: Role,
    /// Whether they still use the first password they were given.
    pub must_change_password: bool,
    pub meta: ClientMeta,
    session: Session,
    signed_in: SessionStaff,
}

impl SignedIn {
    /// This staff member as the actor of an audit event.
    pub fn actor(&self) -> Actor {
        self.meta.actor(&format!("staff:{}", self.username))
    }

    /// The credentials epoch this session signed in under.
    pub fn epoch(&self) -> i64 {
        self.signed_in.epoch
    }

    /// Keeps this session after its own credentials changed (which ends the others).
    pub async fn keep_after_change(&self, epoch: i64) -> Result<(), AppError> {
        SessionStaff {
            epoch,
            ..self.signed_in.clone()
        }
        .save(&self.session)
        .await
    }
}

/// A signed-in staff member past their first password: every staff call but those of the
/// account page takes this.
pub struct Staff(pub SignedIn);

impl std::ops::Deref for Staff {
    type Target = SignedIn;

    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

/// A signed-in admin: staff management and the audit log take this, so a support account
/// is refused before the handler runs.
pub struct Admin(pub Staff);

impl std::ops::Deref for Admin {
    type Target = SignedIn;

    fn deref(&self) -> &SignedIn {
        &self.0.0
    }
}

fn unauthenticated() -> AppError {
    AppError::refuse(ErrorCode::Unauthenticated, "Please sign in.")
}

/// Signs a staff member in: a new session id (an id planted before is worth nothing after),
/// holding the account's current credentials epoch and the time.
pub async fn sign_in(
    session: &Session,
    record: &crate::store::StaffRecord,
    now: i64,
) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(Fault::Session(e.to_string())))?;
    SessionStaff {
        username: record.username.clone(),
        epoch: record.credentials_epoch,
        signed_in_at: now,
    }
    .save(session)
    .await
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| unauthenticated())?;
        // A session from before this shape, or damaged, is simply not signed in.
        let signed_in: Option<SessionStaff> = session.get(STAFF_KEY).await.ok().flatten();
        let signed_in = signed_in.ok_or_else(unauthenticated)?;
        let record = state.store.staff(&signed_in.username).await?;
        let lifetime = i64::from(state.config.admin.session_absolute_hours) * 3600;
        let now = crate::clock::unix(state.clock.now());
        let Some(record) = record.filter(|record| {
            !record.disabled
                && record.credentials_epoch == signed_in.epoch
                && now < signed_in.signed_in_at.saturating_add(lifetime)
        }) else {
            let _ = session.flush().await;
            return Err(unauthenticated());
        };
        let Ok(meta) = ClientMeta::from_request_parts(parts, state).await;
        Ok(Self {
            username: record.username,
            role: record.role,
            must_change_password: record.must_change_password,
            meta,
            session,
            signed_in,
        })
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.must_change_password {
            return Err(AppError::refuse(
                ErrorCode::PasswordChangeRequired,
                "Choose your own password first: the one you were given works only for that.",
            ));
        }
        Ok(Self(signed_in))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.role != Role::Admin {
            return Err(AppError::refuse(
                ErrorCode::Forbidden,
                "Only admins may do this.",
            ));
        }
        Ok(Self(staff))
    }
}

/// A scope, as a type: a handler that takes [`Caller<S>`] needs scope `S` from an API token.
pub trait NeedsScope {
    const SCOPE: Scope;
}

/// Reading orders and the dashboard.
pub struct ReadOrders;
/// Creating, renewing, resending and cancelling orders.
pub struct WriteOrders;
/// Withdrawing certificates.
pub struct RevokeCertificates;

impl NeedsScope for ReadOrders {
    const SCOPE: Scope = Scope::OrdersRead;
}
impl NeedsScope for WriteOrders {
    const SCOPE: Scope = Scope::OrdersWrite;
}
impl NeedsScope for RevokeCertificates {
    const SCOPE: Scope = Scope::Revoke;
}

/// Who calls an endpoint that automation may use: an API token with scope `S`
/// (`Authorization: Bearer`, no cookie, so no cross-site request can carry it), or else a staff
/// member past their first password, who may do all of it. The scope is checked here, by
/// type, before the handler runs.
pub struct Caller<S> {
    actor: Actor,
    scope: PhantomData<S>,
}

impl<S> Caller<S> {
    /// The caller as the actor of an audit event: `token:<name>` or `staff:<user>`.
    pub fn actor(&self) -> Actor {
        self.actor.clone()
    }
}

impl<S: NeedsScope + Send + Sync> FromRequestParts<AppState> for Caller<S> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(authorization) = parts.headers.get(header::AUTHORIZATION) else {
            let staff = Staff::from_request_parts(parts, state).await?;
            return Ok(Self {
                actor: staff.actor(),
                scope: PhantomData,
            });
        };
        let bearer = authorization
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                AppError::refuse(
                    ErrorCode::Unauthenticated,
                    "Authorization takes an API token: Bearer cpt_…",
                )
            })?;
        let token = crate::flow::tokens::authenticate(state, bearer).await?;
        if !token.scopes.contains(&S::SCOPE) {
            return Err(AppError::refuse(
                ErrorCode::Forbidden,
                format!(
                    "The token {} may not do this: it lacks the scope {}.",
                    token.name,
                    S::SCOPE
                ),
            ));
        }
        let Ok(meta) = ClientMeta::from_request_parts(parts, state).await;
        Ok(Self {
            actor: meta.actor(&format!("token:{}", token.name)),
            scope: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Portal.example:8443/base/"),
            "https://portal.example:8443"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
