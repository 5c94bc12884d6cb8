//! Making an order: issue the certificate, wrap it, seal it, and queue the link and the code.

use super::Actor;
use crate::clock::{rfc3339, unix};
use crate::error::AppError;
use crate::notify::{self, queued_message, templates};
use crate::pki::{self, ClientCertRequest};
use crate::secrets::{SealContext, random};
use crate::state::AppState;
use crate::store::{CertificateRecord, NewLink, NewMessage, NewOrder};
use certportal_shared::model::{Locale, OrderSpec};
use certportal_shared::routes;
use time::Duration;
use zeroize::Zeroizing;

/// The ids of a new order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CreatedOrder {
    pub order_id: String,
    pub serial: String,
}

/// Where a renewal comes from.
#[derive(Clone, Debug, Default)]
pub struct Renewal {
    pub renews_serial: Option<String>,
    /// Revoke the old certificate as superseded once the new one is collected.
    pub supersede_on_collect: bool,
}

/// Issues the certificate and records the order with its sealed file and password, the link
/// e-mail and the code SMS, in one transaction.
pub async fn create_order(
    state: &AppState,
    spec: &OrderSpec,
    actor: &Actor,
    renewal: Renewal,
) -> Result<CreatedOrder, AppError> {
    let config = &state.config;
    let now = state.clock.now();
    let order_id = uuid::Uuid::new_v4().to_string();

    // Key generation and PKCS#12 key derivation are CPU work: keep them off the async threads.
    let (issued, password, bundle) = {
        let ca = state.ca.clone();
        let spec = spec.clone();
        let crl_url = format!("{}{}", config.base_url.trim_end_matches('/'), routes::CRL);
        let (validity_days, password_length, iterations) = (
            config.certificate.validity_days,
            config.collect.password_length,
            config.certificate.pkcs12_iterations,
        );
        tokio::task::spawn_blocking(move || -> Result<_, AppError> {
            let request = ClientCertRequest {
                org: &spec.org,
                service: &spec.service,
                client: &spec.client,
                key: spec.key,
                not_before: now,
                validity_days,
                crl_url,
            };
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
    let fresh = new_link_and_code(
        state,
        &Addressee {
            order_id: &order_id,
            org: spec.org.as_str(),
            service: spec.service.as_str(),
            client: spec.client.as_str(),
            contact_name: spec.contact_name.as_str(),
            email: spec.email.as_str(),
            mobile: spec.mobile.as_str(),
            locale: spec.locale,
        },
    )?;

    let serial = issued.serial.to_string();
    let order = NewOrder {
        id: order_id.clone(),
        org: spec.org.to_string(),
        service: spec.service.to_string(),
        client: spec.client.to_string(),
        contact_name: spec.contact_name.to_string(),
        email: spec.email.to_string(),
        mobile: spec.mobile.to_string(),
        key_type: spec.key.as_str().to_owned(),
        profile: spec.profile.as_str().to_owned(),
        locale: spec.locale.as_str().to_owned(),
        created_at: unix(now),
        created_by: actor.name.clone(),
        renews_serial: renewal.renews_serial.clone(),
        supersede_on_collect: renewal.supersede_on_collect,
        link_hash: fresh.link.link_hash.clone(),
        link_expires_at: fresh.link.link_expires_at,
        code_mac: fresh.link.code_mac.clone(),
        code_expires_at: fresh.link.code_expires_at,
        bundle_sealed: kek.seal(
            SealContext::Bundle {
                order_id: &order_id,
            },
            &bundle,
        )?,
        bundle_sha256: pki::sha256(&bundle).as_bytes().to_vec(),
        password_sealed: kek.seal(
            SealContext::Password {
                order_id: &order_id,
            },
            password.as_bytes(),
        )?,
        certificate: CertificateRecord {
            serial: serial.clone(),
            order_id: order_id.clone(),
            subject: issued.subject.clone(),
            key_type: spec.key.as_str().to_owned(),
            not_before: unix(issued.not_before),
            not_after: unix(issued.not_after),
            fingerprint: issued.fingerprint.clone(),
            der: issued.cert_der.clone(),
            revoked_at: None,
            revocation_reason: None,
        },
    };
    let detail = match &renewal.renews_serial {
        Some(old) => format!(
            "certificate {serial} issued for {}; renews {old}",
            issued.subject
        ),
        None => format!("certificate {serial} issued for {}", issued.subject),
    };
    let audit = actor.event(
        unix(now),
        "order.created",
        Some(&order_id),
        Some(&serial),
        Some(detail),
    );
    state
        .store
        .create_order(&order, &fresh.messages, &audit)
        .await?;
    state.wake.notify_one();
    tracing::info!(order_id = %order_id, serial = %serial, "order created");
    Ok(CreatedOrder { order_id, serial })
}

/// Who the link and the code go to, and what the order is.
pub struct Addressee<'a> {
    pub order_id: &'a str,
    pub org: &'a str,
    pub service: &'a str,
    pub client: &'a str,
    pub contact_name: &'a str,
    pub email: &'a str,
    pub mobile: &'a str,
    pub locale: Locale,
}

/// A fresh link and code, as stored, and the two messages that carry them.
pub struct LinkAndCode {
    pub link: NewLink,
    pub messages: [NewMessage; 2],
}

/// Makes a new link token and code, valid from now, and the sealed link e-mail and code SMS
/// that carry them; the token and code themselves live only inside the sealed messages.
pub fn new_link_and_code(state: &AppState, to: &Addressee<'_>) -> Result<LinkAndCode, AppError> {
    let config = &state.config;
    let now = state.clock.now();
    let token = random::token()?;
    let code = random::code(config.collect.code_digits)?;
    let link_expires_at = now + Duration::days(i64::from(config.collect.link_ttl_days));
    let code_expires_at = now + Duration::minutes(i64::from(config.collect.code_ttl_minutes));
    let url = Zeroizing::new(routes::collect_url(&config.base_url, &token));
    let expires_on = rfc3339(link_expires_at);
    let (subject, body) = templates::link_email(
        to.locale,
        &templates::LinkMail {
            contact_name: to.contact_name,
            org: to.org,
            service: to.service,
            client: to.client,
            url: &url,
            expires_on: expires_on.get(..10).unwrap_or(&expires_on),
            code_ttl_minutes: config.collect.code_ttl_minutes,
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
            to.order_id,
            notify::EMAIL,
            to.email,
            Some(subject),
            &body,
            "collect_link",
            to.locale,
        )?,
        queued_message(
            kek,
            to.order_id,
            notify::SMS,
            to.mobile,
            None,
            &code_body,
            "otp",
            to.locale,
        )?,
    ];
    let link = NewLink {
        link_hash: random::token_hash(&token),
        link_expires_at: unix(link_expires_at),
        code_mac: kek.code_mac(to.order_id, &code),
        code_expires_at: unix(code_expires_at),
    };
    Ok(LinkAndCode { link, messages })
}
