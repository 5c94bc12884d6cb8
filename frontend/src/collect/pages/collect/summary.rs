//! What the in-browser check found: the checks that passed and the certificate's details,
//! with the SHA-256 fingerprint people compare against `openssl x509 -fingerprint -sha256`.

use super::headings;
use crate::components::CheckItem;
use crate::i18n::use_texts;
use certportal_shared::bundle::{self, Report, ValidityStatus};
use kit::i18n::fill;
use kit::time::date;
use leptos::prelude::*;

/// A report and what it cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub report: Report,
    /// Time spent in the inspector, ms (shown, and read by `cargo xtask bench`).
    pub elapsed_ms: f64,
    /// Whether the CA certificate was at hand, so that the chain could be checked.
    pub ca_known: bool,
}

#[component]
pub fn Summary(checked: Checked) -> impl IntoView {
    let texts = use_texts();
    let Checked {
        report,
        elapsed_ms,
        ca_known,
    } = checked;
    let certificate = report.certificate.clone();
    let fingerprint = certificate.fingerprint_sha256.to_hex();
    let fingerprint_colons = bundle::colon_hex(&certificate.fingerprint_sha256);
    let chain = report.chain.clone();
    let chain_ok = chain.as_ref().is_some_and(|chain| chain.trusted);
    let chain_text = texts.format(move |t| match (&chain, ca_known) {
        (Some(chain), _) if chain.trusted => fill(
            t.result_chain_ok,
            &[("ca", chain.ca_subject.as_deref().unwrap_or_default())],
        ),
        (Some(chain), _) => fill(
            t.result_chain_bad,
            &[(
                "why",
                chain
                    .error
                    .as_ref()
                    .map(|e| e.message())
                    .unwrap_or_default(),
            )],
        ),
        (None, true) => t.result_chain_unchecked.to_owned(),
        (None, false) => t.result_chain_unknown.to_owned(),
    });
    let (not_before, not_after) = (certificate.not_before, certificate.not_after);
    let validity = report.validity;
    let days_left = report.days_left;
    let validity_text = texts.format(move |t| {
        let status = match validity {
            ValidityStatus::Valid => t.validity_valid,
            ValidityStatus::NotYetValid => t.validity_not_yet,
            ValidityStatus::Expired => t.validity_expired,
        };
        fill(
            t.result_validity,
            &[("status", status), ("n", &days_left.to_string())],
        )
    });
    // Whole milliseconds: float formatting would add kilobytes of wasm for one number.
    let elapsed = (elapsed_ms.max(0.0).round() as u64).to_string();
    let checked_in = {
        let elapsed = elapsed.clone();
        texts.format(move |t| fill(t.checked_in, &[("ms", &elapsed)]))
    };
    let valid_from = texts.format(move |_| date(not_before, texts.lang()));
    let valid_until = texts.format(move |_| date(not_after, texts.lang()));

    view! {
        <section
            class="summary card"
            data-test="bundle-summary"
            data-check-ms=elapsed
            aria-labelledby=headings::SUMMARY
        >
            <h3 id=headings::SUMMARY tabindex="-1">{texts.text(|t| t.summary_title)}</h3>
            <ul class="checks">
                <CheckItem ok=true text=texts.format(|t| t.result_password.to_owned()) />
                <CheckItem ok=true text=texts.format(|t| t.result_key.to_owned()) />
                <CheckItem ok=chain_ok text=chain_text />
                <CheckItem ok=validity == ValidityStatus::Valid text=validity_text />
            </ul>
            <dl class="details">
                <div>
                    <dt>{texts.text(|t| t.subject_label)}</dt>
                    <dd>{certificate.subject.clone()}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.issuer_label)}</dt>
                    <dd>{certificate.issuer.clone()}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.serial_label)}</dt>
                    <dd><code>{certificate.serial.clone()}</code></dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.valid_from_label)}</dt>
                    <dd>{valid_from}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.valid_until_label)}</dt>
                    <dd>{valid_until}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.days_left_label)}</dt>
                    <dd>{days_left}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.key_label)}</dt>
                    <dd>{report.key.description.clone()}</dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.fingerprint_label)}</dt>
                    <dd><code class="fingerprint" data-test="fingerprint">{fingerprint}</code></dd>
                </div>
                <div>
                    <dt>{texts.text(|t| t.fingerprint_colon_label)}</dt>
                    <dd><code class="fingerprint">{fingerprint_colons}</code></dd>
                </div>
            </dl>
            <p class="muted">{checked_in}</p>
        </section>
    }
}
