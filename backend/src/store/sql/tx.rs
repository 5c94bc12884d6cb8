//! A transaction's statements, written once for both ways they run: on sqlx (PostgreSQL, and
//! SQLite's rarer writes) and on SQLite's writer thread (`lite.rs`), which runs a whole
//! transaction in one hop instead of one hop to sqlx's worker thread per statement.
//!
//! A write that both run is a [`Job`]: its statements, against [`Tx`], and whether it ends in a
//! commit or a rollback. [`SqlStore::transact`](super::SqlStore) runs it where it runs best.

use super::binds::{Bind, bound};
use super::{Backend, StoreError, StoreResult};
use sqlx::Row as _;
use sqlx::any::AnyRow;
use std::future::Future;
use std::sync::Arc;

/// Where a transaction's statements run.
pub(super) trait Tx: Send {
    fn backend(&self) -> Backend;

    /// Runs a statement that returns no rows; the number of rows it changed.
    fn exec(&mut self, sql: &str, args: &[Bind]) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Runs a statement; every row it returns.
    fn rows(
        &mut self,
        sql: &str,
        args: &[Bind],
    ) -> impl Future<Output = StoreResult<Vec<Row>>> + Send;

    /// Runs a statement; the first row it returns, if any.
    fn row(
        &mut self,
        sql: &str,
        args: &[Bind],
    ) -> impl Future<Output = StoreResult<Option<Row>>> + Send {
        async move { Ok(self.rows(sql, args).await?.into_iter().next()) }
    }
}

impl Tx for sqlx::AnyConnection {
    fn backend(&self) -> Backend {
        if self.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    async fn exec(&mut self, sql: &str, args: &[Bind]) -> StoreResult<u64> {
        Ok(bound(sql, args).execute(&mut *self).await?.rows_affected())
    }

    async fn rows(&mut self, sql: &str, args: &[Bind]) -> StoreResult<Vec<Row>> {
        let rows = bound(sql, args).fetch_all(&mut *self).await?;
        Ok(rows.into_iter().map(Row::Any).collect())
    }
}

impl Tx for sqlx::Transaction<'_, sqlx::Any> {
    fn backend(&self) -> Backend {
        (**self).backend()
    }

    async fn exec(&mut self, sql: &str, args: &[Bind]) -> StoreResult<u64> {
        (**self).exec(sql, args).await
    }

    async fn rows(&mut self, sql: &str, args: &[Bind]) -> StoreResult<Vec<Row>> {
        (**self).rows(sql, args).await
    }
}

/// How a job ends, and what it answers.
pub(super) enum Ends<T> {
    Commit(T),
    Rollback(T),
}

/// A transaction that runs on either driver, from what it owns. It awaits nothing but its
/// `Tx`: on SQLite's writer thread its future is run to its end at once, with no runtime.
pub(super) trait Job: Send + 'static {
    type Output: Send + 'static;

    fn run<T: Tx>(self, tx: &mut T)
    -> impl Future<Output = StoreResult<Ends<Self::Output>>> + Send;
}

/// A row from either driver, read by column name.
pub(super) enum Row {
    Any(AnyRow),
    Lite(LiteRow),
}

/// What both drivers can read a column as.
pub(super) trait Cell:
    for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}

impl<T> Cell for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}

/// A row's columns, read by name: a row from either driver.
pub(super) trait Columns {
    fn cell<T: Cell>(&self, column: &str) -> StoreResult<T>;
}

impl Columns for AnyRow {
    fn cell<T: Cell>(&self, column: &str) -> StoreResult<T> {
        Ok(self.try_get(column)?)
    }
}

impl Columns for Row {
    fn cell<T: Cell>(&self, column: &str) -> StoreResult<T> {
        match self {
            Self::Any(row) => row.cell(column),
            Self::Lite(row) => row.cell(column),
        }
    }
}

/// A row the writer thread read: its values, owned, so that it outlives its statement.
pub(super) struct LiteRow {
    pub columns: Arc<[String]>,
    pub values: Vec<rusqlite::types::Value>,
}

impl Columns for LiteRow {
    fn cell<T: Cell>(&self, column: &str) -> StoreResult<T> {
        let at = self
            .columns
            .iter()
            .position(|name| name == column)
            .ok_or_else(|| StoreError::Corrupt(format!("{column}: no such column")))?;
        T::column_result((&self.values[at]).into())
            .map_err(|error| StoreError::Corrupt(format!("{column}: {error}")))
    }
}
