//! What the benches that run the release server or PostgreSQL share; each uses its part.
#![allow(dead_code)]

use std::process::Child;

/// A child process, killed and reaped when dropped (a failed bench leaves no server behind).
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh PostgreSQL database on the machine's server: its URL, the admin URL and its name,
/// to drop it afterwards; `None` when there is no server to make one on.
pub async fn postgres_database(purpose: &str) -> Option<(String, String, String)> {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let pool = sqlx::PgPool::connect(&admin).await.ok()?;
    let name = format!("certportal_{purpose}_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .ok()?;
    pool.close().await;
    let (base, _) = admin.rsplit_once('/')?;
    Some((format!("{base}/{name}"), admin, name))
}

/// Drops a database that [`postgres_database`] made.
pub async fn drop_postgres_database(admin: &str, name: &str) {
    let pool = sqlx::PgPool::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}
