//! A key the customer made: their certificate request, checked and signed. The certificate
//! carries the order's fields only; of the request, only the key is used.

use super::*;
use crate::flow::orders::{certificate_record, status_urls};
use crate::pki::{self, ClientCertRequest};
use certportal_shared::api::collect::CsrResponse;
use certportal_shared::csr::{self, Refusal};

/// Checks the request (policy, proof of possession, the key's history) and issues the
/// certificate for its key; the order is then collected. A refused request can be sent
/// again, corrected, within the session; once one is signed, no other is taken.
pub async fn sign_request(
    state: &AppState,
    session: &str,
    text: String,
    actor: &Actor,
) -> Result<CsrResponse, AppError> {
    let order = order_for_session(state, session).await?;
    let now = state.clock.now();
    check_link(&order, unix(now))?;
    if order.spec.custody.portal_holds_key() || order.serial.is_some() {
        return Err(not_expected());
    }
    // Decoding, the small-factor sieve and an RSA-4096 verification are CPU work.
    let checked = tokio::task::spawn_blocking(move || {
        let checked = csr::check(&text)?;
        pki::verify_request(&checked)?;
        Ok::<_, Refusal>(checked)
    })
    .await?;
    let checked = match checked {
        Ok(checked) => checked,
        Err(refusal) => return refused(state, actor, &order, refusal).await,
    };
    if state.ca.key_sha256() == pki::sha256_hex(&checked.spki_der) {
        let refusal = Refusal {
            code: ErrorCode::CsrBlockedKey,
            message: "This is the portal's own CA key; it cannot be a client's key.",
        };
        return refused(state, actor, &order, refusal).await;
    }
    // The collect page makes the order's kind of key; a request for another did not come
    // from the page.
    if order.spec.custody == Custody::Browser && checked.key.name() != order.spec.key.as_str() {
        let refusal = Refusal {
            code: ErrorCode::CsrUnsupportedAlgorithm,
            message: "This order's key is made by the collect page, of the kind the order names; a request for another kind of key is not taken.",
        };
        return refused(state, actor, &order, refusal).await;
    }
    let certified = {
        let (ca, spec, spki) = (
            state.ca.clone(),
            order.spec.clone(),
            checked.spki_der.clone(),
        );
        let (status, validity_days) = (status_urls(state), state.config.certificate.validity_days);
        tokio::task::spawn_blocking(move || {
            let Ok(public_key) = rcgen::SubjectPublicKeyInfo::from_der(&spki) else {
                return Ok(None);
            };
            let request = ClientCertRequest::for_order(&spec, now, validity_days, status);
            pki::certify(&ca, &request, &public_key).map(Some)
        })
        .await??
    };
    let Some(certified) = certified else {
        let refusal = Refusal {
            code: ErrorCode::CsrUnsupportedAlgorithm,
            message: "The portal cannot write this key into a certificate.",
        };
        return refused(state, actor, &order, refusal).await;
    };
    let record = certificate_record(&order.id, &certified, checked.key.name());
    let serial = record.serial.clone();
    let body = Zeroizing::new(templates::issued_sms(
        order.spec.locale,
        order.spec.client.as_str(),
        &serial,
    ));
    let message = queued_message(
        &state.kek,
        &Recipient::sms(&order.id, &order.spec),
        Purpose::CertificateIssued,
        None,
        &body,
    )?;
    let detail = format!(
        "certificate {serial} issued for {} with the customer's own {} key, never held by the \
         portal; the request asked for {}",
        record.subject,
        checked.key.name(),
        shorten(&checked.requested_subject)
    );
    let audit = actor.event(
        unix(now),
        "csr.signed",
        Some(&order.id),
        Some(&serial),
        Some(detail),
    );
    let (report, receipt) =
        crate::flow::report::receipt(state, &order, &serial, record.not_after, actor, unix(now))?;
    let handover = Handover {
        messages: vec![message, receipt],
        report: Some(report),
    };
    let outcome = state
        .store
        .sign_request(&order.id, &record, &handover, &audit)
        .await?;
    let refusal = match outcome {
        SignOutcome::Signed => None,
        SignOutcome::NotExpected => return Err(not_expected()),
        SignOutcome::KeyReused => Some(Refusal {
            code: ErrorCode::CsrKeyReused,
            message: "Another valid certificate already has this key. Make a new key for this certificate.",
        }),
        SignOutcome::KeyBlocked => Some(Refusal {
            code: ErrorCode::CsrBlockedKey,
            message: "This key was reported compromised and may never be used again. Make a new key.",
        }),
    };
    if let Some(refusal) = refusal {
        return refused(state, actor, &order, refusal).await;
    }
    state.wake.notify_one();
    tracing::info!(order_id = %order.id, serial = %serial, "certificate request signed");
    if order.renews_serial.is_some() && order.supersede_on_collect {
        // The store revoked the renewed certificate with the signature; the CRL follows.
        crate::flow::crl::changed(state);
    }
    Ok(CsrResponse {
        certificate: csr::certificate_pem(&record.der),
        chain: state.ca.cert_pem().to_owned(),
        serial,
    })
}

fn not_expected() -> AppError {
    AppError::refuse(
        ErrorCode::CsrNotExpected,
        "This order does not take a certificate request: its key is made by the portal, or a request was signed already.",
    )
}

/// Records a refused request and answers with its code and sentence.
async fn refused<T>(
    state: &AppState,
    actor: &Actor,
    order: &OrderRecord,
    refusal: Refusal,
) -> Result<T, AppError> {
    let now = unix(state.clock.now());
    let event = actor.on_order(now, "csr.refused", order, Some(refusal.code.to_string()));
    state.store.record(&event).await?;
    Err(AppError::refuse(refusal.code, refusal.message))
}

/// The requested subject is the customer's text: the record keeps its first 200 characters.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
