//! The file: download it, then confirm the download, which sends the password.

use super::*;

/// The PKCS#12 file as the contact downloads it.
pub struct Download {
    pub bytes: Zeroizing<Vec<u8>>,
    pub sha256: Sha256Digest,
    pub filename: String,
}

/// Hands out the file, counting downloads.
pub async fn bundle(state: &AppState, session: &str, actor: &Actor) -> Result<Download, AppError> {
    let order = order_for_session(state, session).await?;
    let now = unix(state.clock.now());
    check_link(&order, now)?;
    if !order.spec.custody.portal_holds_key() {
        return Err(no_server_key());
    }
    let limits = &state.config.collect;
    let event = actor.on_order(now, "bundle.downloaded", &order, None);
    let Some(sealed) = state
        .store
        .take_download(&order.id, limits.max_downloads, &event)
        .await?
    else {
        let current = state.store.order(&order.id).await?.unwrap_or(order);
        check_link(&current, now)?;
        return Err(if current.downloads >= limits.max_downloads {
            AppError::refuse(
                ErrorCode::DownloadLimit,
                "The file was downloaded as often as allowed. Contact the vendor's support.",
            )
        } else {
            AppError::refuse(ErrorCode::BundleGone, "The file is no longer available.")
        });
    };
    let bytes = state.kek.open(
        SealContext::Bundle {
            order_id: &order.id,
        },
        &sealed,
    )?;
    let malformed =
        || AppError::inconsistent(format!("order {} has a malformed file digest", order.id));
    let digest: [u8; 32] = order
        .bundle_sha256
        .as_deref()
        .and_then(|digest| digest.try_into().ok())
        .ok_or_else(malformed)?;
    let stem = order.spec.client.file_stem();
    Ok(Download {
        bytes,
        sha256: Sha256Digest::from_bytes(digest),
        filename: format!("{stem}-{}.p12", order.serial.as_deref().unwrap_or_default()),
    })
}

/// The refusal of a file for an order whose key the customer makes.
fn no_server_key() -> AppError {
    AppError::refuse(
        ErrorCode::NoServerKey,
        "This certificate is made for a key you create yourself: there is no file to download. Send a certificate request instead.",
    )
}

/// Whether the digest is that of the file the portal made for the order.
fn same_file(order: &OrderRecord, sha256: &Sha256Digest) -> bool {
    order.bundle_sha256.as_deref() == Some(sha256.as_bytes().as_slice())
}

/// The answer to a receipt for an order that a receipt with the same digest completed.
async fn taken_already(
    state: &AppState,
    order_id: &str,
    sha256: &Sha256Digest,
) -> Result<Option<ReceiptResponse>, AppError> {
    let order = state.store.order(order_id).await?;
    Ok(order
        .filter(|order| order.state == OrderState::Collected && same_file(order, sha256))
        .map(|order| ReceiptResponse {
            masked_mobile: order.spec.mobile.masked(),
            state: OrderState::Collected,
        }))
}

/// Confirms the download: queues the password SMS, wipes the file and password, uses the link
/// up. Repeating a receipt that was taken answers the same, and sends nothing again.
pub async fn receipt(
    state: &AppState,
    session: &str,
    sha256: &Sha256Digest,
    actor: &Actor,
) -> Result<ReceiptResponse, AppError> {
    let order = order_for_session(state, session).await?;
    if !order.spec.custody.portal_holds_key() {
        return Err(no_server_key());
    }
    if order.state == OrderState::Collected && same_file(&order, sha256) {
        return Ok(ReceiptResponse {
            masked_mobile: order.spec.mobile.masked(),
            state: OrderState::Collected,
        });
    }
    let now = unix(state.clock.now());
    check_link(&order, now)?;
    if order.state != OrderState::Downloaded {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "Download the file before confirming it.",
        ));
    }
    if !same_file(&order, sha256) {
        let event = actor.on_order(now, "receipt.digest_mismatch", &order, None);
        state.store.record(&event).await?;
        return Err(AppError::refuse(
            ErrorCode::DigestMismatch,
            "The file you have is not the one the portal sent. Download it again.",
        ));
    }
    // From here a racing receipt may complete first; it then answers for this one too.
    let raced = || async {
        match taken_already(state, &order.id, sha256).await? {
            Some(taken) => Ok(taken),
            None => Err(AppError::refuse(
                ErrorCode::BundleGone,
                "The file is no longer available.",
            )),
        }
    };
    let Some(sealed) = state.store.sealed_password(&order.id).await? else {
        return raced().await;
    };
    let password = state.kek.open(
        SealContext::Password {
            order_id: &order.id,
        },
        &sealed,
    )?;
    let password = std::str::from_utf8(&password).map_err(|_| {
        AppError::inconsistent(format!("order {} has a malformed password", order.id))
    })?;
    let body = Zeroizing::new(templates::password_sms(
        order.spec.locale,
        order.spec.client.as_str(),
        password,
    ));
    let to = Recipient::sms(&order.id, &order.spec);
    let message = queued_message(&state.kek, &to, Purpose::Password, None, &body)?;
    let serial = order.serial.as_deref().unwrap_or_default();
    let not_after = order.not_after.unwrap_or(now);
    let (report, receipt) =
        crate::flow::report::receipt(state, &order, serial, not_after, actor, now)?;
    let handover = Handover {
        messages: vec![message, receipt],
        report: Some(report),
    };
    let detail = Some("download confirmed; password queued; file and password wiped".to_owned());
    let event = actor.on_order(now, "receipt.confirmed", &order, detail);
    if !state
        .store
        .complete_receipt(&order.id, sha256.as_bytes(), &handover, &event)
        .await?
    {
        return raced().await;
    }
    state.wake.notify_one();
    state.wiped.notify_one();
    if order.renews_serial.is_some() && order.supersede_on_collect {
        // The store revoked the renewed certificate with the receipt; the CRL follows.
        crate::flow::crl::changed(state);
    }
    Ok(ReceiptResponse {
        masked_mobile: order.spec.mobile.masked(),
        state: OrderState::Collected,
    })
}
