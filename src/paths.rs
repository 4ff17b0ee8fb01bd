//! Where every file lives. `SMART_AGENTS_HOME` puts everything under one folder; otherwise the
//! XDG folders (config, data, runtime) via `directories`.

use crate::error::{Context, Error, Result};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub database: PathBuf,
    pub logs_dir: PathBuf,
    /// Exit-status files written by task supervisors; they outlive a crashed worker.
    pub runs_dir: PathBuf,
    pub socket: PathBuf,
    pub lock_file: PathBuf,
    pub worker_log: PathBuf,
    /// `execute --worktree` checkouts, kept after their task.
    pub worktrees_dir: PathBuf,
    /// The secrets key when no desktop keyring answers: its own 0700 folder, apart from the
    /// data, so a copy of the data folder does not carry it.
    pub key_file: PathBuf,
}

impl Paths {
    pub fn from_env() -> Result<Self> {
        if let Some(home) = std::env::var_os("SMART_AGENTS_HOME").filter(|h| !h.is_empty()) {
            let home = absolute(Path::new(&home))?;
            return Ok(Self::under(&home));
        }
        let dirs = directories::ProjectDirs::from("", "", "smart-agents")
            .ok_or_else(|| Error::usage("cannot find a home folder: set HOME or SMART_AGENTS_HOME"))?;
        let data = dirs.data_dir().to_path_buf();
        let runtime = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir).join("smart-agents"),
            // Private fallback: inside the 0700 data folder rather than a shared /tmp.
            None => data.join("run"),
        };
        Ok(Paths {
            config_file: dirs.config_dir().join("config.toml"),
            database: data.join("smart-agents.db"),
            logs_dir: data.join("logs"),
            runs_dir: data.join("runs"),
            socket: runtime.join("worker.sock"),
            lock_file: runtime.join("worker.lock"),
            worker_log: data.join("worker.log"),
            worktrees_dir: data.join("worktrees"),
            key_file: dirs
                .state_dir()
                .map_or_else(|| data.join("key"), |s| s.join("key"))
                .join("secrets.key"),
        })
    }

    pub fn under(home: &Path) -> Self {
        Paths {
            config_file: home.join("config.toml"),
            database: home.join("smart-agents.db"),
            logs_dir: home.join("logs"),
            runs_dir: home.join("runs"),
            socket: home.join("worker.sock"),
            lock_file: home.join("worker.lock"),
            worker_log: home.join("worker.log"),
            worktrees_dir: home.join("worktrees"),
            key_file: home.join("key").join("secrets.key"),
        }
    }

    /// Create the folders the worker writes to, private to this user.
    pub fn ensure_dirs(&self) -> Result<()> {
        let mut dirs = vec![self.logs_dir.as_path(), self.runs_dir.as_path()];
        for file in [&self.database, &self.socket, &self.lock_file, &self.worker_log] {
            if let Some(parent) = file.parent() {
                dirs.push(parent);
            }
        }
        for dir in dirs {
            ensure_private_dir(dir)?;
        }
        Ok(())
    }

    pub fn task_log(&self, id: &str) -> PathBuf {
        self.logs_dir.join(format!("{id}.log"))
    }

    /// The side log of one attempt, for CLIs that keep one (an analytics log).
    pub fn analytics_log(&self, id: &str, attempt: u32) -> PathBuf {
        self.logs_dir.join(format!("{id}-{attempt}.analytics.jsonl"))
    }

    pub fn exit_file(&self, id: &str, attempt: u32) -> PathBuf {
        self.runs_dir.join(format!("{id}-{attempt}.exit"))
    }
}

/// The branch an `execute --worktree` task works on.
pub fn worktree_branch(id: &str) -> String {
    format!("smart-agents/{id}")
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir().context("reading the current folder")?.join(path))
}

pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .context(format!("creating {}", dir.display()))?;
    }
    Ok(())
}

/// Tighten a file we own to 0600 (the database, logs).
pub fn make_private(file: &Path) -> Result<()> {
    fs::set_permissions(file, fs::Permissions::from_mode(0o600))
        .context(format!("setting permissions on {}", file.display()))
}

/// This executable's path, as a program another process can start (an agent CLI starting
/// `smart-agents __agent-tools`); `None` when the system cannot say.
pub fn self_exe() -> Option<&'static str> {
    static EXE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    EXE.get_or_init(|| std::env::current_exe().ok().and_then(|p| p.to_str().map(str::to_string))).as_deref()
}
