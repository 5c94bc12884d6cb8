//! Staff accounts and their sign-in records.

use super::*;

const STAFF_COLUMNS: &str = "username, role, password_hash, totp_sealed, totp_last_step, must_change_password, \
     disabled, credentials_epoch, created_at, created_by, updated_at";

fn staff_from_row(row: &AnyRow) -> StoreResult<StaffRecord> {
    Ok(StaffRecord {
        username: row.try_get("username")?,
        role: parse(row, "role")?,
        password_hash: row.try_get("password_hash")?,
        totp_sealed: row.try_get("totp_sealed")?,
        totp_last_step: row.try_get("totp_last_step")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        credentials_epoch: row.try_get("credentials_epoch")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl SqlStore {
    /// Runs an UPDATE of one staff row (`… RETURNING credentials_epoch`) and its audit event
    /// in one transaction; the account's epoch afterwards, or `None` when no row matched.
    /// `since` is bound after the value: the epoch the row must still have, or NULL.
    async fn update_staff(
        &self,
        sql: &str,
        username: &str,
        value: StaffValue<'_>,
        since: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let (_turn, mut tx) = self.begin_write().await?;
        let query = sqlx::query_scalar(sql).bind(username).bind(audit.at);
        let query = match value {
            StaffValue::Text(text, flag) => query.bind(text.to_owned()).bind(i64::from(flag)),
            StaffValue::Bytes(bytes) => query.bind(bytes.to_vec()),
            StaffValue::Flag(flag) => query.bind(i64::from(flag)),
        };
        let epoch: Option<i64> = query.bind(since).fetch_optional(&mut *tx).await?;
        if epoch.is_none() {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(epoch)
    }
}

/// The new value of an account update: bound as `$3` (and `$4`).
enum StaffValue<'a> {
    Text(&'a str, bool),
    Bytes(&'a [u8]),
    Flag(bool),
}

#[async_trait]
impl StaffStore for SqlStore {
    async fn create_staff(&self, staff: &StaffRecord, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO staff (username, role, password_hash, totp_sealed, totp_last_step, must_change_password, \
             disabled, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $7) \
             ON CONFLICT (username) DO NOTHING",
        )
        .bind(&staff.username)
        .bind(staff.role.as_str())
        .bind(&staff.password_hash)
        .bind(staff.totp_sealed.clone())
        .bind(i64::from(staff.must_change_password))
        .bind(i64::from(staff.disabled))
        .bind(staff.created_at)
        .bind(&staff.created_by)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted != 1 {
            return refuse(tx).await;
        }
        commit_with(tx, audit).await
    }

    async fn staff(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = $1");
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY username");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn use_totp_step(&self, username: &str, step: i64) -> StoreResult<bool> {
        let _turn = self.write_turn().await;
        let updated = sqlx::query(
            "UPDATE staff SET totp_last_step = $2 WHERE username = $1 AND totp_last_step < $2",
        )
        .bind(username)
        .bind(step)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(updated == 1)
    }

    async fn update_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
        since: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let sql = "UPDATE staff SET password_hash = $3, must_change_password = $4, updated_at = $2, \
                   credentials_epoch = credentials_epoch + 1 WHERE username = $1 \
                   AND ($5 IS NULL OR credentials_epoch = $5) RETURNING credentials_epoch";
        let value = StaffValue::Text(password_hash, must_change);
        self.update_staff(sql, username, value, since, audit).await
    }

    async fn update_totp(
        &self,
        username: &str,
        totp_sealed: &[u8],
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let sql = "UPDATE staff SET totp_sealed = $3, totp_last_step = 0, updated_at = $2, \
                   credentials_epoch = credentials_epoch + 1 WHERE username = $1 \
                   AND ($4 IS NULL OR credentials_epoch = $4) RETURNING credentials_epoch";
        let value = StaffValue::Bytes(totp_sealed);
        self.update_staff(sql, username, value, None, audit).await
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        // Disabling ends the sessions for good: enabling again must not bring them back.
        let sql = "UPDATE staff SET disabled = $3, updated_at = $2, \
                   credentials_epoch = credentials_epoch + $3 WHERE username = $1 \
                   AND ($4 IS NULL OR credentials_epoch = $4) RETURNING credentials_epoch";
        let value = StaffValue::Flag(disabled);
        Ok(self
            .update_staff(sql, username, value, None, audit)
            .await?
            .is_some())
    }

    async fn take_login_try(
        &self,
        username: &str,
        ip: &str,
        at: i64,
        limits: &LoginLimits,
    ) -> StoreResult<Result<LoginTry, LoginFailures>> {
        let (_turn, mut tx) = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // Under READ COMMITTED two counts can both see room; locks on the account and the
            // address make the count and the insert one step. Accounts are always locked
            // before addresses, in two key spaces, so two sign-ins cannot wait on each other.
            sqlx::query("SELECT pg_advisory_xact_lock(1, hashtext($1))")
                .bind(username)
                .execute(&mut *tx)
                .await?;
            sqlx::query("SELECT pg_advisory_xact_lock(2, hashtext($1))")
                .bind(ip)
                .execute(&mut *tx)
                .await?;
        }
        // One statement in SQLite: counted and inserted under its write lock.
        let taken: Option<i64> = sqlx::query_scalar(
            "INSERT INTO login_failures (at, username, ip) SELECT $1, $2, $3 \
             WHERE (SELECT COUNT(*) FROM login_failures WHERE username = $2 AND at > $4) < $5 \
             AND (SELECT COUNT(*) FROM login_failures WHERE ip = $3 AND at > $4) < $6 RETURNING id",
        )
        .bind(at)
        .bind(username)
        .bind(ip)
        .bind(limits.since)
        .bind(i64::from(limits.by_user))
        .bind(i64::from(limits.by_ip))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = taken {
            tx.commit().await?;
            return Ok(Ok(LoginTry { id }));
        }
        let failures = |column: &str| {
            format!(
                "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE {column} = $1 AND at > $2"
            )
        };
        let by_user = sqlx::query(&failures("username"))
            .bind(username)
            .bind(limits.since)
            .fetch_one(&mut *tx)
            .await?;
        let by_ip = sqlx::query(&failures("ip"))
            .bind(ip)
            .bind(limits.since)
            .fetch_one(&mut *tx)
            .await?;
        tx.rollback().await?;
        Ok(Err(LoginFailures {
            by_user: count(by_user.try_get("n")?),
            oldest_by_user: by_user.try_get("oldest")?,
            by_ip: count(by_ip.try_get("n")?),
            oldest_by_ip: by_ip.try_get("oldest")?,
        }))
    }

    async fn forget_login_failures(&self, before: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await;
        let result = sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn login_succeeded(&self, username: &str, taken: &LoginTry) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        sqlx::query("DELETE FROM login_failures WHERE username = $1 OR id = $2")
            .bind(username)
            .bind(taken.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
