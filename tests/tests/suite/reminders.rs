//! Reminders before a certificate ends: each stage once to the contact, a stage missed while
//! the portal was down sent late once, revoked and renewed certificates left alone, a daily
//! digest to support, and instances on one PostgreSQL database never sending one twice.

use certportal::clock::Clock;
use certportal::notify::Recording;
use certportal_shared::model::{OrderDraft, Role};
use certportal_shared::routes;
use certportal_tests::*;
use serde_json::json;
use std::collections::BTreeMap;
use time::Duration;

const SUPPORT: &str = "support@vendor.example";

fn with_digest(builder: AppBuilder) -> AppBuilder {
    builder.config(|config| {
        config.support.email = SUPPORT.into();
        config.reminders.digest_hour_utc = 0;
        // The clocks jump by weeks between stages: a message being sent at a jump must not
        // look abandoned to another instance, which would send it again (a test artifact: a
        // real clock does not jump a month while an SMTP call runs).
        config.delivery.claim_seconds = 100 * 86_400;
    })
}

/// The reminders an app sent, as (order id, stage).
fn reminders(apps: &[&TestApp]) -> Vec<(String, u32)> {
    apps.iter()
        .flat_map(|app| app.mail.sent())
        .filter(|m| m.purpose == "expiry_reminder")
        .map(|m| {
            (
                m.order_id.clone().expect("a reminder names its order"),
                m.stage.expect("a reminder carries its stage"),
            )
        })
        .collect()
}

fn digests(apps: &[&TestApp]) -> Vec<Recording> {
    apps.iter()
        .flat_map(|app| app.mail.sent())
        .filter(|m| m.purpose == "expiry_digest")
        .collect()
}

/// Waits for the digest of the first app's current day.
async fn wait_for_digest(apps: &[&TestApp]) {
    let today = certportal::clock::rfc3339(apps[0].clock.now());
    let today = &today[..10];
    let got = wait_until(|| {
        digests(apps)
            .iter()
            .any(|d| d.subject.as_deref().is_some_and(|s| s.contains(today)))
            .then_some(())
    })
    .await;
    assert!(got.is_some(), "no digest for {today}: {:?}", digests(apps));
}

/// Waits until every app's sent reminders include `(order, stage)` for each of `expected`.
async fn wait_for_reminders(apps: &[&TestApp], expected: &[(&str, u32)]) {
    let got = wait_until(|| {
        let sent = reminders(apps);
        expected
            .iter()
            .all(|(order, stage)| sent.iter().any(|(o, s)| o == order && s == stage))
            .then_some(())
    })
    .await;
    assert!(
        got.is_some(),
        "waited for {expected:?}, got {:?}; {}",
        reminders(apps),
        logs::captured()
            .lines()
            .rfind(|line| line.contains("sweep failed"))
            .unwrap_or_default()
    );
}

/// The stages each order was reminded of, in the order they went out.
fn stages_by_order(apps: &[&TestApp]) -> BTreeMap<String, Vec<u32>> {
    let mut by_order: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (order, stage) in reminders(apps) {
        by_order.entry(order).or_default().push(stage);
    }
    by_order
}

/// Moves `apps`' clocks to `days` before `not_after`, and then by `offset`.
fn move_to(apps: &[&TestApp], not_after: i64, days: i64, offset: Duration) {
    for app in apps {
        let target = not_after - days * 86_400 + offset.whole_seconds();
        let by = target - app.now_unix();
        assert!(by >= 0, "clocks only move forward");
        app.clock.advance(Duration::seconds(by));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_stage_reaches_the_contact_once_and_one_missed_while_down_goes_late_once() {
    let mut app = with_digest(TestApp::builder()).spawn().await;
    let alice = app.signed_in_admin().await;
    let reminded = app.order_with_link().await;
    app.collect(&reminded).await;
    let revoked = app.order_with_link().await;
    app.collect(&revoked).await;
    alice
        .post_json(
            &routes::admin_revoke(revoked.order.serial()),
            &json!({"reason": "cessationOfOperation"}),
        )
        .await;
    // Renewed without superseding: the old certificate still works, but its contact has the
    // new one and needs no reminder about the old.
    let renewed = app.order_with_link().await;
    app.collect(&renewed).await;
    let mut body = serde_json::to_value(sample_order()).unwrap();
    body["renews"] = json!(renewed.order.serial());
    body["supersede"] = json!(false);
    let renewal = alice.post_json(routes::ADMIN_ORDERS, &body).await;
    let renewal_id = renewal["order_id"].as_str().unwrap().to_owned();
    let renewal = app.link_and_code_of(&renewal).await;
    app.collect(&renewal).await;
    let not_after = app
        .stored_order(&reminded.order.order_id)
        .await
        .not_after
        .unwrap();
    let id = reminded.order.order_id.as_str();

    move_to(&[&app], not_after, 60, Duration::hours(1));
    // The scan goes soonest end first: once the renewal's own certificate (the last to end)
    // is reminded, the revoked and the renewed ones were passed over.
    wait_for_reminders(&[&app], &[(id, 60), (&renewal_id, 60)]).await;
    let first = app
        .mail
        .sent()
        .into_iter()
        .find(|m| m.purpose == "expiry_reminder" && m.order_id.as_deref() == Some(id))
        .unwrap();
    assert_eq!(first.to, "kari@example.no");
    let subject = first.subject.clone().unwrap();
    assert!(subject.contains("ends in 60 days"), "{subject}");
    assert!(
        first.body.contains(reminded.order.serial()),
        "{}",
        shown(&first.body)
    );
    // The reminder's own report link: near its end, a new certificate can be asked for
    // without withdrawing this one.
    let token = report_token(&first.body);
    let asked: serde_json::Value = app
        .post(routes::REPORT_RENEWAL, &json!({"token": token}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asked["renewal_requested"], true, "{asked}");
    assert!(asked.get("revoked_at").is_none(), "still working: {asked}");
    // Staff sessions do not last the two years the clock moved.
    let carol = app.signed_in("carol", Role::Admin).await;
    let requests = carol.get_json(routes::ADMIN_DASHBOARD).await["renewal_requests"].clone();
    assert_eq!(requests[0]["order_id"], id, "{requests}");
    let by_order = stages_by_order(&[&app]);
    for skipped in [&revoked.order.order_id, &renewed.order.order_id] {
        assert!(!by_order.contains_key(skipped), "{by_order:?}");
    }

    // Down through the 30-day stage and the 7-day one's moment: back up 5 days before the
    // end, the 7-day reminder goes out late, once, and stands for the 30-day one.
    app.stop().await;
    move_to(&[&app], not_after, 5, Duration::ZERO);
    app.restart().await;
    wait_for_reminders(&[&app], &[(id, 7), (&renewal_id, 7)]).await;
    move_to(&[&app], not_after, 1, Duration::hours(1));
    wait_for_reminders(&[&app], &[(id, 1), (&renewal_id, 1)]).await;
    move_to(&[&app], not_after, 0, Duration::hours(1));
    wait_for_reminders(&[&app], &[(id, 0), (&renewal_id, 0)]).await;
    let ended = app
        .mail
        .sent()
        .into_iter()
        .rfind(|m| m.purpose == "expiry_reminder" && m.order_id.as_deref() == Some(id))
        .unwrap();
    assert!(
        ended.subject.as_deref().unwrap().contains("ended on"),
        "{:?}",
        ended.subject
    );
    let by_order = stages_by_order(&[&app]);
    assert_eq!(
        by_order[id],
        [60, 7, 1, 0],
        "each stage once, 30 covered by 7"
    );
    assert_eq!(by_order[&renewal_id], [60, 7, 1, 0]);
    assert_eq!(by_order.len(), 2, "{by_order:?}");

    // Staff sessions do not last two years; sign in again at the new time and address.
    let bob = app.signed_in("bob", Role::Admin).await;
    let detail = bob.get_json(&routes::admin_order(id, None)).await;
    let queued: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "reminder.queued")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(queued.len(), 4, "{queued:?}");
    assert!(
        queued[1].starts_with("stage 7 ") && queued[1].contains("missed stage(s) 30"),
        "the late one says what it stands for: {queued:?}"
    );
    let staged: Vec<u64> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["purpose"] == "expiry_reminder")
        .map(|m| m["stage"].as_u64().unwrap())
        .collect();
    assert_eq!(
        staged,
        [60, 7, 1, 0],
        "the order's messages show each stage"
    );
    let dashboard = bob.get_json(routes::ADMIN_DASHBOARD).await;
    let on_dashboard: Vec<(&str, u64)> = dashboard["reminded"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["order_id"] == id)
        .map(|r| (r["serial"].as_str().unwrap(), r["stage"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        on_dashboard,
        [
            (reminded.order.serial(), 0),
            (reminded.order.serial(), 1),
            (reminded.order.serial(), 7)
        ],
        "the last week's reminders, newest first"
    );

    // One digest a day that something ends, to support, listing what ends. A pass may
    // read the clock for its digest after a jump, so a day visited can go without one; the
    // last day has its own.
    wait_for_digest(&[&app]).await;
    let digests = digests(&[&app]);
    assert!(
        (1..=4).contains(&digests.len()),
        "one per day visited at most: {}",
        digests.len()
    );
    let mut subjects: Vec<String> = digests.iter().map(|d| d.subject.clone().unwrap()).collect();
    subjects.dedup();
    assert_eq!(subjects.len(), digests.len(), "one per day: {subjects:?}");
    assert!(
        digests
            .iter()
            .all(|d| d.to == SUPPORT && d.order_id.is_none())
    );
    assert!(
        digests[0].body.contains(reminded.order.serial())
            && !digests[0].body.contains(revoked.order.serial()),
        "{}",
        digests[0].body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn three_instances_on_postgresql_send_each_stage_and_each_days_digest_once() {
    let first = with_digest(TestApp::builder().postgres()).spawn().await;
    // Enough certificates that a pass takes a while, and three instances sweeping every
    // second at their own moments: passes overlap, and their claims race.
    let collects = futures::future::join_all((0..24).map(|n| {
        let first = &first;
        async move {
            let collect = first
                .order_from(OrderDraft {
                    client: format!("client-{n}"),
                    ..sample_order()
                })
                .await;
            first.collect(&collect).await;
            collect.order.order_id
        }
    }))
    .await;
    let collected: Vec<String> = collects;
    let second = with_digest(TestApp::builder().instance_of(&first))
        .spawn()
        .await;
    let third = with_digest(TestApp::builder().instance_of(&first))
        .spawn()
        .await;
    let mut ends = Vec::new();
    for id in &collected {
        ends.push(first.stored_order(id).await.not_after.unwrap());
    }
    let not_after = *ends.iter().max().unwrap();
    let apps = [&first, &second, &third];
    // Both instances sweep every second; each jump finds them both with the same work due.
    for stage in [60, 30, 7, 1, 0] {
        move_to(&apps, not_after, stage, Duration::hours(1));
        let expected: Vec<(&str, u32)> = collected
            .iter()
            .map(|id| (id.as_str(), stage as u32))
            .collect();
        wait_for_reminders(&apps, &expected).await;
    }
    let by_order = stages_by_order(&apps);
    assert_eq!(by_order.len(), collected.len());
    for (order, stages) in &by_order {
        // Two senders' records, so not in the order they went out.
        let mut stages = stages.clone();
        stages.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(stages, [60, 30, 7, 1, 0], "{order}: each stage once");
    }
    wait_for_digest(&apps).await;
    let mut subjects: Vec<String> = digests(&apps)
        .iter()
        .map(|d| d.subject.clone().unwrap())
        .collect();
    subjects.sort();
    let days = subjects.len();
    subjects.dedup();
    assert_eq!(subjects.len(), days, "each day's digest once: {subjects:?}");
    assert!(days >= 1, "{subjects:?}");
}
