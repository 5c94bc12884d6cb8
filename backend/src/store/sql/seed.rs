//! Made-up history for a demo data dir, written a batch of rows per statement: a million
//! orders one statement each would take an hour.

use super::*;

/// The most values one statement binds. Both databases take many more, but sqlx looks up
/// each of SQLite's numbered parameters by name among all of them: the cost of a statement
/// grows with the square of its values.
const VALUES_MAX: usize = 1_000;

/// `INSERT INTO table (columns) VALUES (...), (...)` for as many rows as fit, repeatedly.
async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Bind>>,
) -> StoreResult<()> {
    let per_statement = VALUES_MAX / columns.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut binds = Binds::default();
        let tuples: Vec<String> = rows
            .by_ref()
            .take(per_statement)
            .map(|row| {
                let placeholders: Vec<String> =
                    row.into_iter().map(|value| binds.bind(value)).collect();
                format!("({})", placeholders.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
        binds.query(&sql).execute(&mut **tx).await?;
    }
    Ok(())
}

fn text(value: &str) -> Bind {
    Bind::Text(value.to_owned())
}

#[async_trait]
impl SeedStore for SqlStore {
    async fn write_history(&self, orders: &[HistoricOrder]) -> StoreResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let certificates = orders
            .iter()
            .filter_map(|order| order.certificate.as_ref())
            .map(|cert| {
                vec![
                    text(&cert.serial),
                    text(&cert.order_id),
                    text(&cert.subject),
                    text(&cert.key_type),
                    Bind::Int(cert.not_before),
                    Bind::Int(cert.not_after),
                    text(&cert.fingerprint),
                    text(&cert.key_sha256),
                    Bind::Bytes(cert.der.clone()),
                    Bind::MaybeInt(cert.revoked_at),
                    Bind::MaybeText(cert.revocation_reason.map(|r| r.as_str().to_owned())),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "certificates",
            &[
                "serial",
                "order_id",
                "subject",
                "key_type",
                "not_before",
                "not_after",
                "fingerprint",
                "key_sha256",
                "der",
                "revoked_at",
                "revocation_reason",
            ],
            certificates,
        )
        .await?;
        let rows = orders
            .iter()
            .map(|order| {
                let spec = &order.spec;
                vec![
                    text(&order.id),
                    Bind::MaybeText(order.certificate.as_ref().map(|c| c.serial.clone())),
                    text(spec.custody.as_str()),
                    text(spec.org.as_str()),
                    text(spec.service.as_str()),
                    text(spec.client.as_str()),
                    text(spec.contact_name.as_str()),
                    text(spec.email.as_str()),
                    text(spec.mobile.as_str()),
                    text(spec.key.as_str()),
                    text(spec.profile.as_str()),
                    text(spec.locale.as_str()),
                    text(order.state.as_str()),
                    Bind::Int(order.created_at),
                    text(&order.created_by),
                    Bind::Int(order.updated_at),
                    Bind::Bytes(order.link_hash.clone()),
                    Bind::Int(order.link_expires_at),
                    Bind::Int(order.created_at),
                    Bind::Int(order.created_at),
                    Bind::Int(i64::from(order.downloads)),
                    Bind::MaybeInt(order.collected_at),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "orders",
            &[
                "id",
                "serial",
                "custody",
                "org",
                "service",
                "client",
                "contact_name",
                "email",
                "mobile",
                "key_type",
                "profile",
                "locale",
                "state",
                "created_at",
                "created_by",
                "updated_at",
                "link_hash",
                "link_expires_at",
                "code_expires_at",
                "code_sent_at",
                "downloads",
                "collected_at",
            ],
            rows,
        )
        .await?;
        let messages = orders
            .iter()
            .flat_map(|order| {
                order.messages.iter().map(move |(channel, purpose, at)| {
                    let recipient = match channel {
                        Channel::Email => order.spec.email.as_str(),
                        _ => order.spec.mobile.as_str(),
                    };
                    vec![
                        Bind::Text(format!("seed:{}:{}", order.id, purpose.as_str())),
                        text(&order.id),
                        text(channel.as_str()),
                        text(recipient),
                        text(purpose.as_str()),
                        text(order.spec.locale.as_str()),
                        Bind::Int(*at),
                        Bind::Int(*at),
                        Bind::Int(1),
                        Bind::Int(*at),
                        Bind::Int(*at),
                        text(MessageState::Sent.as_str()),
                    ]
                })
            })
            .collect();
        insert_rows(
            &mut tx,
            "messages",
            &[
                "idempotency_key",
                "order_id",
                "channel",
                "recipient",
                "purpose",
                "locale",
                "created_at",
                "next_attempt_at",
                "attempts",
                "sent_at",
                "ended_at",
                "status",
            ],
            messages,
        )
        .await?;
        let reminders = orders
            .iter()
            .filter_map(|order| Some((order.certificate.as_ref()?, &order.reminders)))
            .flat_map(|(cert, reminders)| {
                reminders.iter().map(|(stage, at)| {
                    vec![
                        text(&cert.serial),
                        Bind::Int(i64::from(*stage)),
                        Bind::Int(*at),
                    ]
                })
            })
            .collect();
        insert_rows(
            &mut tx,
            "reminders",
            &["serial", "stage", "claimed_at"],
            reminders,
        )
        .await?;
        let audit = orders
            .iter()
            .flat_map(|order| order.audit.iter())
            .map(|event| {
                vec![
                    Bind::Int(event.at),
                    text(&event.actor),
                    text(&event.action),
                    Bind::MaybeText(event.order_id.clone()),
                    Bind::MaybeText(event.serial.clone()),
                    Bind::MaybeText(event.ip.clone()),
                    Bind::MaybeText(event.user_agent.clone()),
                    Bind::MaybeText(event.detail.clone()),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "audit_events",
            &[
                "at",
                "actor",
                "action",
                "order_id",
                "serial",
                "ip",
                "user_agent",
                "detail",
            ],
            audit,
        )
        .await?;
        // The CRL's publisher signs anew when the count of changes moves.
        if orders.iter().any(|order| {
            order
                .certificate
                .as_ref()
                .is_some_and(|c| c.revoked_at.is_some())
        }) {
            sqlx::query("UPDATE crl_changes SET revision = revision + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn settle_history(&self) -> StoreResult<()> {
        // SQLite keeps no statistics unless told to, and a portal's own never tells it.
        if self.backend == Backend::Postgres {
            sqlx::query("VACUUM (ANALYZE)").execute(&self.pool).await?;
        }
        Ok(())
    }
}
