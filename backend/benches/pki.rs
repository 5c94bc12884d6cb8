//! What an order costs in CPU, and what the inspector costs on the file it makes.
//!
//! `cargo bench -p certportal --bench pki`; `cargo xtask bench` sets these beside the openssl
//! CLI doing the same work.

#![allow(clippy::expect_used)]

use certportal::pki::{self, Ca, ClientCertRequest};
use certportal::secrets::random;
use certportal_shared::model::{ClientName, KeyType, Organisation, Profile, Service};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use time::OffsetDateTime;

fn issue_and_wrap(ca: &Ca, key: KeyType, profile: Profile) -> (Vec<u8>, String) {
    let (org, service, client) = names();
    let request = ClientCertRequest {
        org: &org,
        service: &service,
        client: &client,
        key,
        not_before: OffsetDateTime::now_utc(),
        validity_days: 730,
        status: certportal::pki::StatusUrls {
            crl: "https://portal.example/crl".into(),
            ocsp: "http://portal.example/ocsp".into(),
        },
    };
    let issued = pki::issue(ca, &request).expect("issue");
    let password = random::password(20).expect("random");
    let file = pki::write_pkcs12(
        &issued,
        ca.cert_der(),
        "e-banking",
        &password,
        profile,
        10_000,
    )
    .expect("pkcs12");
    (file.to_vec(), password.to_string())
}

fn names() -> (Organisation, Service, ClientName) {
    (
        Organisation::parse("Acme AS").expect("valid"),
        Service::parse("Payments API").expect("valid"),
        ClientName::parse("e-banking").expect("valid"),
    )
}

fn benches(c: &mut Criterion) {
    let ca = Ca::create(
        "Bench CA",
        KeyType::Rsa2048,
        3650,
        OffsetDateTime::now_utc(),
    )
    .expect("ca");
    let mut group = c.benchmark_group("order");
    group.sample_size(30);
    group.bench_function("rsa2048 key + certificate + PKCS#12 (modern)", |b| {
        b.iter(|| black_box(issue_and_wrap(&ca, KeyType::Rsa2048, Profile::Modern)))
    });
    group.bench_function("p256 key + certificate + PKCS#12 (modern)", |b| {
        b.iter(|| black_box(issue_and_wrap(&ca, KeyType::P256, Profile::Modern)))
    });
    group.finish();

    let (file, password) = issue_and_wrap(&ca, KeyType::Rsa2048, Profile::Modern);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut group = c.benchmark_group("inspector");
    group.sample_size(30);
    group.bench_function("open the default file (native)", |b| {
        b.iter(|| {
            black_box(
                certportal_shared::bundle::open(&file, &password, Some(ca.cert_der()), now)
                    .expect("opens"),
            )
        })
    });
    group.bench_function("probe without the password", |b| {
        b.iter(|| black_box(certportal_shared::bundle::probe(&file).expect("probes")))
    });
    group.finish();
}

criterion_group!(pki_benches, benches);
criterion_main!(pki_benches);
