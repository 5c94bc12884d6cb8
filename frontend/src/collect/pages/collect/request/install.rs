//! Step 4 for a key the contact made: the certificate the portal signed, to save beside the
//! key, and how to install the two together. The page holds the certificate in memory only
//! and the link is used up, so saving it now is the contact's to do.

use super::commands::{CHAIN_FILE, Files, serial_hex};
use crate::i18n::{CollectCatalogue, use_texts};
use crate::pages::collect::flow::Flow;
use crate::pages::collect::guides::{self, Commands, GuideView, Reminders};
use crate::pages::collect::trouble::Trouble;
use certportal_shared::api::collect::CsrResponse;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use leptos::prelude::*;

const MIME: &str = "application/x-pem-file";

fn curl(cert: &str, key: &str) -> Commands {
    Commands {
        first: format!("curl --cert {cert} --key {key} https://service.example/"),
        second: None,
    }
}

fn nginx(cert: &str, key: &str) -> Commands {
    Commands {
        first: format!(
            "install -m 644 {cert} /etc/nginx/certs/\ninstall -m 600 {key} /etc/nginx/certs/"
        ),
        second: Some(guides::nginx_config(cert, key)),
    }
}

fn haproxy(files: &Files, cert: &str, key: &str) -> Commands {
    let pem = format!("{}.pem", files.stem);
    Commands {
        first: format!("cat {cert} {key} > {pem}\nchmod 600 {pem}"),
        second: Some(guides::haproxy_config(&pem)),
    }
}

/// A PKCS#12 file made of the certificate, the key and the CA, then the keystore steps of
/// the portal's own files.
fn java(files: &Files, cert: &str, key: &str) -> Commands {
    let p12 = format!("{}.p12", files.stem);
    let keystore = guides::java(&p12);
    Commands {
        first: format!(
            "openssl pkcs12 -export -in {cert} -inkey {key} -certfile {CHAIN_FILE} \\\n  \
             -name {stem} -out {p12}\n{}",
            keystore.first,
            stem = files.stem,
        ),
        second: keystore.second,
    }
}

/// certreq kept the key in the machine's store; accepting the certificate pairs the two.
fn windows(cert: &str, serial: &str) -> Commands {
    Commands {
        first: format!("certreq -accept -machine {cert}\ncertutil -store My {serial}"),
        second: None,
    }
}

#[component]
pub fn CertificateStep(flow: Flow) -> impl IntoView {
    // Read once: the step shows its content only from when the certificate is in, and it
    // never changes after; a reactive view here would only add to the page's weight.
    flow.issued
        .get_untracked()
        .map(|issued| view! { <Issued flow issued /> })
}

#[component]
fn Issued(flow: Flow, issued: CsrResponse) -> impl IntoView {
    let texts = use_texts();
    let files = flow
        .order
        .with_value(|order| Files::for_client(&order.client));
    let cert = files.certificate(&issued.serial);
    let key = files.key();
    let serial = serial_hex(&issued.serial);
    let trouble = RwSignal::new(None::<Trouble>);
    let mobile = flow.order.with_value(|order| order.masked_mobile.clone());
    let sms = texts.format(move |t| fill(t.certificate_sms, &[("mobile", &mobile)]));
    let intro = {
        let (cert, key) = (cert.clone(), key.clone());
        texts.format(move |t| {
            fill(
                t.certificate_guides_intro,
                &[("file", &cert), ("key", &key)],
            )
        })
    };
    let message = Signal::derive(move || trouble.get().map(|t| t.message(texts.t())));
    view! {
        <p class="status password-notice" data-test="key-custody">
            {texts.text(|t| t.certificate_issued)}
        </p>
        <p>{sms}</p>
        <p>{texts.text(|t| t.certificate_keep)}</p>
        <h3 id="certificate-pem-title">{texts.text(|t| t.certificate_pem_label)}</h3>
        // Focusable, so that a keyboard can scroll it and select the text.
        <pre tabindex="0" data-test="certificate-pem" aria-labelledby="certificate-pem-title"><code>{issued.certificate.clone()}</code></pre>
        // A paragraph for its margin: the buttons keep their distance from the text below.
        <p class="inline-field">
            <SaveButton test="certificate-download" class="button button-primary"
                label=|t| t.certificate_save text=issued.certificate name=cert.clone() trouble />
            <SaveButton test="chain-download" class="button"
                label=|t| t.chain_save text=issued.chain name=CHAIN_FILE.to_owned() trouble />
        </p>
        <Alert message />
        <p>{intro}</p>
        <p class="muted">{texts.text(|t| t.guide_placeholder_note)}</p>
        <div class="guides">
            <GuideView pick=|t| &t.guide_csr_curl commands=curl(&cert, &key) open=true />
            <GuideView pick=|t| &t.guide_csr_nginx commands=nginx(&cert, &key) />
            <GuideView pick=|t| &t.guide_csr_haproxy commands=haproxy(&files, &cert, &key) />
            <GuideView pick=|t| &t.guide_csr_java commands=java(&files, &cert, &key) />
            <GuideView pick=|t| &t.guide_csr_windows commands=windows(&cert, &serial) />
        </div>
        <Reminders list=|t| &t.reminders_csr />
    }
}

/// Saves `text` as the file `name`; `label` takes the name as `{file}`.
#[component]
fn SaveButton(
    test: &'static str,
    class: &'static str,
    label: fn(&'static CollectCatalogue) -> &'static str,
    text: String,
    name: String,
    trouble: RwSignal<Option<Trouble>>,
) -> impl IntoView {
    let texts = use_texts();
    let words = {
        let name = name.clone();
        texts.format(move |t| fill(label(t), &[("file", &name)]))
    };
    let save = move |_| {
        if browser::save_file(text.as_bytes(), &name, MIME).is_err() {
            trouble.set(Some(Trouble::SaveFailed));
        }
    };
    view! {
        <button type="button" class=class data-test=test on:click=save>{words}</button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "e-banking-0a1b.crt";
    const KEY: &str = "e-banking.key";

    fn files() -> Files {
        Files::for_client("e-banking")
    }

    #[test]
    fn every_guide_pairs_the_certificate_with_the_customers_own_key() {
        assert!(
            curl(CERT, KEY)
                .first
                .contains("--cert e-banking-0a1b.crt --key e-banking.key")
        );
        let nginx = nginx(CERT, KEY);
        assert!(nginx.first.contains("install -m 600 e-banking.key"));
        let config = nginx.second.unwrap_or_default();
        assert!(
            config.contains("/etc/nginx/certs/e-banking-0a1b.crt;"),
            "{config}"
        );
        assert!(
            config.contains("/etc/nginx/certs/e-banking.key;"),
            "{config}"
        );
        let haproxy = haproxy(&files(), CERT, KEY);
        assert!(
            haproxy
                .first
                .starts_with("cat e-banking-0a1b.crt e-banking.key > e-banking.pem")
        );
        assert!(
            haproxy
                .second
                .unwrap_or_default()
                .contains("crt /etc/haproxy/certs/e-banking.pem")
        );
    }

    #[test]
    fn java_gets_a_pkcs12_file_from_openssl_then_the_keystore_from_keytool() {
        let java = java(&files(), CERT, KEY);
        assert!(
            java.first.starts_with(
                "openssl pkcs12 -export -in e-banking-0a1b.crt -inkey e-banking.key -certfile ca.pem"
            ),
            "{}",
            java.first
        );
        assert!(
            java.first.contains("-srckeystore e-banking.p12"),
            "{}",
            java.first
        );
        assert!(
            java.second
                .unwrap_or_default()
                .contains("e-banking-keystore.p12")
        );
    }

    #[test]
    fn windows_accepts_the_certificate_beside_the_key_certreq_kept() {
        let windows = windows(CERT, "0a1b");
        assert_eq!(
            windows.first,
            "certreq -accept -machine e-banking-0a1b.crt\ncertutil -store My 0a1b"
        );
    }
}
