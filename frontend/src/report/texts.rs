//! The report page's own strings, in English and Norwegian (Bokmål); the header, the loading
//! line and the words for refusals are the collect app's.

use kit::i18n::{Lang, use_i18n};
use leptos::prelude::*;

/// A string that follows the language. A `fn` pick, as in the collect app: one derived signal
/// for every string rather than one per closure type.
pub fn text(pick: fn(&'static ReportCatalogue) -> &'static str) -> Signal<&'static str> {
    use_i18n().text(catalogue, pick)
}

/// One of two strings, by a condition (a button's label while it works).
pub fn text_if(
    condition: impl Get<Value = bool> + Send + Sync + 'static,
    yes: fn(&'static ReportCatalogue) -> &'static str,
    no: fn(&'static ReportCatalogue) -> &'static str,
) -> Signal<&'static str> {
    use_i18n().text_if(catalogue, condition, yes, no)
}

/// Text built from the strings and values, following the language.
pub fn format(
    build: impl Fn(&'static ReportCatalogue) -> String + Send + Sync + 'static,
) -> Signal<String> {
    use_i18n().format(catalogue, build)
}

/// Every string the report page adds to the collect app's, for one language.
#[derive(Debug)]
pub struct ReportCatalogue {
    pub title: &'static str,
    /// `{client}`, `{org}`, `{service}`, `{serial}`, `{date}`
    pub intro: &'static str,
    pub explain: &'static str,
    /// `{mobile}`
    pub send_code: &'static str,
    /// `{mobile}`
    pub code_sent: &'static str,
    pub code_label: &'static str,
    pub reason_legend: &'static str,
    pub reason_lost: &'static str,
    pub reason_unneeded: &'static str,
    pub submit: &'static str,
    pub working: &'static str,
    pub done_title: &'static str,
    /// `{date}`
    pub done_at: &'static str,
    pub done_next: &'static str,
    pub renew: &'static str,
    pub renew_done: &'static str,
}

/// The report page's strings in `lang`.
pub fn catalogue(lang: Lang) -> &'static ReportCatalogue {
    match lang {
        Lang::En => &EN,
        Lang::Nb => &NB,
    }
}

static EN: ReportCatalogue = ReportCatalogue {
    title: "Withdraw your client certificate",
    intro: "The client certificate \"{client}\" for {org} ({service}), serial {serial}, works until {date}.",
    explain: "Withdraw it if it is lost, if someone else may have it, or if it is no longer needed. It stops working with our services at once, and cannot be used again.",
    send_code: "Send a code to {mobile}",
    code_sent: "A code is on its way to {mobile}.",
    code_label: "Code from the SMS",
    reason_legend: "Why withdraw it?",
    reason_lost: "It is lost, or someone else may have it",
    reason_unneeded: "It is no longer needed",
    submit: "Withdraw the certificate",
    working: "Withdrawing…",
    done_title: "The certificate is withdrawn",
    done_at: "Withdrawn on {date}.",
    done_next: "From now on our services refuse connections made with it, and the vendor's support has been told. Remove it from the server where it was installed. If you still need access, ask for a new certificate: it comes by the same process, with a new link and code.",
    renew: "Ask for a new certificate",
    renew_done: "Your request went to the vendor's support. You will get an e-mail with a new link once they have approved it.",
};

static NB: ReportCatalogue = ReportCatalogue {
    title: "Trekk tilbake klientsertifikatet",
    intro: "Klientsertifikatet «{client}» for {org} ({service}), serienummer {serial}, virker til {date}.",
    explain: "Trekk det tilbake hvis det er mistet, hvis noen andre kan ha det, eller hvis det ikke trengs lenger. Det slutter å virke mot tjenestene våre med en gang, og kan ikke brukes igjen.",
    send_code: "Send en kode til {mobile}",
    code_sent: "En kode er på vei til {mobile}.",
    code_label: "Kode fra SMS-en",
    reason_legend: "Hvorfor trekke det tilbake?",
    reason_lost: "Det er mistet, eller noen andre kan ha det",
    reason_unneeded: "Det trengs ikke lenger",
    submit: "Trekk tilbake sertifikatet",
    working: "Trekker tilbake …",
    done_title: "Sertifikatet er trukket tilbake",
    done_at: "Trukket tilbake {date}.",
    done_next: "Fra nå av avviser tjenestene våre tilkoblinger med det, og leverandørens kundestøtte har fått beskjed. Fjern det fra serveren det var installert på. Trenger dere fortsatt tilgang, kan du be om et nytt sertifikat: det kommer på samme måte, med ny lenke og kode.",
    renew: "Be om et nytt sertifikat",
    renew_done: "Forespørselen din gikk til leverandørens kundestøtte. Du får en e-post med ny lenke når de har godkjent den.",
};
