//! Step 5: how to install the file just saved, under its real name, on the usual platforms.
//! The commands are the same in every language; the sentences around them come from the
//! catalogue. The proxies' configuration, Java's keystore and the guide's frame serve the
//! guides for a key the contact made too (`request::install`).

use super::flow::Flow;
use crate::i18n::{CollectCatalogue, Guide, catalogue, use_texts};
use certportal_shared::model::Custody;
use kit::i18n::{Lang, fill};
use leptos::prelude::*;

/// The commands of each guide for a file called `file`: one or two blocks.
pub(super) struct Commands {
    pub first: String,
    pub second: Option<String>,
}

fn stem(file: &str) -> &str {
    file.strip_suffix(".p12").unwrap_or(file)
}

fn curl(file: &str) -> Commands {
    Commands {
        first: format!(
            "read -rs -p 'Password: ' P12_PASSWORD; echo\n\
             curl --cert-type P12 --cert \"{file}:$P12_PASSWORD\" https://service.example/\n\
             unset P12_PASSWORD"
        ),
        second: None,
    }
}

/// Copies the PKCS#12 `file` into a keystore, and starts the JVM with it.
pub(super) fn java(file: &str) -> Commands {
    let stem = stem(file);
    Commands {
        first: format!(
            "keytool -importkeystore \\\n  -srckeystore {file} -srcstoretype PKCS12 \\\n  \
             -destkeystore {stem}-keystore.p12 -deststoretype PKCS12"
        ),
        second: Some(format!(
            "java -Djavax.net.ssl.keyStore=/path/to/{stem}-keystore.p12 \\\n     \
             -Djavax.net.ssl.keyStoreType=PKCS12 \\\n     \
             -Djavax.net.ssl.keyStorePassword=\"$KEYSTORE_PASSWORD\" \\\n     \
             -jar your-application.jar"
        )),
    }
}

fn dotnet(file: &str) -> Commands {
    Commands {
        first: format!(
            "using System.Security.Cryptography.X509Certificates;\n\n\
             var password = Environment.GetEnvironmentVariable(\"P12_PASSWORD\");\n\
             // .NET 9 and later: X509CertificateLoader.LoadPkcs12FromFile(\"{file}\", password)\n\
             var certificate = new X509Certificate2(\"{file}\", password);\n\
             var handler = new HttpClientHandler\n{{\n    \
             ClientCertificateOptions = ClientCertificateOption.Manual,\n}};\n\
             handler.ClientCertificates.Add(certificate);\n\
             using var client = new HttpClient(handler);\n\
             var response = await client.GetAsync(\"https://service.example/\");"
        ),
        second: None,
    }
}

fn windows(file: &str) -> Commands {
    Commands {
        first: format!(
            "$password = Read-Host -AsSecureString -Prompt \"Password\"\n\
             Import-PfxCertificate -FilePath .\\{file} `\n  \
             -CertStoreLocation Cert:\\LocalMachine\\My -Password $password"
        ),
        second: None,
    }
}

fn macos(file: &str) -> Commands {
    Commands {
        first: format!("security import {file} -k ~/Library/Keychains/login.keychain-db -f pkcs12"),
        second: None,
    }
}

fn pem(file: &str) -> String {
    let stem = stem(file);
    format!(
        "openssl pkcs12 -in {file} -clcerts -nokeys -out {stem}.crt\n\
         openssl pkcs12 -in {file} -nocerts -nodes -out {stem}.key\n\
         chmod 600 {stem}.key"
    )
}

/// Where nginx proxies to the vendor's service with the certificate `cert` and key `key`.
pub(super) fn nginx_config(cert: &str, key: &str) -> String {
    format!(
        "location /vendor/ {{\n    \
         proxy_pass https://service.example/;\n    \
         proxy_ssl_certificate         /etc/nginx/certs/{cert};\n    \
         proxy_ssl_certificate_key     /etc/nginx/certs/{key};\n    \
         proxy_ssl_server_name         on;\n    \
         proxy_ssl_verify              on;\n    \
         proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n}}"
    )
}

/// HAProxy's backend for the vendor's service, with the certificate and key joined in `pem`.
pub(super) fn haproxy_config(pem: &str) -> String {
    format!(
        "backend vendor\n    \
         server vendor service.example:443 ssl crt /etc/haproxy/certs/{pem} \
         verify required ca-file /etc/ssl/certs/ca-certificates.crt sni str(service.example)"
    )
}

fn nginx(file: &str) -> Commands {
    let stem = stem(file);
    Commands {
        first: pem(file),
        second: Some(nginx_config(&format!("{stem}.crt"), &format!("{stem}.key"))),
    }
}

fn haproxy(file: &str) -> Commands {
    let stem = stem(file);
    Commands {
        first: format!(
            "{}\ncat {stem}.crt {stem}.key > {stem}.pem\nchmod 600 {stem}.pem",
            pem(file)
        ),
        second: Some(haproxy_config(&format!("{stem}.pem"))),
    }
}

#[component]
pub(super) fn GuideView(
    pick: fn(&'static CollectCatalogue) -> &'static Guide,
    commands: Commands,
    #[prop(optional)] open: bool,
) -> impl IntoView {
    let texts = use_texts();
    let Commands { first, second } = commands;
    let part =
        move |part: fn(&Guide) -> &'static str| texts.format(move |t| part(pick(t)).to_owned());
    view! {
        <details class="guide" open=open>
            <summary>{part(|g| g.title)}</summary>
            <p>{part(|g| g.intro)}</p>
            // Focusable, so that a keyboard can scroll a long line sideways.
            <pre tabindex="0"><code>{first}</code></pre>
            {second.map(|second| {
                view! {
                    <p>{part(|g| g.then)}</p>
                    <pre tabindex="0"><code>{second}</code></pre>
                }
            })}
        </details>
    }
}

#[component]
pub fn Guides(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let made = flow.custody() == Custody::Browser;
    let filename = move || {
        flow.file
            .with(|file| file.as_ref().map(|f| f.filename.clone()))
    };
    view! {
        {move || {
            filename().map(|file| {
                let intro = {
                    let file = file.clone();
                    texts.format(move |t| {
                        let intro = if made { t.guides_intro_made } else { t.guides_intro };
                        fill(intro, &[("file", &file)])
                    })
                };
                view! {
                    <p>{intro}</p>
                    <p class="muted">{texts.text(|t| t.guide_placeholder_note)}</p>
                    <div class="guides">
                        <GuideView pick=|t| &t.guide_curl commands=curl(&file) open=true />
                        <GuideView pick=|t| &t.guide_java commands=java(&file) />
                        <GuideView pick=|t| &t.guide_dotnet commands=dotnet(&file) />
                        <GuideView pick=|t| &t.guide_windows commands=windows(&file) />
                        <GuideView pick=|t| &t.guide_macos commands=macos(&file) />
                        <GuideView pick=|t| &t.guide_nginx commands=nginx(&file) />
                        <GuideView pick=|t| &t.guide_haproxy commands=haproxy(&file) />
                    </div>
                    <p class="muted">{texts.text(|t| t.guide_compat)}</p>
                }
            })
        }}
        <Reminders list=reminders(made) />
    }
}

/// The reminders for a PKCS#12 file: no SMS to delete when the page `made` the password.
fn reminders(made: bool) -> fn(&'static CollectCatalogue) -> &'static [&'static str] {
    if made {
        |t| &t.reminders_made
    } else {
        |t| &t.reminders
    }
}

/// What to tidy up once the certificate works: `list` picks the reminders from the catalogue.
#[component]
pub(super) fn Reminders(
    list: fn(&'static CollectCatalogue) -> &'static [&'static str],
) -> impl IntoView {
    let texts = use_texts();
    view! {
        <section class="reminder card" aria-labelledby="reminder-title">
            <h3 id="reminder-title">{texts.text(|t| t.reminder_title)}</h3>
            <ul>
                {(0..list(catalogue(Lang::En)).len())
                    .map(|i| view! { <li>{texts.format(move |t| list(t)[i].to_owned())}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guide_uses_the_files_real_name() {
        let file = "e-banking-0a1b.p12";
        for commands in [
            curl(file),
            java(file),
            dotnet(file),
            windows(file),
            macos(file),
            nginx(file),
        ] {
            assert!(commands.first.contains(file), "{}", commands.first);
        }
        let haproxy = haproxy(file);
        assert!(
            haproxy
                .first
                .contains("openssl pkcs12 -in e-banking-0a1b.p12")
        );
        assert!(
            haproxy
                .second
                .unwrap_or_default()
                .contains("e-banking-0a1b.pem")
        );
        assert!(
            nginx(file)
                .second
                .unwrap_or_default()
                .contains("e-banking-0a1b.key")
        );
    }
}
