//! Making an order: issue the certificate, wrap it, seal it, and queue the link and the code.

use super::Actor;
use crate::clock::{rfc3339, unix};
use crate::error::AppError;
use crate::notify::{Recipient, queued_message, templates};
use crate::pki::{self, ClientCertRequest};
use crate::secrets::{SealContext, random};
use crate::state::AppState;
use crate::store::{CertificateRecord, NewLink, NewMessage, NewOrder, SealedBundle};
use certportal_shared::model::{Custody, OrderSpec, Purpose};
use certportal_shared::{ErrorCode, routes};
use time::Duration;
use zeroize::Zeroizing;

/// The ids of a new order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CreatedOrder {
    pub order_id: String,
    /// `None` for a key the customer makes, until the portal signs its request.
    pub serial: Option<String>,
}

/// Where a renewal comes from.
#[derive(Clone, Debug, Default)]
pub struct Renewal {
    pub renews_serial: Option<String>,
    /// Revoke the old certificate as superseded once the new one is collected.
    pub supersede_on_collect: bool,
    /// Refuse if another renewal of the certificate is under way or collected: a
    /// certificate renewing itself gets one successor, however often its script asks.
    pub only_renewal: bool,
}

/// The CRL's and the OCSP responder's addresses, as certificates name them.
pub(crate) fn status_urls(state: &AppState) -> pki::StatusUrls {
    let base = state.config.base_url.trim_end_matches('/');
    let ocsp = match state.config.ocsp.url.as_str() {
        "" => format!("{base}{}", routes::OCSP),
        url => url.to_owned(),
    };
    pki::StatusUrls {
        crl: format!("{base}{}", routes::CRL),
        ocsp,
    }
}

/// The record of a new certificate.
pub(crate) fn certificate_record(
    order_id: &str,
    certified: &pki::Certified,
    key_type: String,
) -> CertificateRecord {
    CertificateRecord {
        serial: certified.serial.to_string(),
        order_id: order_id.to_owned(),
        subject: certified.subject.clone(),
        key_type,
        not_before: unix(certified.not_before),
        not_after: unix(certified.not_after),
        fingerprint: certified.fingerprint.clone(),
        key_sha256: certified.key_sha256.clone(),
        der: certified.cert_der.clone(),
        revoked_at: None,
        revocation_reason: None,
    }
}

/// Records the order with its link e-mail and code SMS, in one transaction. When the portal
/// makes the key (custody `server`), it issues the certificate first and records it with
/// the sealed file and password; otherwise the order waits for the customer's request.
///
/// `site` is the embedding site asked for ([`super::sites::for_order`]); the order's link
/// e-mail points at its page.
pub async fn create_order(
    state: &AppState,
    spec: &OrderSpec,
    actor: &Actor,
    renewal: Renewal,
    site: Option<&str>,
) -> Result<CreatedOrder, AppError> {
    let site = super::sites::for_order(state, spec, site).await?;
    let now = state.clock.now();
    let order_id = uuid::Uuid::new_v4().to_string();
    let (certificate, bundle) = if spec.custody.portal_holds_key() {
        let (certificate, bundle) = issue_with_file(state, &order_id, spec, now).await?;
        (Some(certificate), Some(bundle))
    } else {
        (None, None)
    };
    let page = site.as_ref().map(|site| site.page.as_str());
    let fresh = new_link_and_code(state, &order_id, spec, page)?;
    let serial = certificate.as_ref().map(|cert| cert.serial.clone());
    let what = match (&certificate, spec.custody) {
        (Some(cert), _) => format!("certificate {} issued for {}", cert.serial, cert.subject),
        (None, Custody::Browser) => "custody browser: the key is made in the customer's browser \
             and never held by the portal; the certificate is issued when the page's request is \
             signed"
            .to_owned(),
        (None, custody) => format!(
            "custody {custody}: the key is made by the customer and never held by the portal; \
             the certificate is issued when their request is signed"
        ),
    };
    let detail = match &renewal.renews_serial {
        Some(old) => format!("{what}; renews {old}"),
        None => what,
    };
    // Where the link goes is part of what happened.
    let detail = match &site {
        Some(site) => format!("{detail}; link to site {} ({})", site.name, site.page),
        None => detail,
    };
    let order = NewOrder {
        id: order_id.clone(),
        spec: spec.clone(),
        created_at: unix(now),
        created_by: actor.name.clone(),
        renews_serial: renewal.renews_serial.clone(),
        supersede_on_collect: renewal.supersede_on_collect,
        only_renewal: renewal.only_renewal,
        link: fresh.link,
        site: site.map(|site| site.name),
        bundle,
        certificate,
    };
    let audit = actor.event(
        unix(now),
        "order.created",
        Some(&order_id),
        serial.as_deref(),
        Some(detail),
    );
    if !state
        .store
        .create_order(&order, &fresh.messages, &audit)
        .await?
    {
        let renewed = match &renewal.renews_serial {
            Some(serial) => state.store.certificate(serial).await?,
            None => None,
        };
        if renewed.is_some_and(|cert| cert.revoked_at.is_some()) {
            return Err(AppError::refuse(
                ErrorCode::CertificateRevoked,
                "This certificate was withdrawn while its renewal was being made; it renews no \
                 more.",
            ));
        }
        return Err(renewal_under_way());
    }
    state.wake.notify_one();
    tracing::info!(order_id = %order_id, serial = ?serial, custody = %spec.custody, "order created");
    Ok(CreatedOrder { order_id, serial })
}

/// The refusal of a second renewal of one certificate.
pub(crate) fn renewal_under_way() -> AppError {
    AppError::refuse(
        ErrorCode::RenewalUnderWay,
        "This certificate is being renewed already: its contact has the new link. Support can \
         send it again.",
    )
}

/// Makes the key, issues its certificate and wraps both in the sealed PKCS#12 file, with its
/// sealed password.
async fn issue_with_file(
    state: &AppState,
    order_id: &str,
    spec: &OrderSpec,
    now: time::OffsetDateTime,
) -> Result<(CertificateRecord, SealedBundle), AppError> {
    let config = &state.config;
    // Key generation and PKCS#12 key derivation are CPU work: keep them off the async threads.
    let (issued, password, bundle) = {
        let ca = state.ca.clone();
        let spec = spec.clone();
        let status = status_urls(state);
        let (validity_days, password_length, iterations) = (
            config.certificate.validity_days,
            config.collect.password_length,
            config.certificate.pkcs12_iterations,
        );
        tokio::task::spawn_blocking(move || -> Result<_, AppError> {
            let request = ClientCertRequest::for_order(&spec, now, validity_days, status);
            let issued = pki::issue(&ca, &request)?;
            let password = random::password(password_length)?;
            let bundle = pki::write_pkcs12(
                &issued,
                ca.cert_der(),
                spec.client.as_str(),
                &password,
                spec.profile,
                iterations,
            )?;
            Ok((issued, password, bundle))
        })
        .await??
    };
    let kek = &state.kek;
    let sealed = SealedBundle {
        bundle_sealed: kek.seal(SealContext::Bundle { order_id }, &bundle)?,
        bundle_sha256: pki::sha256(&bundle).as_bytes().to_vec(),
        password_sealed: kek.seal(SealContext::Password { order_id }, password.as_bytes())?,
    };
    let record = certificate_record(order_id, &issued.certified, spec.key.as_str().to_owned());
    Ok((record, sealed))
}

/// Records the key hash of certificates issued before keys were hashed, so that a
/// customer's request cannot reuse their keys. Once per data dir, at start.
pub async fn hash_old_keys(state: &AppState) -> Result<u64, AppError> {
    let mut hashed = 0;
    loop {
        let batch = state.store.certificates_without_key_hash(500).await?;
        if batch.is_empty() {
            return Ok(hashed);
        }
        for (serial, der) in batch {
            let hash = pki::key_sha256(&der).ok_or_else(|| {
                AppError::inconsistent(format!("certificate {serial} does not parse"))
            })?;
            state.store.set_key_hash(&serial, &hash).await?;
            hashed += 1;
        }
    }
}

/// A fresh link and code, as stored, and the two messages that carry them.
pub struct LinkAndCode {
    pub link: NewLink,
    pub messages: [NewMessage; 2],
}

/// Makes a new link token and code, valid from now, and the sealed link e-mail and code SMS
/// that carry them; the token and code themselves live only inside the sealed messages. The
/// link points at `page` (an embedding site's) when there is one, else at the portal's own.
pub fn new_link_and_code(
    state: &AppState,
    order_id: &str,
    to: &OrderSpec,
    page: Option<&str>,
) -> Result<LinkAndCode, AppError> {
    let config = &state.config;
    let now = state.clock.now();
    let token = random::token()?;
    let code = random::code(config.collect.code_digits)?;
    let link_expires_at = now + Duration::days(i64::from(config.collect.link_ttl_days));
    let code_expires_at = now + Duration::minutes(i64::from(config.collect.code_ttl_minutes));
    let url = Zeroizing::new(match page {
        Some(page) => routes::site_collect_url(page, &token),
        None => routes::collect_url(&config.base_url, &token),
    });
    let expires_on = rfc3339(link_expires_at);
    let (subject, body) = templates::link_email(
        to.locale,
        &templates::LinkMail {
            contact_name: to.contact_name.as_str(),
            org: to.org.as_str(),
            service: to.service.as_str(),
            client: to.client.as_str(),
            url: &url,
            expires_on: expires_on.get(..10).unwrap_or(&expires_on),
            code_ttl_minutes: config.collect.code_ttl_minutes,
            custody: to.custody,
        },
    );
    let body = Zeroizing::new(body);
    let code_body = Zeroizing::new(templates::code_sms(
        to.locale,
        &code,
        config.collect.code_ttl_minutes,
    ));
    let kek = &state.kek;
    let messages = [
        queued_message(
            kek,
            &Recipient::email(order_id, to),
            Purpose::CollectLink,
            Some(subject),
            &body,
        )?,
        queued_message(
            kek,
            &Recipient::sms(order_id, to),
            Purpose::Otp,
            None,
            &code_body,
        )?,
    ];
    let link = NewLink {
        link_hash: random::token_hash(&token),
        link_expires_at: unix(link_expires_at),
        code_mac: kek.code_mac(order_id, &code),
        code_expires_at: unix(code_expires_at),
    };
    Ok(LinkAndCode { link, messages })
}
