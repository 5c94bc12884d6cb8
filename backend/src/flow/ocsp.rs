//! The OCSP responder: each answer is read from the store when it is asked for, so a
//! withdrawal shows in the very next answer, and is signed by a delegate that this instance's
//! CA certified for the purpose.

use super::Actor;
use crate::clock::unix;
use crate::error::{AppError, Fault};
use crate::pki::{Ca, OcspSigner, PkiError};
use crate::state::AppState;
use certportal_shared::ocsp::{self, Asks, Issuer, ResponseStatus, Status, Times};
use std::sync::{Arc, RwLock};
use time::Duration;

/// This instance's responder: the CA's hashes that requests name, and the current delegate,
/// made when first needed and again when it ages.
pub struct Responder {
    issuer: Issuer,
    signer: RwLock<Option<Arc<OcspSigner>>>,
    roll: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder").finish_non_exhaustive()
    }
}

impl Responder {
    pub fn new(ca: &Ca) -> Result<Self, PkiError> {
        Ok(Self {
            issuer: Issuer::of(ca.cert_der())
                .map_err(|e| PkiError::BadCa(format!("ca.pem for OCSP: {e}")))?,
            signer: RwLock::new(None),
            roll: tokio::sync::Mutex::new(()),
        })
    }

    fn current(&self) -> Option<Arc<OcspSigner>> {
        self.signer.read().ok().and_then(|signer| signer.clone())
    }
}

/// An answer and how long a cache may keep it.
#[derive(Debug)]
pub struct Answer {
    pub der: Vec<u8>,
    /// Set for a signed answer that any client asking the same may be given (no nonce):
    /// its `thisUpdate` and `nextUpdate`.
    pub cacheable: Option<Times>,
}

impl Answer {
    fn unsigned(status: ResponseStatus) -> Self {
        Self {
            der: ocsp::error_response(status),
            cacheable: None,
        }
    }
}

/// Answers a DER `OCSPRequest`. Every outcome is an OCSP response: a request that does not
/// read gets `malformedRequest`; a database that does not answer, `tryLater`.
pub async fn answer(state: &AppState, request_der: &[u8]) -> Answer {
    let responder = &state.ocsp;
    let request = match ocsp::parse_request(request_der, &responder.issuer) {
        Ok(request) => request,
        Err(error) => {
            tracing::info!("OCSP request refused: {error}");
            return Answer::unsigned(ResponseStatus::MalformedRequest);
        }
    };
    if request.for_other_issuers() {
        return Answer::unsigned(ResponseStatus::Unauthorized);
    }
    let mut statuses = Vec::with_capacity(request.queries.len());
    for query in &request.queries {
        match status(state, &query.asks).await {
            Ok(status) => statuses.push(status),
            Err(error) => {
                tracing::error!("OCSP status lookup: {error}");
                return Answer::unsigned(ResponseStatus::TryLater);
            }
        }
    }
    match signed(state, &request, &statuses).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!("OCSP answer: {error}");
            Answer::unsigned(ResponseStatus::InternalError)
        }
    }
}

async fn status(state: &AppState, asks: &Asks) -> Result<Status, AppError> {
    let Asks::Serial(serial) = asks else {
        return Ok(Status::Unknown);
    };
    Ok(match state.store.certificate(serial.as_str()).await? {
        None => Status::Unknown,
        Some(cert) => match (cert.revoked_at, cert.revocation_reason) {
            (Some(at), reason) => Status::Revoked {
                at,
                reason: reason.unwrap_or_default(),
            },
            (None, _) => Status::Good,
        },
    })
}

async fn signed(
    state: &AppState,
    request: &ocsp::Request,
    statuses: &[Status],
) -> Result<Answer, AppError> {
    let signer = signer(state).await?;
    let now = state.clock.now();
    let minutes = i64::from(state.config.ocsp.next_update_minutes);
    // An answer is never valid past its signer: a cached one must still verify.
    let next_update = (now + Duration::minutes(minutes)).min(signer.not_after());
    let times = Times {
        produced_at: unix(now),
        this_update: unix(now),
        next_update: unix(next_update),
    };
    let tbs = ocsp::response_data(request, statuses, signer.key_hash(), times)
        .map_err(|e| Fault::Response(e.to_string()))?;
    let der = tokio::task::spawn_blocking(move || {
        let signature = signer.sign(&tbs)?;
        ocsp::signed_response(&tbs, signer.algorithm(), &signature, signer.cert_der())
            .map_err(|e| PkiError::BadCa(e.to_string()))
    })
    .await
    .map_err(Fault::from)?
    .map_err(Fault::from)?;
    Ok(Answer {
        der,
        cacheable: (!request.has_nonce()).then_some(times),
    })
}

/// The delegate to sign with: the current one while it is young; a new one, certified by the
/// CA and audited, when there is none or it has aged. If a new one cannot be made, an aged
/// one that still works goes on signing.
async fn signer(state: &AppState) -> Result<Arc<OcspSigner>, AppError> {
    let responder = &state.ocsp;
    let now = state.clock.now();
    if let Some(signer) = responder.current().filter(|s| !s.aging(now)) {
        return Ok(signer);
    }
    let _roll = responder.roll.lock().await;
    let old = responder.current();
    if let Some(signer) = old.clone().filter(|s| !s.aging(now)) {
        return Ok(signer);
    }
    let (ca, days) = (state.ca.clone(), state.config.ocsp.responder_days);
    let made =
        tokio::task::spawn_blocking(move || OcspSigner::issue(&ca, ca.key_type(), now, days))
            .await
            .map_err(Fault::from)?;
    let signer = match (made, old) {
        (Ok(signer), _) => Arc::new(signer),
        (Err(error), Some(old)) if now < old.not_after() => {
            tracing::error!("a new OCSP responder certificate could not be made: {error}");
            return Ok(old);
        }
        (Err(error), _) => return Err(Fault::from(error).into()),
    };
    let event = Actor::system().event(
        unix(now),
        "ocsp.responder_certified",
        None,
        Some(signer.serial().as_str()),
        Some(format!(
            "until {}",
            crate::clock::rfc3339(signer.not_after())
        )),
    );
    state.store.record(&event).await?;
    if let Ok(mut current) = responder.signer.write() {
        *current = Some(signer.clone());
    }
    tracing::info!(serial = %signer.serial(), "OCSP responder certified");
    Ok(signer)
}
