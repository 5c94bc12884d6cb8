//! The texts of the messages, in English and Norwegian (Bokmål).
//!
//! Rules the contract fixes: the link e-mail holds the collect URL; the code SMS holds the code
//! as its only run of digits of that length; the password SMS has the password alone on a line.
//! The texts of the certificate's later life (receipt, withdrawal, reminders) are in
//! `lifecycle`.

mod lifecycle;

pub use lifecycle::*;

use certportal_shared::model::{Custody, Locale};

/// What the link e-mail says about the order.
pub struct LinkMail<'a> {
    pub contact_name: &'a str,
    pub org: &'a str,
    pub service: &'a str,
    pub client: &'a str,
    pub url: &'a str,
    /// The date the link ends, `YYYY-MM-DD`.
    pub expires_on: &'a str,
    pub code_ttl_minutes: u32,
    /// Who makes the key: what the page does after the code, and whether a password SMS
    /// follows (only for the portal's own file).
    pub custody: Custody,
}

/// The subject and body of the link e-mail: the same frame in every mode, with the lines that
/// say what is ready and what the page does after the code chosen by the custody mode.
pub fn link_email(locale: Locale, mail: &LinkMail<'_>) -> (String, String) {
    let LinkMail {
        contact_name,
        org,
        service,
        client,
        url,
        expires_on,
        code_ttl_minutes,
        custody,
    } = mail;
    match locale {
        Locale::En => {
            let (subject, ready, open_where, after) = match custody {
                Custody::Server => (
                    format!("Your client certificate for {service} is ready"),
                    format!(
                        "a client certificate \"{client}\" for {org} has been issued for {service}."
                    ),
                    " on the server where the certificate will be used",
                    "After the download, the password that opens the file arrives in a second SMS.",
                ),
                Custody::Browser => (
                    format!("Your client certificate for {service} is ready to be issued"),
                    format!(
                        "a client certificate \"{client}\" for {org} is ready to be issued for {service}, for a key \
                         your browser makes: the key never leaves the page, and we never see it."
                    ),
                    " on the server where the certificate will be used",
                    "The page then makes the key, gets the certificate for it and saves both in an encrypted \
                     file, whose password it shows you once: no password comes by SMS.",
                ),
                Custody::Csr => (
                    format!("Your client certificate for {service} is ready to be issued"),
                    format!(
                        "a client certificate \"{client}\" for {org} is ready to be issued for {service}, for a key \
                         you make on your own server: the key never leaves it, and we never see it."
                    ),
                    "",
                    "The page then shows how to make the key and its certificate request, and hands you the \
                     certificate at once.",
                ),
            };
            let body = format!(
                "Hello {contact_name},\n\n\
                 {ready}\n\n\
                 Open this link in a browser{open_where}:\n\n\
                 {url}\n\n\
                 You will receive a one-time code by SMS; it is valid for {code_ttl_minutes} minutes, and you \
                 can ask for a new one on the page. {after}\n\n\
                 The link can be used until {expires_on}. Do not forward this e-mail: the certificate gives \
                 access to our services on your organisation's behalf.\n\n\
                 If you did not expect this message, contact our support.\n"
            );
            (subject, body)
        }
        Locale::Nb => {
            let (subject, ready, open_where, after) = match custody {
                Custody::Server => (
                    format!("Klientsertifikatet for {service} er klart"),
                    format!("et klientsertifikat «{client}» for {org} er utstedt for {service}."),
                    " på serveren der sertifikatet skal brukes",
                    "Etter nedlastingen kommer passordet som åpner filen, i en ny SMS.",
                ),
                Custody::Browser => (
                    format!("Klientsertifikatet for {service} er klart til å utstedes"),
                    format!(
                        "et klientsertifikat «{client}» for {org} er klart til å utstedes for {service}, for en \
                         nøkkel som nettleseren din lager: nøkkelen forlater aldri siden, og vi ser den aldri."
                    ),
                    " på serveren der sertifikatet skal brukes",
                    "Siden lager deretter nøkkelen, henter sertifikatet for den og lagrer begge i en kryptert \
                     fil, med et passord den viser deg én gang: ikke noe passord kommer på SMS.",
                ),
                Custody::Csr => (
                    format!("Klientsertifikatet for {service} er klart til å utstedes"),
                    format!(
                        "et klientsertifikat «{client}» for {org} er klart til å utstedes for {service}, for en \
                         nøkkel du lager på din egen server: nøkkelen forlater den aldri, og vi ser den aldri."
                    ),
                    "",
                    "Siden viser deretter hvordan du lager nøkkelen og sertifikatforespørselen, og gir deg \
                     sertifikatet med en gang.",
                ),
            };
            let body = format!(
                "Hei {contact_name},\n\n\
                 {ready}\n\n\
                 Åpne denne lenken i en nettleser{open_where}:\n\n\
                 {url}\n\n\
                 Du får en engangskode på SMS; den gjelder i {code_ttl_minutes} minutter, og du kan be om en \
                 ny på siden. {after}\n\n\
                 Lenken kan brukes til og med {expires_on}. Ikke videresend denne e-posten: sertifikatet gir \
                 tilgang til tjenestene våre på vegne av organisasjonen din.\n\n\
                 Kontakt kundestøtte hvis du ikke ventet denne meldingen.\n"
            );
            (subject, body)
        }
    }
}

/// The body of the code SMS.
pub fn code_sms(locale: Locale, code: &str, ttl_minutes: u32) -> String {
    match locale {
        Locale::En => format!(
            "Your one-time code for collecting the client certificate: {code}\nIt is valid for {ttl_minutes} \
             minutes. Never share it with anyone."
        ),
        Locale::Nb => format!(
            "Engangskoden din for å hente klientsertifikatet: {code}\nDen gjelder i {ttl_minutes} minutter. \
             Ikke del den med noen."
        ),
    }
}

/// The SMS that says a certificate was issued for the customer's own key: no password goes
/// out for such a key, but the mobile's owner should still learn of every certificate.
pub fn issued_sms(locale: Locale, client: &str, serial: &str) -> String {
    match locale {
        Locale::En => format!(
            "A certificate for \"{client}\" was issued for your own key (serial {serial}). If you \
             did not ask for it, contact the vendor's support."
        ),
        Locale::Nb => format!(
            "Et sertifikat for «{client}» ble utstedt for deres egen nøkkel (serienummer {serial}). \
             Hvis dere ikke ba om det, kontakt leverandørens brukerstøtte."
        ),
    }
}

/// The body of the password SMS.
pub fn password_sms(locale: Locale, client: &str, password: &str) -> String {
    match locale {
        Locale::En => format!(
            "The password for the certificate file \"{client}\" is:\n{password}\nKeep it apart from the file, and \
             delete this SMS once the certificate is installed."
        ),
        Locale::Nb => format!(
            "Passordet til sertifikatfilen «{client}» er:\n{password}\nOppbevar det atskilt fra filen, og slett \
             denne SMS-en når sertifikatet er installert."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit_runs(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|run| !run.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_code_is_the_only_run_of_its_length_in_either_language() {
        for locale in [Locale::En, Locale::Nb] {
            for text in [
                code_sms(locale, "04711234", 30),
                report_code_sms(locale, "04711234", 30),
            ] {
                let runs = digit_runs(&text);
                assert_eq!(
                    runs.iter().filter(|run| run.len() == 8).collect::<Vec<_>>(),
                    ["04711234"]
                );
            }
        }
    }

    #[test]
    fn the_password_stands_alone_on_its_line() {
        for locale in [Locale::En, Locale::Nb] {
            let body = password_sms(locale, "e-banking", "abcde-12345-fghjk-67890");
            assert!(
                body.lines().any(|line| line == "abcde-12345-fghjk-67890"),
                "{body}"
            );
        }
    }

    #[test]
    fn the_link_email_carries_the_url_in_both_languages() {
        let mail = LinkMail {
            contact_name: "Kari",
            org: "Acme",
            service: "API",
            client: "e-banking",
            url: "https://portal.example/collect#token",
            expires_on: "2026-12-04",
            code_ttl_minutes: 30,
            custody: Custody::Server,
        };
        for locale in [Locale::En, Locale::Nb] {
            for &custody in Custody::ALL {
                let (subject, body) = link_email(locale, &LinkMail { custody, ..mail });
                assert!(subject.contains("API"));
                assert!(
                    body.lines()
                        .any(|line| line == "https://portal.example/collect#token")
                );
                // Only the portal's file has a password SMS to announce; the page's has its
                // password on the page.
                let sms_password =
                    body.contains("password that opens") || body.contains("passordet som åpner");
                assert_eq!(sms_password, custody == Custody::Server, "{body}");
                let on_the_server =
                    body.contains("on the server where") || body.contains("på serveren der");
                assert_eq!(on_the_server, custody != Custody::Csr, "{body}");
            }
        }
    }
}
