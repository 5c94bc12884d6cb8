//! The report page's own strings, in English and Norwegian (Bokmål); the header, the loading
//! line and the words for refusals are the collect app's.

use kit::i18n::{Lang, Problem, use_i18n};
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
    // The renewal page.
    pub renew_title: &'static str,
    pub renew_intro: &'static str,
    pub renew_private: &'static str,
    pub renew_file_label: &'static str,
    pub renew_password_label: &'static str,
    pub renew_submit: &'static str,
    pub renew_working: &'static str,
    pub renew_done_title: &'static str,
    /// `{mobile}`
    pub renew_sent: &'static str,
    /// `{serial}`
    pub renew_old: &'static str,
    pub renew_no_file: Problem,
    pub renew_revoked: Problem,
    pub renew_expired: Problem,
    pub renew_not_ours: Problem,
    pub renew_under_way: Problem,
    pub renew_bad_signature: Problem,
    pub renew_try_again: Problem,
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
    renew_title: "Renew your client certificate",
    renew_intro: "Open the certificate file you use now (the .p12 file you collected) and type its password. A new certificate for the same client then comes by the usual way: a link by e-mail and a code by SMS.",
    renew_private: "The file, its key and its password stay in this browser: the portal gets the certificate, and a signature over a one-time challenge that shows the page holds its key.",
    renew_file_label: "The certificate file you use now",
    renew_password_label: "Its password (from the SMS you got with it)",
    renew_submit: "Renew the certificate",
    renew_working: "Renewing…",
    renew_done_title: "The renewal has started",
    renew_sent: "The link to collect the new certificate is on its way to the contact's e-mail, and the code to {mobile}.",
    renew_old: "The certificate you use now ({serial}) keeps working until the new one is collected; then it is withdrawn.",
    renew_no_file: Problem {
        what: "No file is chosen.",
        next: "Choose the .p12 file of the certificate you use now.",
    },
    renew_revoked: Problem {
        what: "This certificate was withdrawn, so it cannot renew itself.",
        next: "Ask the vendor's support for a new certificate.",
    },
    renew_expired: Problem {
        what: "This certificate ended too long ago to renew itself.",
        next: "Ask the vendor's support for a new certificate.",
    },
    renew_not_ours: Problem {
        what: "This file's certificate was not issued by this portal.",
        next: "Choose the file you collected here.",
    },
    renew_under_way: Problem {
        what: "This certificate is being renewed already.",
        next: "The contact has the link and the code for the new one; support can send them again.",
    },
    renew_bad_signature: Problem {
        what: "The file's key did not prove itself to the portal.",
        next: "Choose the file again and try once more.",
    },
    renew_try_again: Problem {
        what: "The renewal did not go through.",
        next: "Try again.",
    },
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
    renew_title: "Forny klientsertifikatet",
    renew_intro: "Åpne sertifikatfilen dere bruker nå (.p12-filen du hentet), og skriv passordet. Et nytt sertifikat for samme klient kommer så på vanlig måte: en lenke på e-post og en kode på SMS.",
    renew_private: "Filen, nøkkelen og passordet blir i denne nettleseren: portalen får sertifikatet, og en signatur over en engangsutfordring som viser at siden har nøkkelen.",
    renew_file_label: "Sertifikatfilen dere bruker nå",
    renew_password_label: "Passordet (fra SMS-en du fikk med den)",
    renew_submit: "Forny sertifikatet",
    renew_working: "Fornyer …",
    renew_done_title: "Fornyelsen er i gang",
    renew_sent: "Lenken for å hente det nye sertifikatet er på vei til kontaktpersonens e-post, og koden til {mobile}.",
    renew_old: "Sertifikatet dere bruker nå ({serial}) virker til det nye er hentet; da trekkes det tilbake.",
    renew_no_file: Problem {
        what: "Ingen fil er valgt.",
        next: "Velg .p12-filen til sertifikatet dere bruker nå.",
    },
    renew_revoked: Problem {
        what: "Dette sertifikatet er trukket tilbake, så det kan ikke fornye seg selv.",
        next: "Be leverandørens kundestøtte om et nytt sertifikat.",
    },
    renew_expired: Problem {
        what: "Dette sertifikatet gikk ut for for lenge siden til å fornye seg selv.",
        next: "Be leverandørens kundestøtte om et nytt sertifikat.",
    },
    renew_not_ours: Problem {
        what: "Sertifikatet i denne filen er ikke utstedt av denne portalen.",
        next: "Velg filen du hentet her.",
    },
    renew_under_way: Problem {
        what: "Dette sertifikatet er allerede under fornyelse.",
        next: "Kontaktpersonen har lenken og koden til det nye; kundestøtte kan sende dem på nytt.",
    },
    renew_bad_signature: Problem {
        what: "Nøkkelen i filen ble ikke godtatt av portalen.",
        next: "Velg filen på nytt og prøv igjen.",
    },
    renew_try_again: Problem {
        what: "Fornyelsen gikk ikke gjennom.",
        next: "Prøv igjen.",
    },
};
