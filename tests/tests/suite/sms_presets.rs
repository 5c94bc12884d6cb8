//! SMS providers by name (`sms.http.preset`): the code SMS reaches a fake of each provider in
//! the shape its API documents (path, form fields and number format, Basic authorization from
//! the account and secret), and Vonage's "200 with a failed status" is not taken for sent.

use certportal::config::{SmsPreset, SmsProvider};
use certportal_tests::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One request the fake provider received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    content_type: String,
    authorization: String,
    form: HashMap<String, String>,
}

/// A fake provider: records each request and answers with `status` and `body`.
#[derive(Clone)]
struct Provider {
    received: Arc<Mutex<Vec<Received>>>,
    answer: Arc<Mutex<(u16, String)>>,
}

impl Provider {
    async fn start(status: u16, body: &str) -> (Self, String) {
        let provider = Self {
            received: Arc::default(),
            answer: Arc::new(Mutex::new((status, body.to_owned()))),
        };
        let shared = provider.clone();
        let router = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: String| {
                let shared = shared.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    shared.received.lock().unwrap().push(Received {
                        path: uri.path().to_owned(),
                        content_type: header("content-type"),
                        authorization: header("authorization"),
                        form: url::form_urlencoded::parse(body.as_bytes())
                            .into_owned()
                            .collect(),
                    });
                    let (status, body) = shared.answer.lock().unwrap().clone();
                    (axum::http::StatusCode::from_u16(status).unwrap(), body)
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (provider, url)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn app_with(preset: SmsPreset, url: String) -> TestApp {
    TestApp::builder()
        .configured_sms()
        .config(move |config| {
            config.sms.provider = SmsProvider::Http;
            config.sms.http.preset = preset;
            config.sms.http.url = url;
            config.sms.http.account = "AC0123".into();
            config.sms.http.secret = "s3cret".into();
            config.sms.http.sender = "Vendor".into();
        })
        .spawn()
        .await
}

/// `Basic base64(AC0123:s3cret)`.
const BASIC: &str = "Basic QUMwMTIzOnMzY3JldA==";

/// The first request, once the order's code SMS went out.
async fn first_request(provider: &Provider) -> Received {
    wait_until(|| provider.received().first().cloned())
        .await
        .expect("the provider got the code SMS")
}

#[tokio::test(flavor = "multi_thread")]
async fn each_preset_sends_the_code_in_its_providers_documented_shape() {
    // (preset, the path the test gives as url, its answer, to, from and text fields, to)
    let cases = [
        (
            SmsPreset::Twilio,
            "/2010-04-01/Accounts/AC0123/Messages.json",
            (201, r#"{"sid": "SM1"}"#),
            ("To", "From", "Body"),
            "+4791234567",
        ),
        (
            SmsPreset::Vonage,
            "/sms/json",
            (
                200,
                r#"{"message-count": "1", "messages": [{"status": "0"}]}"#,
            ),
            ("to", "from", "text"),
            "4791234567",
        ),
        (
            SmsPreset::FortySixElks,
            "/a1/sms",
            (200, r#"{"status": "created"}"#),
            ("to", "from", "message"),
            "+4791234567",
        ),
    ];
    for (preset, path, (status, body), (to, from, text), number) in cases {
        let (provider, base) = Provider::start(status, body).await;
        let app = app_with(preset, format!("{base}{path}")).await;
        let order = app.create_order(sample_order()).await;
        let got = first_request(&provider).await;
        assert_eq!(got.path, path, "{preset:?}");
        assert_eq!(
            got.content_type, "application/x-www-form-urlencoded",
            "{preset:?}"
        );
        assert_eq!(got.authorization, BASIC, "{preset:?}");
        assert_eq!(got.form[to], number, "{preset:?}");
        assert_eq!(got.form[from], "Vendor", "{preset:?}");
        let code = code_in(&got.form[text], 8);
        assert_eq!(code.len(), 8, "{preset:?}: the code is in the text");
        // The portal took the provider's answer as sent: the order moved on.
        let sent = wait_for(|| async {
            let stored = app.stored_order(&order.order_id).await;
            (stored.state.as_str() == "link_sent").then_some(())
        })
        .await;
        assert!(sent.is_some(), "{preset:?}: the message counts as sent");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn vonage_answering_200_with_a_failed_status_is_not_sent() {
    // Status 2: a parameter missing; the message itself will never do.
    let (provider, base) = Provider::start(
        200,
        r#"{"message-count": "1", "messages": [{"status": "2"}]}"#,
    )
    .await;
    let app = app_with(SmsPreset::Vonage, format!("{base}/sms/json")).await;
    let order = app.create_order(sample_order()).await;
    first_request(&provider).await;
    let failed = wait_for(|| async {
        let messages = app
            .state()
            .store
            .messages_for_order(&order.order_id)
            .await
            .unwrap();
        messages
            .into_iter()
            .find(|m| m.purpose.as_str() == "otp" && m.state.as_str() == "failed")
            .map(|m| m.last_error.unwrap_or_default())
    })
    .await
    .expect("the code SMS is given up");
    assert!(failed.contains("Vonage answered status 2"), "{failed}");
    assert_eq!(provider.received().len(), 1, "not tried again");
}
