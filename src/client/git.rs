//! Git, from the client's side: every operation on a task's work runs the `git` command.
//! Reads pass `--no-optional-locks`, so the user's own git commands never meet our lock.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("git {args} failed: {stderr}")]
    Failed { args: String, stderr: String, code: Option<i32>, stdout: Vec<u8> },
}

impl From<GitError> for crate::error::Error {
    fn from(e: GitError) -> Self {
        crate::error::Error::internal(e)
    }
}

/// One repository folder (a checkout or a worktree) and how git is run in it.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
    index: Option<PathBuf>,
}

impl Git {
    pub fn new(dir: impl Into<PathBuf>) -> Git {
        Git { dir: dir.into(), index: None }
    }

    /// The same folder with another index file (`GIT_INDEX_FILE`): builds a tree without
    /// touching the real index.
    pub fn with_index(&self, index: &Path) -> Git {
        Git { dir: self.dir.clone(), index: Some(index.to_path_buf()) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S], read: bool) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.dir);
        if read {
            cmd.arg("--no-optional-locks");
        }
        cmd.args(args).stdin(Stdio::null());
        if let Some(index) = &self.index {
            cmd.env("GIT_INDEX_FILE", index);
        }
        cmd
    }

    fn output<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        read: bool,
        env: &[(&str, &str)],
    ) -> Result<Vec<u8>, GitError> {
        let mut cmd = self.command(args, read);
        cmd.envs(env.iter().copied());
        let out = cmd.output()?;
        if out.status.success() {
            return Ok(out.stdout);
        }
        let args =
            args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ");
        Err(GitError::Failed {
            args,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            code: out.status.code(),
            stdout: out.stdout,
        })
    }

    /// A command that only reads (no optional locks).
    pub fn read<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        self.output(args, true, &[])
    }

    /// A read whose output is one line of text.
    pub fn line<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, GitError> {
        Ok(String::from_utf8_lossy(&self.read(args)?).trim().to_string())
    }

    /// A command that writes (objects, refs, the checkout).
    pub fn write<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        self.output(args, false, &[])
    }

    /// A write with extra environment (author and committer of a replayed commit).
    pub fn write_env<S: AsRef<OsStr>>(&self, args: &[S], env: &[(&str, &str)]) -> Result<Vec<u8>, GitError> {
        self.output(args, false, env)
    }

    /// Whether `rev` names an object here.
    pub fn exists(&self, rev: &str) -> bool {
        self.read(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).is_ok()
    }

    /// Whether `a` is an ancestor of (or equal to) `b`.
    pub fn is_ancestor(&self, a: &str, b: &str) -> Result<bool, GitError> {
        match self.read(&["merge-base", "--is-ancestor", a, b]) {
            Ok(_) => Ok(true),
            Err(GitError::Failed { code: Some(1), .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The whole folder as it is now (tracked, changed and untracked files; not ignored ones)
    /// as a tree object, built in a copy of the index so the real one is never touched.
    pub fn snapshot_tree(&self) -> Result<String, GitError> {
        let real =
            PathBuf::from(self.line(&["rev-parse", "--path-format=absolute", "--git-path", "index"])?);
        self.snapshot_tree_from(&real)
    }

    /// `snapshot_tree` when the checkout's index file is already known.
    pub fn snapshot_tree_from(&self, real: &Path) -> Result<String, GitError> {
        let tmp = TempIndex::new();
        if real.exists() {
            std::fs::copy(real, &tmp.0)?;
        }
        let git = self.with_index(&tmp.0);
        git.read(&["add", "-A", "--", "."])?;
        git.line(&["write-tree"])
    }

    /// Paths (NUL-separated output) as strings.
    pub fn paths<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<String>, GitError> {
        Ok(split_nul(&self.read(args)?))
    }
}

pub fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// A private index file, removed when dropped.
struct TempIndex(PathBuf);

impl TempIndex {
    fn new() -> TempIndex {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        TempIndex(std::env::temp_dir().join(format!("smart-agents-index-{}-{nanos}", std::process::id())))
    }
}

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
