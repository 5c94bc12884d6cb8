//! The shape every language's catalogue fills in. `{name}` marks a value filled in at run time.

use kit::i18n::Problem;

/// One install guide: a title and the sentences around its commands.
#[derive(Debug)]
pub struct Guide {
    pub title: &'static str,
    /// Before the first block of commands.
    pub intro: &'static str,
    /// Before the second block, for guides with two (empty when there is none).
    pub then: &'static str,
}

/// Every string the collect app shows, for one language.
#[derive(Debug)]
pub struct CollectCatalogue {
    pub language_label: &'static str,
    /// The footer's way to the renewal page.
    pub renew_entry: &'static str,
    pub document_title: &'static str,
    pub brand: &'static str,

    // --- the collect page: arrival
    pub collect_title: &'static str,
    pub loading: &'static str,
    pub try_again: &'static str,
    /// `{name}`
    pub greeting: &'static str,
    pub org_label: &'static str,
    pub service_label: &'static str,
    pub client_label: &'static str,
    pub mobile_label: &'static str,
    pub code_valid_label: &'static str,
    /// `{clock}`, `{time}`
    pub code_valid_value: &'static str,
    pub code_not_valid: &'static str,
    pub link_valid_label: &'static str,
    /// `{n}`, `{total}`: read out before a step's title.
    pub step_label: &'static str,
    pub step_done: &'static str,

    // --- step 1: the warnings
    pub step_warnings: &'static str,
    pub warnings_intro: &'static str,
    pub warnings: [&'static str; 7],
    pub warnings_ack: &'static str,
    pub warnings_ack_needed: &'static str,
    /// The same, when the contact makes the key (custody `csr`).
    pub warnings_intro_csr: &'static str,
    pub warnings_csr: [&'static str; 5],
    pub warnings_ack_csr: &'static str,
    pub warnings_intro_made: &'static str,
    pub warnings_made: [&'static str; 6],

    // --- step 2: the code
    pub step_code: &'static str,
    pub code_label: &'static str,
    /// `{mobile}`
    pub code_help: &'static str,
    pub code_submit: &'static str,
    pub code_checking: &'static str,
    /// `{time}`, `{clock}`
    pub code_countdown: &'static str,
    pub code_dead: &'static str,
    /// `{n}`
    pub attempts_left: &'static str,
    pub resend_question: &'static str,
    pub resend_button: &'static str,
    pub resend_sending: &'static str,
    /// `{time}`
    pub resend_wait: &'static str,
    /// `{n}`
    pub resends_left: &'static str,
    /// `{mobile}`
    pub resend_sent: &'static str,
    pub code_accepted: &'static str,

    // --- step 3: the download
    pub step_download: &'static str,
    pub download_intro: &'static str,
    pub download_button: &'static str,
    pub downloading: &'static str,
    pub download_progress: &'static str,
    /// `{n}`
    pub downloads_left: &'static str,
    /// `{time}`
    pub session_left: &'static str,
    pub verified_digest: &'static str,
    pub verified_pkcs12: &'static str,
    /// `{file}`
    pub saved_as: &'static str,
    pub save_again: &'static str,
    pub save_hint: &'static str,
    pub confirming: &'static str,
    pub confirm_again: &'static str,
    /// `{mobile}`
    pub password_on_its_way: &'static str,

    // --- step 4: the check
    pub step_check: &'static str,
    pub check_intro: &'static str,
    pub check_intro_made: &'static str,
    pub check_again: &'static str,
    pub password_label: &'static str,
    pub password_help: &'static str,
    pub password_show: &'static str,
    pub password_submit: &'static str,
    pub checking: &'static str,
    pub summary_title: &'static str,
    pub result_password: &'static str,
    pub result_key: &'static str,
    /// `{ca}`
    pub result_chain_ok: &'static str,
    /// `{why}`
    pub result_chain_bad: &'static str,
    pub result_chain_unknown: &'static str,
    pub result_chain_unchecked: &'static str,
    /// `{status}`, `{n}`
    pub result_validity: &'static str,
    pub subject_label: &'static str,
    pub issuer_label: &'static str,
    pub serial_label: &'static str,
    pub valid_from_label: &'static str,
    pub valid_until_label: &'static str,
    pub days_left_label: &'static str,
    pub key_label: &'static str,
    pub fingerprint_label: &'static str,
    pub fingerprint_colon_label: &'static str,
    pub validity_valid: &'static str,
    pub validity_not_yet: &'static str,
    pub validity_expired: &'static str,
    /// `{ms}`
    pub checked_in: &'static str,

    // --- step 5: the install guides
    pub step_install: &'static str,
    /// `{file}`
    pub guides_intro: &'static str,
    /// `{file}`
    pub guides_intro_made: &'static str,
    pub guide_placeholder_note: &'static str,
    pub guide_curl: Guide,
    pub guide_java: Guide,
    pub guide_dotnet: Guide,
    pub guide_windows: Guide,
    pub guide_macos: Guide,
    pub guide_nginx: Guide,
    pub guide_haproxy: Guide,
    pub guide_compat: &'static str,
    pub reminder_title: &'static str,
    pub reminders: [&'static str; 4],

    // --- step 3 when the contact makes the key: the certificate request
    pub step_request: &'static str,
    pub request_intro: &'static str,
    pub guide_openssl: Guide,
    pub guide_certreq: Guide,
    /// `{subject}`
    pub request_subject_note: &'static str,
    pub request_label: &'static str,
    pub request_help: &'static str,
    pub request_file_label: &'static str,
    pub request_submit: &'static str,
    pub request_sending: &'static str,
    pub request_signed: &'static str,

    // --- step 4 when the contact makes the key: the certificate (titled `step_install`)
    pub certificate_issued: &'static str,
    /// `{mobile}`
    pub certificate_sms: &'static str,
    pub certificate_keep: &'static str,
    pub certificate_pem_label: &'static str,
    /// `{file}`
    pub certificate_save: &'static str,
    /// `{file}`
    pub chain_save: &'static str,
    /// `{file}`, `{key}`
    pub certificate_guides_intro: &'static str,
    pub guide_csr_curl: Guide,
    pub guide_csr_java: Guide,
    pub guide_csr_windows: Guide,
    pub guide_csr_nginx: Guide,
    pub guide_csr_haproxy: Guide,
    pub reminders_csr: [&'static str; 4],

    // --- step 3 when the page makes the key
    pub step_build: &'static str,
    pub build_intro: &'static str,
    pub build_button: &'static str,
    pub build_working: &'static str,
    pub build_making_key: &'static str,
    pub build_sending: &'static str,
    pub build_sealing: &'static str,
    pub build_key_made: &'static str,
    /// `{serial}`
    pub build_issued: &'static str,
    pub made_password_title: &'static str,
    pub made_password_once: &'static str,
    pub password_copy: &'static str,
    pub password_copied: &'static str,
    pub reminders_made: [&'static str; 4],

    // --- problems, by the stable error codes and the page's own checks
    pub no_token: Problem,
    pub unknown_link: Problem,
    pub link_expired: Problem,
    pub link_used: Problem,
    pub link_cancelled: Problem,
    /// `next` takes `{n}`
    pub wrong_code: Problem,
    pub wrong_code_last: Problem,
    pub code_expired: Problem,
    pub code_locked: Problem,
    pub code_shape: Problem,
    /// `next` takes `{time}`
    pub resend_cooldown: Problem,
    pub resend_limit: Problem,
    pub session_invalid: Problem,
    pub download_limit: Problem,
    pub bundle_gone: Problem,
    pub digest_mismatch: Problem,
    pub digest_missing: Problem,
    pub not_pkcs12: Problem,
    pub save_failed: Problem,
    /// `next` takes `{time}`
    pub rate_limited: Problem,
    pub unreachable: Problem,
    pub server_error: Problem,
    pub wrong_password: Problem,
    /// `what` takes `{why}`
    pub file_refused: Problem,
    pub csr_empty: Problem,
    pub csr_malformed: Problem,
    pub csr_too_large: Problem,
    pub csr_bad_signature: Problem,
    pub csr_weak_key: Problem,
    pub csr_key_reused: Problem,
    pub csr_blocked_key: Problem,
    pub csr_unsupported: Problem,
    pub csr_not_expected: Problem,
    pub file_unreadable: Problem,
    pub no_webcrypto: Problem,
    pub build_failed: Problem,

    // --- other pages
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_hint: &'static str,
    pub not_found_admin_link: &'static str,
}
