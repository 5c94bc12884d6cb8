//! The texts of the messages, in English and Norwegian (Bokmål).
//!
//! Rules the contract fixes: the link e-mail holds the collect URL; the code SMS holds the code
//! as its only run of digits of that length; the password SMS has the password alone on a line.

use certportal_shared::model::Locale;

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
    /// The contact makes the key (custody `csr`): no file and no password to announce.
    pub own_key: bool,
}

/// The subject and body of the link e-mail.
pub fn link_email(locale: Locale, mail: &LinkMail<'_>) -> (String, String) {
    let LinkMail {
        contact_name,
        org,
        service,
        client,
        url,
        expires_on,
        code_ttl_minutes,
        own_key,
    } = mail;
    match (locale, own_key) {
        (Locale::En, true) => (
            format!("Your client certificate for {service} is ready to be issued"),
            format!(
                "Hello {contact_name},\n\n\
                 a client certificate \"{client}\" for {org} is ready to be issued for {service}, for a key \
                 you make on your own server: the key never leaves it, and we never see it.\n\n\
                 Open this link in a browser:\n\n\
                 {url}\n\n\
                 You will receive a one-time code by SMS; it is valid for {code_ttl_minutes} minutes, and you \
                 can ask for a new one on the page. The page then shows how to make the key and its \
                 certificate request, and hands you the certificate at once.\n\n\
                 The link can be used until {expires_on}. Do not forward this e-mail: the certificate gives \
                 access to our services on your organisation's behalf.\n\n\
                 If you did not expect this message, contact our support.\n"
            ),
        ),
        (Locale::Nb, true) => (
            format!("Klientsertifikatet for {service} er klart til å utstedes"),
            format!(
                "Hei {contact_name},\n\n\
                 et klientsertifikat «{client}» for {org} er klart til å utstedes for {service}, for en nøkkel \
                 du lager på din egen server: nøkkelen forlater den aldri, og vi ser den aldri.\n\n\
                 Åpne denne lenken i en nettleser:\n\n\
                 {url}\n\n\
                 Du får en engangskode på SMS; den gjelder i {code_ttl_minutes} minutter, og du kan be om en \
                 ny på siden. Siden viser deretter hvordan du lager nøkkelen og sertifikatforespørselen, og \
                 gir deg sertifikatet med en gang.\n\n\
                 Lenken kan brukes til og med {expires_on}. Ikke videresend denne e-posten: sertifikatet gir \
                 tilgang til tjenestene våre på vegne av organisasjonen din.\n\n\
                 Kontakt kundestøtte hvis du ikke ventet denne meldingen.\n"
            ),
        ),
        (Locale::En, false) => (
            format!("Your client certificate for {service} is ready"),
            format!(
                "Hello {contact_name},\n\n\
                 a client certificate \"{client}\" for {org} has been issued for {service}.\n\n\
                 Open this link in a browser on the server where the certificate will be used:\n\n\
                 {url}\n\n\
                 You will receive a one-time code by SMS; it is valid for {code_ttl_minutes} minutes, and you \
                 can ask for a new one on the page. After the download, the password that opens the file \
                 arrives in a second SMS.\n\n\
                 The link can be used until {expires_on}. Do not forward this e-mail: the certificate gives \
                 access to our services on your organisation's behalf.\n\n\
                 If you did not expect this message, contact our support.\n"
            ),
        ),
        (Locale::Nb, false) => (
            format!("Klientsertifikatet for {service} er klart"),
            format!(
                "Hei {contact_name},\n\n\
                 et klientsertifikat «{client}» for {org} er utstedt for {service}.\n\n\
                 Åpne denne lenken i en nettleser på serveren der sertifikatet skal brukes:\n\n\
                 {url}\n\n\
                 Du får en engangskode på SMS; den gjelder i {code_ttl_minutes} minutter, og du kan be om en \
                 ny på siden. Etter nedlastingen kommer passordet som åpner filen, i en ny SMS.\n\n\
                 Lenken kan brukes til og med {expires_on}. Ikke videresend denne e-posten: sertifikatet gir \
                 tilgang til tjenestene våre på vegne av organisasjonen din.\n\n\
                 Kontakt kundestøtte hvis du ikke ventet denne meldingen.\n"
            ),
        ),
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

/// The body of the password SMS.
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
            let runs = digit_runs(&code_sms(locale, "04711234", 30));
            assert_eq!(
                runs.iter().filter(|run| run.len() == 8).collect::<Vec<_>>(),
                ["04711234"]
            );
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
            own_key: false,
        };
        for (locale, own_key) in [
            (Locale::En, false),
            (Locale::Nb, false),
            (Locale::En, true),
            (Locale::Nb, true),
        ] {
            let (subject, body) = link_email(locale, &LinkMail { own_key, ..mail });
            assert!(subject.contains("API"));
            assert!(
                body.lines()
                    .any(|line| line == "https://portal.example/collect#token")
            );
            // Only a file has a password to announce.
            let announces_password = body.contains("password") || body.contains("passord");
            assert_eq!(announces_password, !own_key, "{body}");
        }
    }
}
