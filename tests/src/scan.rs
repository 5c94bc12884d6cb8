//! Looking for secrets in files, as someone who copies a data dir or a database cluster
//! would: every file under a directory, byte for byte.

use std::path::Path;

/// Every regular file under `dir`, recursively, with its bytes. Files that vanish or cannot
/// be read while the scan runs (a database rotating its log) are skipped.
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() => {
                    if let Ok(bytes) = std::fs::read(&path) {
                        found.push((path.to_string_lossy().into_owned(), bytes));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// Slices of a secret to look for: a blob may be split over database pages (or PostgreSQL's
/// TOAST chunks), so several 32-byte windows are searched rather than the whole.
fn probes(secret: &[u8]) -> Vec<&[u8]> {
    if secret.len() <= 32 {
        return vec![secret];
    }
    let last = secret.len() - 32;
    [0, secret.len() / 3, secret.len() / 2, last]
        .iter()
        .map(|&at| &secret[at.min(last)..at.min(last) + 32])
        .collect()
}

/// The names of the files that hold any probe of `secret`.
pub fn holders(files: &[(String, Vec<u8>)], secret: &[u8]) -> Vec<String> {
    let finders: Vec<_> = probes(secret)
        .into_iter()
        .map(memchr::memmem::Finder::new)
        .collect();
    files
        .iter()
        .filter(|(_, bytes)| finders.iter().any(|finder| finder.find(bytes).is_some()))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Names of what is still found, of `secrets` (name, bytes), in the files.
pub fn still_held(files: &[(String, Vec<u8>)], secrets: &[(&str, &[u8])]) -> Vec<String> {
    secrets
        .iter()
        .filter_map(|(what, secret)| {
            let holders = holders(files, secret);
            (!holders.is_empty()).then(|| format!("{what} in {}", holders.join(", ")))
        })
        .collect()
}

/// An order's sealed file and password and the sealed bodies of its queued messages, as the
/// database at `url` holds them now (read, never written).
pub async fn sealed_values(url: &str, order_id: &str) -> Vec<(String, Vec<u8>)> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let rows = sqlx::query(
        "SELECT s.kind, s.blob FROM sealed_values s WHERE s.owner = $1 \
         OR s.owner IN (SELECT idempotency_key FROM messages WHERE order_id = $1)",
    )
    .bind(order_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.iter()
        .map(|row| (row.get::<String, _>(0), row.get::<Vec<u8>, _>(1)))
        .collect()
}

/// The same, for the SQLite database of a data dir.
pub async fn sealed_in(dir: &Path, order_id: &str) -> Vec<(String, Vec<u8>)> {
    let url = format!("sqlite://{}?mode=ro", dir.join("certportal.db").display());
    sealed_values(&url, order_id).await
}
