//! The data dir: configuration, CA, key-encryption key, database and development outbox.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files of a data dir.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> PathBuf {
        self.root.join(crate::config::CONFIG_FILE)
    }

    /// The CA certificate, PEM (public).
    pub fn ca_cert(&self) -> PathBuf {
        self.root.join("ca.pem")
    }

    /// The CA private key, PKCS#8 sealed under the key-encryption key.
    pub fn ca_key(&self) -> PathBuf {
        self.root.join("ca.key.sealed")
    }

    /// The key-encryption key: 32 random bytes that seal everything secret at rest.
    pub fn kek(&self) -> PathBuf {
        self.root.join("kek.bin")
    }

    /// The address `serve` last listened on, when no `base_url` is configured: commands run
    /// beside it build links from it.
    pub fn served_url(&self) -> PathBuf {
        self.root.join("served-url")
    }

    /// The development outbox: one JSON object per message.
    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox.jsonl")
    }
}

/// Writes a file that must not exist yet, readable by its owner only.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates the data dir (owner-only on Unix) if it does not exist.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_file_is_owner_only_and_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("secret");
        write_private_new(&path, b"one").expect("first write");
        assert!(write_private_new(&path, b"two").is_err());
        assert_eq!(fs::read(&path).expect("read"), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
