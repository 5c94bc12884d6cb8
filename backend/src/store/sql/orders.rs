//! Orders and their certificates.

use super::*;

#[async_trait]
impl OrderStore for SqlStore {
    async fn create_order(
        &self,
        order: &NewOrder,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let cert = &order.certificate;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO certificates (serial, order_id, subject, key_type, not_before, not_after, fingerprint, der) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&cert.serial)
        .bind(&order.id)
        .bind(&cert.subject)
        .bind(&cert.key_type)
        .bind(cert.not_before)
        .bind(cert.not_after)
        .bind(&cert.fingerprint)
        .bind(&cert.der)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO orders (id, serial, org, service, client, contact_name, email, mobile, key_type, profile, \
             locale, state, created_at, created_by, updated_at, renews_serial, supersede_on_collect, link_hash, \
             link_expires_at, code_mac, code_expires_at, code_sent_at, bundle_sealed, bundle_sha256, password_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12, $13, $12, $14, $15, $16, $17, $18, \
             $19, $12, $20, $21, $22)",
        )
        .bind(&order.id)
        .bind(&cert.serial)
        .bind(&order.org)
        .bind(&order.service)
        .bind(&order.client)
        .bind(&order.contact_name)
        .bind(&order.email)
        .bind(&order.mobile)
        .bind(&order.key_type)
        .bind(&order.profile)
        .bind(&order.locale)
        .bind(order.created_at)
        .bind(&order.created_by)
        .bind(&order.renews_serial)
        .bind(i64::from(order.supersede_on_collect))
        .bind(&order.link_hash)
        .bind(order.link_expires_at)
        .bind(&order.code_mac)
        .bind(order.code_expires_at)
        .bind(&order.bundle_sealed)
        .bind(&order.bundle_sha256)
        .bind(&order.password_sealed)
        .execute(&mut *tx)
        .await?;
        for message in messages {
            insert_message(&mut *tx, message, order.created_at).await?;
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn order(&self, id: &str) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query(&Self::order_sql("o.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn order_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query(&Self::order_sql("o.link_hash = $1"))
            .bind(link_hash.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>> {
        let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE serial = $1");
        let row = sqlx::query(&sql)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(certificate_from_row).transpose()
    }
}
