//! Orders and their certificates.

use super::search::{Search, Use};
use super::*;

/// Collected orders whose live certificate ends after `$2` and before `$1`.
const EXPIRING: &str = "o.serial = c.serial AND o.state = 'collected' AND c.revoked_at IS NULL \
     AND c.not_after < $1 AND c.not_after > $2";

/// An order renewing certificate `$1` that is under way or collected.
const RENEWAL_UNDER_WAY: &str = "SELECT id FROM orders WHERE renews_serial = $1 \
     AND state NOT IN ('expired', 'cancelled') LIMIT 1";

impl SqlStore {
    /// How many orders there are, or in one state, from the counts kept as orders change.
    pub(super) async fn counted(&self, state: Option<OrderState>) -> StoreResult<u64> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(n) AS BIGINT) FROM order_counts WHERE $1 = '' OR state = $1",
        )
        .bind(state.map(OrderState::as_str).unwrap_or_default())
        .fetch_one(&self.pool)
        .await?;
        Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or_default())
    }
}

#[async_trait]
impl OrderStore for SqlStore {
    async fn create_order(
        &self,
        order: &NewOrder,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let spec = &order.spec;
        let (_turn, mut tx) = self.begin_write().await?;
        if let (true, Some(renewed)) = (order.only_renewal, &order.renews_serial) {
            if self.backend == Backend::Postgres {
                // Two renewals racing for one certificate: the check and the insert are one
                // step per certificate (SQLite's writer is one at a time anyway).
                sqlx::query("SELECT pg_advisory_xact_lock(4, hashtext($1))")
                    .bind(renewed)
                    .execute(&mut *tx)
                    .await?;
            }
            // A certificate withdrawn meanwhile renews no more: its row is locked (PostgreSQL)
            // so that a withdrawal waits for this order rather than slip in before it.
            let lock = match self.backend {
                Backend::Postgres => " FOR UPDATE",
                Backend::Sqlite => "",
            };
            let revoked: Option<Option<i64>> = sqlx::query_scalar(&format!(
                "SELECT revoked_at FROM certificates WHERE serial = $1{lock}"
            ))
            .bind(renewed)
            .fetch_optional(&mut *tx)
            .await?;
            let taken: Option<String> = sqlx::query_scalar(RENEWAL_UNDER_WAY)
                .bind(renewed)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() || revoked.flatten().is_some() {
                return refuse(tx).await;
            }
        }
        if let Some(cert) = &order.certificate {
            insert_certificate(&mut tx, cert).await?;
        }
        sqlx::query(
            "INSERT INTO orders (id, serial, org, service, client, contact_name, email, mobile, key_type, profile, \
             locale, state, created_at, created_by, updated_at, renews_serial, supersede_on_collect, link_hash, \
             link_expires_at, code_mac, code_expires_at, code_sent_at, bundle_sha256, custody, site) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12, $13, $12, $14, $15, $16, $17, $18, \
             $19, $12, $20, $21, $22)",
        )
        .bind(&order.id)
        .bind(order.certificate.as_ref().map(|cert| cert.serial.clone()))
        .bind(spec.org.as_str())
        .bind(spec.service.as_str())
        .bind(spec.client.as_str())
        .bind(spec.contact_name.as_str())
        .bind(spec.email.as_str())
        .bind(spec.mobile.as_str())
        .bind(spec.key.as_str())
        .bind(spec.profile.as_str())
        .bind(spec.locale.as_str())
        .bind(order.created_at)
        .bind(&order.created_by)
        .bind(&order.renews_serial)
        .bind(i64::from(order.supersede_on_collect))
        .bind(&order.link.link_hash)
        .bind(order.link.link_expires_at)
        .bind(&order.link.code_mac)
        .bind(order.link.code_expires_at)
        .bind(order.bundle.as_ref().map(|bundle| bundle.bundle_sha256.clone()))
        .bind(spec.custody.as_str())
        .bind(&order.site)
        .execute(&mut *tx)
        .await?;
        if let Some(bundle) = &order.bundle {
            put_sealed(&mut *tx, &order.id, Sealed::Bundle, &bundle.bundle_sealed).await?;
            put_sealed(
                &mut *tx,
                &order.id,
                Sealed::Password,
                &bundle.password_sealed,
            )
            .await?;
        }
        for message in messages {
            insert_message(&mut tx, message, order.created_at).await?;
        }
        commit_with(tx, audit).await
    }

    async fn order(&self, id: &str) -> StoreResult<Option<OrderRecord>> {
        self.find_order(Self::order_sql("o.id = $1"), args![id].into())
            .await
    }

    async fn order_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<OrderRecord>> {
        self.find_order(Self::order_sql("o.link_hash = $1"), args![link_hash].into())
            .await
    }

    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>> {
        let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE serial = $1");
        let row = sqlx::query(&sql)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(certificate_from_row).transpose()
    }

    async fn certificates_without_key_hash(
        &self,
        limit: u32,
    ) -> StoreResult<Vec<(String, Vec<u8>)>> {
        let rows =
            sqlx::query("SELECT serial, der FROM certificates WHERE key_sha256 IS NULL LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("serial")?, row.try_get("der")?)))
            .collect()
    }

    async fn set_key_hash(&self, serial: &str, key_sha256: &str) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE certificates SET key_sha256 = $2 WHERE serial = $1")
            .bind(serial)
            .bind(key_sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_orders(&self, filter: &OrderFilter) -> StoreResult<OrderPage> {
        let search = if filter.words.is_empty() {
            None
        } else {
            Some(self.plan_search(filter).await?)
        };
        // A search on SQLite walks the trigram index newest first and stops at the page's
        // end; every other listing walks an index on (state,) created_at, id, or sorts what
        // PostgreSQL's index found.
        let fts = matches!(search, Some(Search::Sqlite(_)));
        let (from, order) = if fts {
            (
                // CROSS JOIN keeps SQLite on the index first even with a state to match.
                "order_search_index f CROSS JOIN order_search s ON s.docid = f.rowid \
                 CROSS JOIN orders o ON o.id = s.order_id",
                "f.rowid DESC",
            )
        } else {
            ("orders o", "o.created_at DESC, o.id DESC")
        };
        let state = |query: &mut Binds| {
            if let Some(state) = filter.state {
                let state = query.bind(Bind::Text(state.as_str().to_owned()));
                query.conditions.push(format!("o.state = {state}"));
            }
        };
        let (total, total_exact) = match &search {
            None => (self.counted(filter.state).await?, true),
            Some(search) => {
                // Counting every match of a common word would read them all: count up to a
                // bound, the newest first where the plan walks.
                let mut query = Binds::default();
                let walk = search.conditions(&filter.words, &mut query, Use::Count);
                state(&mut query);
                let walk = if walk {
                    format!("ORDER BY {order}")
                } else {
                    String::new()
                };
                let sql = format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {} {walk} LIMIT {}) matched",
                    query.condition(),
                    SEARCH_COUNT_MAX + 1
                );
                let n = u64::try_from(query.scalar(&sql).fetch_one(&self.pool).await?)
                    .unwrap_or_default();
                (n.min(SEARCH_COUNT_MAX), n <= SEARCH_COUNT_MAX)
            }
        };
        let mut query = Binds::default();
        let walk = search
            .as_ref()
            .is_none_or(|search| search.conditions(&filter.words, &mut query, Use::Page));
        state(&mut query);
        if let Some(cursor) = &filter.before {
            let id = query.bind(Bind::Text(cursor.id.clone()));
            if fts {
                query.conditions.push(format!(
                    "f.rowid < (SELECT docid FROM order_search WHERE order_id = {id})"
                ));
            } else {
                let at = query.bind(Bind::Int(cursor.created_at));
                query
                    .conditions
                    .push(format!("(o.created_at, o.id) < ({at}, {id})"));
            }
        }
        let condition = query.condition();
        let limit = query.bind(Bind::Int(i64::from(filter.limit) + 1));
        let offset = query.bind(Bind::Int(i64::from(filter.offset)));
        let sql = if walk {
            format!(
                "SELECT {ORDER_COLUMNS} FROM {from} LEFT JOIN certificates c ON c.serial = o.serial \
                 WHERE {condition} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            )
        } else {
            // What the index found, read in full before it is sorted: PostgreSQL would
            // otherwise walk the orders newest first, checking each, for as long as it takes.
            format!(
                "WITH found AS MATERIALIZED (SELECT o.id FROM orders o WHERE {condition}) \
                 SELECT {ORDER_COLUMNS} FROM found CROSS JOIN orders o \
                 LEFT JOIN certificates c ON c.serial = o.serial WHERE o.id = found.id \
                 ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            )
        };
        let rows = query.query(&sql).fetch_all(&self.pool).await?;
        let mut orders = rows
            .iter()
            .map(order_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let more = orders.len() > filter.limit as usize;
        orders.truncate(filter.limit as usize);
        Ok(OrderPage {
            orders,
            total,
            total_exact,
            more,
        })
    }

    async fn state_counts(&self) -> StoreResult<Vec<(OrderState, u64)>> {
        let rows = sqlx::query(
            "SELECT state, CAST(SUM(n) AS BIGINT) AS n FROM order_counts GROUP BY state \
             HAVING SUM(n) <> 0",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get("n")?;
                Ok((parse(row, "state")?, u64::try_from(n).unwrap_or_default()))
            })
            .collect()
    }

    async fn expiring(&self, after: i64, before: i64, limit: u32) -> StoreResult<Vec<OrderRecord>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM {LIVE_CERTIFICATES_FIRST} WHERE {EXPIRING} \
             ORDER BY c.not_after LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(before)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(order_from_row).collect()
    }

    async fn expiring_count(&self, after: i64, before: i64) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {LIVE_CERTIFICATES_FIRST} WHERE {EXPIRING}"
        ))
        .bind(before)
        .bind(after)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn cancel_order(&self, order_id: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET state = {}, code_mac = NULL, updated_at = $2 WHERE id = $1 AND {} \
             RETURNING serial",
            moved(OrderEvent::Cancelled),
            applies(OrderEvent::Cancelled)
        );
        let serial: Option<Option<String>> = sqlx::query_scalar(&sql)
            .bind(order_id)
            .bind(audit.at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(serial) = serial else {
            return refuse(tx).await;
        };
        end_flow(&mut tx, order_id, audit.at).await?;
        insert_audit(&mut tx, audit).await?;
        // In the same transaction: a crash cannot leave a cancelled order's certificate valid.
        // A customer-made key whose request was never signed has no certificate to revoke.
        let Some(serial) = serial else {
            tx.commit().await?;
            return Ok(true);
        };
        let revocation = AuditEvent {
            action: "certificate.revoked".into(),
            detail: Some(format!(
                "reason: {}",
                RevocationReason::CessationOfOperation
            )),
            ..audit.clone()
        };
        super::revocation::revoke_in(
            &mut tx,
            &serial,
            RevocationReason::CessationOfOperation,
            &revocation,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn replace_link(
        &self,
        order_id: &str,
        link: &NewLink,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET link_hash = $2, link_expires_at = $3, code_mac = $4, code_expires_at = $5, \
             code_attempts = 0, resends = 0, code_sent_at = $6, updated_at = $6 \
             WHERE id = $1 AND {} AND (custody <> 'server' OR EXISTS (SELECT 1 FROM sealed_values b \
             WHERE b.owner = orders.id AND b.kind = 'bundle'))",
            open()
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(link.link_hash.clone())
            .bind(link.link_expires_at)
            .bind(link.code_mac.clone())
            .bind(link.code_expires_at)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        // What the old link opened ends with it, as on cancel; its unsent messages would only
        // carry a link and code that no longer work.
        end_sessions(&mut tx, order_id).await?;
        drop_queued(&mut tx, order_id, None, audit.at).await?;
        for message in messages {
            insert_message(&mut tx, message, audit.at).await?;
        }
        commit_with(tx, audit).await
    }

    async fn renewal_under_way(&self, serial: &str) -> StoreResult<bool> {
        let taken: Option<String> = sqlx::query_scalar(RENEWAL_UNDER_WAY)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        Ok(taken.is_some())
    }

    async fn use_renewal_challenge(&self, nonce: &[u8], expires_at: i64) -> StoreResult<bool> {
        let _turn = self.write_turn().await;
        let result = sqlx::query(
            "INSERT INTO renewal_challenges (nonce, expires_at) VALUES ($1, $2) \
             ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(nonce.to_vec())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn forget_renewal_challenges(&self, before: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await;
        let result = sqlx::query("DELETE FROM renewal_challenges WHERE expires_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}
