//! API tokens.

use super::*;
use certportal_shared::model::Scope;

const TOKEN_COLUMNS: &str =
    "name, token_hash, scopes, created_at, created_by, expires_at, last_used_at, revoked_at";

fn token_from_row(row: &AnyRow) -> StoreResult<TokenRecord> {
    let scopes: String = row.try_get("scopes")?;
    let scopes = scopes
        .split(',')
        .filter(|scope| !scope.is_empty())
        .map(|scope| Scope::parse(scope).map_err(|e| StoreError::Corrupt(e.message)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(TokenRecord {
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        scopes,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn create_token(&self, token: &TokenRecord, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let scopes: Vec<&str> = token.scopes.iter().map(|scope| scope.as_str()).collect();
        let inserted = sqlx::query(
            "INSERT INTO api_tokens (name, token_hash, scopes, created_at, created_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&token.name)
        .bind(token.token_hash.clone())
        .bind(scopes.join(","))
        .bind(token.created_at)
        .bind(&token.created_by)
        .bind(token.expires_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted != 1 {
            return refuse(tx).await;
        }
        commit_with(tx, audit).await
    }

    async fn token_by_hash(&self, token_hash: &[u8]) -> StoreResult<Option<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(token_hash.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, name");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked != 1 {
            return refuse(tx).await;
        }
        commit_with(tx, audit).await
    }

    async fn token_used(&self, name: &str, at: i64, since: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE name = $1 \
             AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(name)
        .bind(at)
        .bind(since)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
