//! Where things are: the workspace root, cargo, the target dir and the PATH that child
//! processes get.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

pub struct Ctx {
    pub root: PathBuf,
    /// `$CARGO` when cargo started us (it then names the toolchain's own cargo), else `cargo`.
    pub cargo: OsString,
    pub target_dir: PathBuf,
    /// An absolute `CARGO_TARGET_DIR` to hand on, since children run from the root and a
    /// relative one was meant relative to where the user stood.
    target_dir_env: Option<PathBuf>,
    /// PATH for children, with cargo's bin directories in front: `cargo install` puts the
    /// pinned tools there, and they must win over distro ones (Debian's wasm-opt 108 corrupts
    /// wasm-bindgen output).
    path: OsString,
    /// Where `cargo install` puts binaries.
    pub install_bin: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Ctx {
    pub fn from_env() -> Result<Ctx> {
        // xtask lives one level below the root; this survives being run from any directory.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let target_dir_env = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|dir| !dir.is_empty())
            .map(|dir| cwd.join(dir));
        let target_dir = target_dir_env
            .clone()
            .unwrap_or_else(|| root.join("target"));

        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| home.map(|home| home.join(".cargo")))
            .context("neither CARGO_HOME nor HOME is set, so cargo's bin directory is unknown")?;
        let install_bin = std::env::var_os("CARGO_INSTALL_ROOT")
            .map(|dir| PathBuf::from(dir).join("bin"))
            .unwrap_or_else(|| cargo_home.join("bin"));

        let mut dirs = vec![install_bin.clone(), cargo_home.join("bin")];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        dirs.dedup();
        let path = std::env::join_paths(dirs).context("a PATH entry contains `:`")?;

        Ok(Ctx {
            root,
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            target_dir,
            target_dir_env,
            path,
            install_bin,
        })
    }

    /// A command that runs from the workspace root with our PATH and target dir.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let program = program.as_ref();
        let resolved = self.find(program).unwrap_or_else(|| program.into());
        let mut command = Command::new(resolved);
        command.current_dir(&self.root).env("PATH", &self.path);
        if let Some(dir) = &self.target_dir_env {
            command.env("CARGO_TARGET_DIR", dir);
        }
        command
    }

    pub fn cargo(&self) -> Command {
        self.command(&self.cargo)
    }

    /// The first executable called `name` on our PATH; a path is returned as it is.
    pub fn find(&self, name: &OsStr) -> Option<PathBuf> {
        if Path::new(name).components().count() > 1 {
            return Some(PathBuf::from(name));
        }
        std::env::split_paths(&self.path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    /// The `certportal` binary built by `cargo build [--release] -p certportal`.
    pub fn backend_bin(&self, profile: Profile) -> PathBuf {
        let dir = match profile {
            Profile::Debug => "debug",
            Profile::Release => "release",
        };
        self.target_dir.join(dir).join("certportal")
    }

    /// `path` relative to the root when it lies inside it: shorter to print and to paste.
    pub fn display<'a>(&self, path: &'a Path) -> std::path::Display<'a> {
        path.strip_prefix(&self.root).unwrap_or(path).display()
    }
}
