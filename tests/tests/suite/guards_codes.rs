//! The code's limits under attack: guesses sent all at once, from outside, as an attacker
//! with the link would send them.

use certportal_shared::routes;
use certportal_tests::*;
use futures::future::join_all;

/// Sends 40 wrong codes at once, then the right one, and checks that only five were
/// compared (each 400 with the tries left), the rest refused unseen (429), the right code
/// refused too, and five failures in the order's timeline.
async fn forty_parallel_guesses_get_five_tries(app: TestApp) {
    let collect = app.order_with_link().await;
    let wrong = wrong_code(&collect.code);
    let answers = join_all((0..40).map(|_| app.verify(&collect.token, &wrong))).await;
    let mut left = Vec::new();
    let mut locked = 0;
    for answer in answers {
        match refusal(answer).await {
            (400, code, body) if code == "WRONG_CODE" => {
                left.push(body["attempts_left"].as_u64().expect("attempts_left"));
            }
            (429, code, _) if code == "CODE_LOCKED" => locked += 1,
            (status, code, _) => panic!("unexpected answer {status} {code}"),
        }
    }
    left.sort_unstable();
    assert_eq!(
        left,
        [0, 1, 2, 3, 4],
        "five guesses compared, each with its own count"
    );
    assert_eq!(locked, 35, "the rest refused before any comparison");
    refused(
        app.verify(&collect.token, &collect.code).await,
        429,
        "CODE_LOCKED",
    )
    .await;

    let alice = app.signed_in_admin().await;
    let detail = alice
        .get_json(&routes::admin_order(&collect.order.order_id, None))
        .await;
    let failures = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "code.failed")
        .count();
    assert_eq!(failures, 5, "the timeline shows the five compared guesses");
    assert_eq!(detail["code_attempts"], 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn forty_parallel_wrong_codes_get_five_tries_and_lock_the_right_one_out() {
    forty_parallel_guesses_get_five_tries(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forty_parallel_wrong_codes_get_five_tries_on_postgresql() {
    forty_parallel_guesses_get_five_tries(TestApp::builder().postgres().spawn().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_right_code_sent_many_times_at_once_opens_one_session() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let answers = join_all((0..20).map(|_| app.verify(&collect.token, &collect.code))).await;
    let mut statuses: Vec<u16> = Vec::new();
    for answer in answers {
        statuses.push(refusal(answer).await.0);
    }
    assert_eq!(
        statuses.iter().filter(|&&status| status == 200).count(),
        1,
        "a code works once, however many ask at once: {statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_link_from_support_ends_the_session_the_old_one_opened() {
    let app = spawn_app().await;
    let collect = app.order_with_link().await;
    let session = app.session(&collect.token, &collect.code).await;
    let alice = app.signed_in_admin().await;
    alice
        .post_json(
            &routes::admin_order(&collect.order.order_id, Some("resend")),
            &serde_json::json!({}),
        )
        .await;
    refused(app.bundle(&session).await, 401, "SESSION_INVALID").await;
    refused(app.open(&collect.token).await, 404, "UNKNOWN_LINK").await;
}
