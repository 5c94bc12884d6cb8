//! Credentials handed out once: a first password and the TOTP enrolment (a QR code for the
//! authenticator app, and the URI for those that take text). They live in this page's memory
//! only until "done", and are never shown again.

use crate::i18n::use_texts;
use base64::Engine as _;
use certportal_shared::api::admin::Enrolment;
use kit::i18n::fill;
use leptos::prelude::*;

pub const TITLE_ID: &str = "enrolment-title";

/// The QR code SVG as an image address: the page's policy allows `data:` images and no
/// inline markup styles, and an `<img>` also keeps the portal's SVG out of the page's DOM.
fn qr_src(svg: &str) -> String {
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

#[component]
pub fn EnrolmentPanel(enrolment: Enrolment, done: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    let user = enrolment.username.clone();
    let title = texts.format(move |t| fill(t.enrolment_title, &[("name", &user)]));
    let user = enrolment.username.clone();
    let qr_alt = texts.format(move |t| fill(t.qr_alt, &[("name", &user)]));
    view! {
        <section class="card enrolment" aria-labelledby=TITLE_ID data-test="enrolment">
            <h2 id=TITLE_ID tabindex="-1">{title}</h2>
            <p class="warnings">{texts.text(|t| t.enrolment_once)}</p>
            {enrolment.password.map(|password| view! {
                <h3>{texts.text(|t| t.first_password_title)}</h3>
                <p class="field-help">{texts.text(|t| t.first_password_help)}</p>
                <p><code class="secret" data-test="enrolment-password">{password}</code></p>
            })}
            {enrolment.totp_qr_svg.map(|svg| view! {
                <h3>{texts.text(|t| t.totp_title)}</h3>
                <p class="field-help">{texts.text(|t| t.totp_enrol_help)}</p>
                <img class="qr" data-test="enrolment-qr" src=qr_src(&svg) alt=qr_alt width="232" height="232" />
            })}
            {enrolment.totp_uri.map(|uri| view! {
                <p class="field-help">{texts.text(|t| t.totp_uri_help)}</p>
                <p><code class="secret" data-test="enrolment-uri">{uri}</code></p>
            })}
            <button type="button" class="button button-primary" data-test="enrolment-done"
                on:click=move |_| done.run(())>
                {texts.text(|t| t.enrolment_done)}
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::qr_src;

    #[test]
    fn the_qr_code_travels_as_a_base64_data_address() {
        let src = qr_src("<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        assert!(src.starts_with("data:image/svg+xml;base64,PHN2Zy"), "{src}");
        assert!(!src.contains('<'));
    }
}
