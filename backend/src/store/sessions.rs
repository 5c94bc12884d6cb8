//! Staff sessions: tower-sessions' own SQL stores, on the same database as everything else,
//! keyed by a hash of the session id: the cookie's value is never stored, so a copy of the
//! database holds no live session (collect sessions are kept the same way).

use super::{StoreError, StoreResult};
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store for the configured database.
#[derive(Clone, Debug)]
pub enum StaffSessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl StaffSessions {
    /// Connects its own small pool to `url` and creates the session table if needed.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(2)
                .connect(url)
                .await?;
            let store = SqliteStore::new(pool)
                .with_table_name("staff_sessions")
                .map_err(StoreError::Corrupt)?;
            store.migrate().await?;
            Ok(Self::Sqlite(store))
        } else {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .connect(url)
                .await?;
            let store = PostgresStore::new(pool);
            store.migrate().await?;
            Ok(Self::Postgres(store))
        }
    }
}

/// The key a session is stored under: SHA-256 of its id, cut to an id's width.
fn stored(id: &Id) -> Id {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        &[
            b"certportal staff session\0".as_slice(),
            &id.0.to_le_bytes(),
        ]
        .concat(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    Id(i128::from_le_bytes(bytes))
}

impl StaffSessions {
    async fn save_as(&self, record: &Record) -> session_store::Result<()> {
        let record = Record {
            id: stored(&record.id),
            ..record.clone()
        };
        match self {
            Self::Sqlite(store) => store.save(&record).await,
            Self::Postgres(store) => store.save(&record).await,
        }
    }

    async fn load_stored(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(&stored(id)).await,
            Self::Postgres(store) => store.load(&stored(id)).await,
        }
    }
}

#[async_trait]
impl SessionStore for StaffSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id until its key is free (128 random bits: once, in practice), so that the
        // id in the cookie is the one whose hash the row carries.
        while self.load_stored(&record.id).await?.is_some() {
            record.id = Id::default();
        }
        self.save_as(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.save_as(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self
            .load_stored(id)
            .await?
            .map(|record| Record { id: *id, ..record }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(&stored(id)).await,
            Self::Postgres(store) => store.delete(&stored(id)).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for StaffSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}
