//! Embedding sites.

use super::*;

const SITE_COLUMNS: &str =
    "name, origin, page, languages, organisations, theme, created_at, created_by, disabled_at";

fn site_from_row(row: &AnyRow) -> StoreResult<SiteRecord> {
    let list = |column: &str| -> StoreResult<Vec<String>> {
        let text: String = row.try_get(column)?;
        Ok(split_list(&text))
    };
    let languages = list("languages")?
        .iter()
        .map(|tag| Locale::from_stored(tag).map_err(|e| StoreError::Corrupt(e.message)))
        .collect::<StoreResult<Vec<_>>>()?;
    let theme: String = row.try_get("theme")?;
    Ok(SiteRecord {
        name: row.try_get("name")?,
        origin: row.try_get("origin")?,
        page: row.try_get("page")?,
        languages,
        organisations: list("organisations")?,
        theme: serde_json::from_str(&theme)
            .map_err(|e| StoreError::Corrupt(format!("theme: {e}")))?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

/// A list column: the values, separated by a newline (an organisation's name may hold a
/// comma, never a control character).
fn split_list(text: &str) -> Vec<String> {
    text.split('\n')
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect()
}

fn join_list<T: AsRef<str>>(values: &[T]) -> String {
    values
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("\n")
}

fn theme_json(site: &SiteRecord) -> StoreResult<String> {
    serde_json::to_string(&site.theme).map_err(|e| StoreError::Corrupt(format!("theme: {e}")))
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// `sql` with the site's fields bound as `$1` to `$6`: name, origin, page, languages,
/// organisations, theme.
fn with_fields<'q>(sql: &'q str, site: &'q SiteRecord) -> StoreResult<AnyQuery<'q>> {
    let languages: Vec<&str> = site.languages.iter().map(|l| l.as_str()).collect();
    Ok(sqlx::query(sql)
        .bind(&site.name)
        .bind(&site.origin)
        .bind(&site.page)
        .bind(join_list(&languages))
        .bind(join_list(&site.organisations))
        .bind(theme_json(site)?))
}

impl SqlStore {
    /// Runs a write that must change one row, with its audit event; `false` when it changed
    /// none.
    async fn write_one(&self, query: AnyQuery<'_>, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        if query.execute(&mut *tx).await?.rows_affected() != 1 {
            return refuse(tx).await;
        }
        commit_with(tx, audit).await
    }
}

#[async_trait]
impl SiteStore for SqlStore {
    async fn create_site(&self, site: &SiteRecord, audit: &AuditEvent) -> StoreResult<bool> {
        let query = with_fields(
            "INSERT INTO sites (name, origin, page, languages, organisations, theme, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING",
            site,
        )?
        .bind(site.created_at)
        .bind(&site.created_by);
        self.write_one(query, audit).await
    }

    async fn update_site(&self, site: &SiteRecord, audit: &AuditEvent) -> StoreResult<bool> {
        let query = with_fields(
            "UPDATE sites SET origin = $2, page = $3, languages = $4, organisations = $5, theme = $6 \
             WHERE name = $1 AND disabled_at IS NULL",
            site,
        )?;
        self.write_one(query, audit).await
    }

    async fn list_sites(&self) -> StoreResult<Vec<SiteRecord>> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY name");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(site_from_row).collect()
    }

    async fn site(&self, name: &str) -> StoreResult<Option<SiteRecord>> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE name = $1");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(site_from_row).transpose()
    }

    async fn disable_site(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let query = sqlx::query(
            "UPDATE sites SET disabled_at = $2 WHERE name = $1 AND disabled_at IS NULL",
        )
        .bind(name)
        .bind(audit.at);
        self.write_one(query, audit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_keeps_values_with_commas() {
        let values = vec!["Acme, Inc.".to_owned(), "Beta AS".to_owned()];
        assert_eq!(split_list(&join_list(&values)), values);
        assert!(split_list("").is_empty());
    }
}
