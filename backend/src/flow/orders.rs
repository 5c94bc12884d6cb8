//! Making an order: issue the certificate, wrap it, seal it, and queue the link and the code.

use super::Actor;
use crate::clock::{rfc3339, unix};
use crate::error::AppError;
use crate::notify::{Recipient, queued_message, templates};
use crate::pki::{self, ClientCertRequest};
use crate::secrets::{SealContext, random};
use crate::state::AppState;
use crate::store::{CertificateRecord, NewLink, NewMessage, NewOrder};
use certportal_shared::model::{OrderSpec, Purpose};
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
    let fresh = new_link_and_code(state, &order_id, spec)?;
    let serial = issued.serial.to_string();
    let sealed = |context, bytes: &[u8]| kek.seal(context, bytes);
    let order = NewOrder {
        id: order_id.clone(),
        spec: spec.clone(),
        created_at: unix(now),
        created_by: actor.name.clone(),
        renews_serial: renewal.renews_serial.clone(),
        supersede_on_collect: renewal.supersede_on_collect,
        link: fresh.link,
        bundle_sealed: sealed(
            SealContext::Bundle {
                order_id: &order_id,
            },
            &bundle,
        )?,
        bundle_sha256: pki::sha256(&bundle).as_bytes().to_vec(),
        password_sealed: sealed(
            SealContext::Password {
                order_id: &order_id,
            },
            password.as_bytes(),
        )?,
        certificate: CertificateRecord {
            serial: serial.clone(),
            order_id: order_id.clone(),
            subject: issued.subject.clone(),
            key_type: spec.key,
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

/// A fresh link and code, as stored, and the two messages that carry them.
pub struct LinkAndCode {
    pub link: NewLink,
    pub messages: [NewMessage; 2],
}

/// Makes a new link token and code, valid from now, and the sealed link e-mail and code SMS
/// that carry them; the token and code themselves live only inside the sealed messages.
pub fn new_link_and_code(
    state: &AppState,
    order_id: &str,
    to: &OrderSpec,
) -> Result<LinkAndCode, AppError> {
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
            contact_name: to.contact_name.as_str(),
            org: to.org.as_str(),
            service: to.service.as_str(),
            client: to.client.as_str(),
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
