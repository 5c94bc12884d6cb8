//! The texts of a certificate's later life: the receipt with its report link, the code that
//! withdraws, the notices to support, the reminders before the end and support's digest.

use certportal_shared::model::Locale;

/// What the receipt e-mail says about a handover.
pub struct ReceiptMail<'a> {
    pub contact_name: &'a str,
    pub org: &'a str,
    pub service: &'a str,
    pub client: &'a str,
    pub serial: &'a str,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub at: &'a str,
    /// The address it was collected from, as the portal saw it.
    pub from: &'a str,
    /// "Firefox on Linux", or empty when the browser did not say.
    pub browser: &'a str,
    /// The report link, `BASE_URL/report#<token>`.
    pub url: &'a str,
}

/// The subject and body of the receipt e-mail: when, from where and with what the
/// certificate was collected, and the link to withdraw it if that was not the contact.
pub fn receipt_email(locale: Locale, mail: &ReceiptMail<'_>) -> (String, String) {
    let ReceiptMail {
        contact_name,
        org,
        service,
        client,
        serial,
        at,
        from,
        browser,
        url,
    } = mail;
    match locale {
        Locale::En => {
            let with = if browser.is_empty() {
                String::new()
            } else {
                format!(", {browser}")
            };
            let subject = format!("Your client certificate for {service} was collected");
            let body = format!(
                "Hello {contact_name},\n\n\
                 the client certificate \"{client}\" for {org} (service {service}, serial {serial}) was \
                 collected on {at} from {from}{with}.\n\n\
                 If this wasn't you, or the certificate is lost or no longer needed, withdraw it here; \
                 the page sends a code to your mobile first:\n\n\
                 {url}\n\n\
                 The link works as long as the certificate does. Keep this e-mail.\n"
            );
            (subject, body)
        }
        Locale::Nb => {
            let with = if browser.is_empty() {
                String::new()
            } else {
                format!(", {browser}")
            };
            let subject = format!("Klientsertifikatet for {service} er hentet");
            let body = format!(
                "Hei {contact_name},\n\n\
                 klientsertifikatet «{client}» for {org} (tjeneste {service}, serienummer {serial}) ble \
                 hentet {at} fra {from}{with}.\n\n\
                 Var det ikke deg, eller er sertifikatet mistet eller ikke lenger i bruk, kan du trekke \
                 det tilbake her; siden sender først en kode til mobilen din:\n\n\
                 {url}\n\n\
                 Lenken virker så lenge sertifikatet gjør det. Ta vare på denne e-posten.\n"
            );
            (subject, body)
        }
    }
}

/// The SMS with the code that withdraws a certificate.
pub fn report_code_sms(locale: Locale, code: &str, ttl_minutes: u32) -> String {
    match locale {
        Locale::En => format!(
            "Your code for withdrawing the client certificate: {code}\nIt is valid for {ttl_minutes} \
             minutes. Never share it with anyone."
        ),
        Locale::Nb => format!(
            "Koden din for å trekke tilbake klientsertifikatet: {code}\nDen gjelder i {ttl_minutes} \
             minutter. Ikke del den med noen."
        ),
    }
}

/// What support is told of a contact's own step.
pub struct SupportNotice<'a> {
    pub org: &'a str,
    pub service: &'a str,
    pub client: &'a str,
    pub serial: &'a str,
    pub order_id: &'a str,
    pub contact: &'a str,
    pub from: &'a str,
    pub browser: &'a str,
}

/// The e-mail to support when a contact withdrew a certificate (`reason` given) or asked for
/// a new one (`None`). In English: the desk's working language is the vendor's.
pub fn support_email(notice: &SupportNotice<'_>, reason: Option<&str>) -> (String, String) {
    let SupportNotice {
        org,
        service,
        client,
        serial,
        order_id,
        contact,
        from,
        browser,
    } = notice;
    let (subject, what) = match reason {
        Some(reason) => (
            format!("Withdrawn by the contact: {org} / {client} ({service})"),
            format!("withdrew certificate {serial} themselves (reason: {reason})"),
        ),
        None => (
            format!("New certificate asked for: {org} / {client} ({service})"),
            format!(
                "asks for a new certificate in place of {serial}; renew order {order_id} on the \
                 admin page to start the normal flow"
            ),
        ),
    };
    let body = format!("{contact} {what}, from {from} ({browser}).\n\nOrder: {order_id}\n");
    (subject, body)
}

/// What a reminder says about the certificate that ends.
pub struct ReminderMail<'a> {
    pub contact_name: &'a str,
    pub org: &'a str,
    pub service: &'a str,
    pub client: &'a str,
    pub serial: &'a str,
    /// The day it ends, `YYYY-MM-DD` (UTC).
    pub ends_on: &'a str,
    /// Whole days left; 0 or less once it has ended.
    pub days_left: i64,
    /// The report link: ask for a new certificate there (or withdraw this one).
    pub url: &'a str,
    /// The renewal page: renew there with the certificate's own file.
    pub renew_url: &'a str,
}

/// The subject and body of a reminder before (or on) the day a certificate ends.
pub fn reminder_email(locale: Locale, mail: &ReminderMail<'_>) -> (String, String) {
    let ReminderMail {
        contact_name,
        org,
        service,
        client,
        serial,
        ends_on,
        days_left,
        url,
        renew_url,
    } = mail;
    match locale {
        Locale::En => {
            let when = match days_left {
                ..=0 => format!("ended on {ends_on}"),
                1 => format!("ends tomorrow, {ends_on}"),
                n => format!("ends in {n} days, on {ends_on}"),
            };
            let subject = format!("Your client certificate for {service} {when}");
            let body = format!(
                "Hello {contact_name},\n\n\
                 the client certificate \"{client}\" for {org} (service {service}, serial {serial}) {when}. \
                 After that day our services refuse connections made with it.\n\n\
                 Renew it yourself: open the certificate file you use now on this page, and a new \
                 certificate comes by the same process, with a new link and code; it replaces this \
                 one once you have collected it:\n\n\
                 {renew_url}\n\n\
                 Without the file, ask our support for a new one here:\n\n\
                 {url}\n\n\
                 If the certificate is no longer needed, you can ignore this message.\n"
            );
            (subject, body)
        }
        Locale::Nb => {
            let when = match days_left {
                ..=0 => format!("utløp {ends_on}"),
                1 => format!("utløper i morgen, {ends_on}"),
                n => format!("utløper om {n} dager, {ends_on}"),
            };
            let subject = format!("Klientsertifikatet for {service} {when}");
            let body = format!(
                "Hei {contact_name},\n\n\
                 klientsertifikatet «{client}» for {org} (tjeneste {service}, serienummer {serial}) {when}. \
                 Etter den dagen avviser tjenestene våre tilkoblinger med det.\n\n\
                 Forny det selv: åpne sertifikatfilen dere bruker nå på denne siden, så kommer et \
                 nytt sertifikat på samme måte, med ny lenke og kode; det erstatter dette når du har \
                 hentet det:\n\n\
                 {renew_url}\n\n\
                 Uten filen kan du be kundestøtte om et nytt her:\n\n\
                 {url}\n\n\
                 Trenger dere ikke sertifikatet lenger, kan du se bort fra denne meldingen.\n"
            );
            (subject, body)
        }
    }
}

/// One line of the support digest.
pub struct DigestLine {
    /// `YYYY-MM-DD`.
    pub ends_on: String,
    pub org: String,
    pub service: String,
    pub client: String,
    pub serial: String,
    pub contact: String,
    /// The last stage reminded within the day, if any.
    pub reminded_stage: Option<u32>,
}

/// The subject and body of the support desk's daily digest.
pub fn digest_email(
    locale: Locale,
    day: &str,
    within_days: u32,
    lines: &[DigestLine],
) -> (String, String) {
    let (subject, intro, reminded) = match locale {
        Locale::En => (
            format!("Client certificates ending within {within_days} days ({day})"),
            format!(
                "{} certificates end within {within_days} days:",
                lines.len()
            ),
            "reminded today, stage",
        ),
        Locale::Nb => (
            format!("Klientsertifikater som utløper innen {within_days} dager ({day})"),
            format!(
                "{} sertifikater utløper innen {within_days} dager:",
                lines.len()
            ),
            "påminnet i dag, trinn",
        ),
    };
    let mut body = format!("{intro}\n\n");
    for line in lines {
        body.push_str(&format!(
            "{}  {} / {} / {}  serial {}  {}",
            line.ends_on, line.org, line.service, line.client, line.serial, line.contact
        ));
        if let Some(stage) = line.reminded_stage {
            body.push_str(&format!("  ({reminded} {stage})"));
        }
        body.push('\n');
    }
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_says_how_long_is_left_and_names_the_serial_in_both_languages() {
        let mail = |days_left| ReminderMail {
            contact_name: "Kari",
            org: "Acme",
            service: "API",
            client: "e-banking",
            serial: "0a1b2c",
            ends_on: "2028-12-01",
            days_left,
            url: "https://portal.example/report#token",
            renew_url: "https://portal.example/renew",
        };
        let subjects: Vec<String> = [30, 1, 0, -3]
            .into_iter()
            .map(|days| reminder_email(Locale::En, &mail(days)).0)
            .collect();
        assert_eq!(
            subjects,
            [
                "Your client certificate for API ends in 30 days, on 2028-12-01",
                "Your client certificate for API ends tomorrow, 2028-12-01",
                "Your client certificate for API ended on 2028-12-01",
                "Your client certificate for API ended on 2028-12-01",
            ]
        );
        for locale in [Locale::En, Locale::Nb] {
            let (subject, body) = reminder_email(locale, &mail(7));
            assert!(
                subject.contains('7') && subject.contains("2028-12-01"),
                "{subject}"
            );
            assert!(body.contains("0a1b2c") && body.contains("Kari"), "{body}");
            assert!(
                body.lines()
                    .any(|line| line == "https://portal.example/report#token")
                    && body
                        .lines()
                        .any(|line| line == "https://portal.example/renew"),
                "{body}"
            );
        }
    }

    #[test]
    fn the_digest_lists_each_certificate_and_which_were_reminded() {
        let line = |serial: &str, reminded_stage| DigestLine {
            ends_on: "2028-12-01".into(),
            org: "Acme".into(),
            service: "API".into(),
            client: "e-banking".into(),
            serial: serial.into(),
            contact: "Kari <kari@example.no>".into(),
            reminded_stage,
        };
        let (subject, body) = digest_email(
            Locale::En,
            "2028-11-01",
            60,
            &[line("aa", Some(30)), line("bb", None)],
        );
        assert!(subject.contains("2028-11-01"), "{subject}");
        let lines: Vec<&str> = body.lines().filter(|l| l.contains("serial")).collect();
        assert_eq!(lines.len(), 2, "{body}");
        assert!(lines[0].contains("serial aa") && lines[0].ends_with("stage 30)"));
        assert!(lines[1].contains("serial bb") && !lines[1].contains("stage"));
    }
}
