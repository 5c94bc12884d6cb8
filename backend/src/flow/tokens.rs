//! API tokens for automation: a ticketing system or CRM drives the admin API with
//! `Authorization: Bearer <token>` instead of a staff session. Each token is named (the audit
//! trail shows `token:<name>`), scoped, shown once and stored only as its hash, may end, and
//! can be revoked; its last use is kept to the minute.

use super::Actor;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::{AppError, Fault};
use crate::secrets::random;
use crate::state::AppState;
use crate::store::TokenRecord;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{CreateTokenRequest, CreatedToken, TokenInfo};
use certportal_shared::error::FieldError;
use certportal_shared::model::{Scope, TokenName};

/// What every token starts with, so that a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "cpt_";

/// A use is recorded at most once a minute: every call would otherwise be a write.
const USE_RESOLUTION_SECONDS: i64 = 60;

/// The longest a token may be made to last, in days.
const MAX_DAYS: u32 = 3650;

/// The record as the admin page and the CLI show it.
pub fn info(record: &TokenRecord) -> TokenInfo {
    let time = |at: Option<i64>| at.map(|at| rfc3339(from_unix(at)));
    TokenInfo {
        name: record.name.clone(),
        scopes: record.scopes.clone(),
        created_at: rfc3339(from_unix(record.created_at)),
        created_by: record.created_by.clone(),
        expires_at: time(record.expires_at),
        last_used_at: time(record.last_used_at),
        revoked_at: time(record.revoked_at),
    }
}

/// Makes a token; the answer holds it this once.
pub async fn create(
    state: &AppState,
    request: &CreateTokenRequest,
    actor: &Actor,
) -> Result<CreatedToken, AppError> {
    let mut fields = Vec::new();
    let name = TokenName::parse(&request.name)
        .map_err(|e| fields.push(e))
        .ok();
    let mut scopes = Vec::new();
    for scope in &request.scopes {
        match Scope::parse(scope) {
            Ok(scope) if !scopes.contains(&scope) => scopes.push(scope),
            Ok(_) => {}
            Err(error) => fields.push(FieldError {
                field: "scopes".into(),
                message: error.message.replace("scope must", "each scope must"),
            }),
        }
    }
    if request.scopes.is_empty() {
        fields.push(FieldError {
            field: "scopes".into(),
            message: "scopes: at least one of orders:read, orders:write, revoke".into(),
        });
    }
    if request
        .expires_days
        .is_some_and(|days| !(1..=MAX_DAYS).contains(&days))
    {
        fields.push(FieldError {
            field: "expires_days".into(),
            message: format!("expires_days must be between 1 and {MAX_DAYS}"),
        });
    }
    let Some(name) = name.filter(|_| fields.is_empty()) else {
        return Err(AppError::invalid(fields));
    };
    let now = unix(state.clock.now());
    let token = format!("{PREFIX}{}", *random::token().map_err(Fault::from)?);
    let record = TokenRecord {
        name: name.to_string(),
        token_hash: random::token_hash(&token),
        scopes,
        created_at: now,
        created_by: actor.name.clone(),
        expires_at: request
            .expires_days
            .map(|days| now + i64::from(days) * 86_400),
        last_used_at: None,
        revoked_at: None,
    };
    let scope_list: Vec<&str> = record.scopes.iter().map(|scope| scope.as_str()).collect();
    let event = actor.event(
        now,
        "token.created",
        None,
        None,
        Some(format!("token {name}, scopes {}", scope_list.join(","))),
    );
    if !state.store.create_token(&record, &event).await? {
        return Err(AppError::invalid(vec![FieldError {
            field: "name".into(),
            message: format!("name: a token named {name} exists already"),
        }]));
    }
    Ok(CreatedToken {
        token,
        info: info(&record),
    })
}

/// Revokes a token by name; it stops working at once.
pub async fn revoke(state: &AppState, name: &str, actor: &Actor) -> Result<TokenInfo, AppError> {
    let now = unix(state.clock.now());
    let event = actor.event(
        now,
        "token.revoked",
        None,
        None,
        Some(format!("token {name}")),
    );
    if !state.store.revoke_token(name, &event).await? {
        return Err(AppError::refuse(
            ErrorCode::NotFound,
            format!("There is no working token named {name}."),
        ));
    }
    state
        .store
        .list_tokens()
        .await?
        .iter()
        .find(|token| token.name == name)
        .map(info)
        .ok_or_else(|| AppError::inconsistent("a revoked token that is gone"))
}

/// The token a bearer value names, if it works: known, not revoked, not ended. Records the
/// use (to the minute).
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<TokenRecord, AppError> {
    let refused = || {
        AppError::refuse(
            ErrorCode::Unauthenticated,
            "The API token is unknown, revoked or past its end.",
        )
    };
    if !bearer.starts_with(PREFIX) {
        return Err(refused());
    }
    let now = unix(state.clock.now());
    let record = state
        .store
        .token_by_hash(&random::token_hash(bearer))
        .await?
        .filter(|record| {
            record.revoked_at.is_none() && record.expires_at.is_none_or(|end| now < end)
        })
        .ok_or_else(refused)?;
    let since = now - USE_RESOLUTION_SECONDS;
    if record.last_used_at.is_none_or(|at| at < since) {
        state.store.token_used(&record.name, now, since).await?;
    }
    Ok(record)
}
