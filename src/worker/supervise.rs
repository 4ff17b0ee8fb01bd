//! The per-task supervisor: a tiny process between the worker and a task's command.
//!
//! The worker starts `smart-agents __supervise ID ATTEMPT EXIT_FILE -- ARGV...` as the leader
//! of a new process group, with the task's log file as stdout and stderr. It runs the command
//! (argv directly, never a shell), waits for it and writes its exit status to EXIT_FILE
//! atomically. The worker can crash or restart meanwhile: output keeps going to the log, and
//! the status waits on disk for whichever worker adopts the task. It runs before any runtime
//! is set up, so each running task costs one small process and nothing in the worker.

use super::git::{After, Before};
use super::tree_cache::TreeCache;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const ARG: &str = "__supervise";

/// What the supervisor leaves on disk when the command ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExitRecord {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Set when the command could not be started at all.
    pub error: Option<String>,
    pub finished_at: i64,
    /// With `--artifacts` in a git repository: the files the task changed.
    #[serde(default)]
    pub files: Option<Vec<String>>,
    /// With `--worktree`: where the task ran.
    #[serde(default)]
    pub worktree: Option<String>,
    /// Highest resident memory of the command's process tree seen while it ran.
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
    /// Nothing measured (`peak_rss_bytes` 0): the command's peak was at most this.
    #[serde(default)]
    pub peak_rss_at_most: Option<u64>,
    /// CPU time of the command and the descendants it waited for.
    #[serde(default)]
    pub cpu_seconds: Option<f64>,
    /// With `--mem-limit`: the limit, when the tree went past it and was ended.
    #[serde(default)]
    pub mem_limit_exceeded: Option<u64>,
    /// CPU time of the supervisor itself: smart-agents' own cost, which the CPU gate leaves
    /// out as it does the worker's.
    #[serde(default)]
    pub supervisor_cpu_seconds: Option<f64>,
}

/// Supervisor options, between the exit file and `--`.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    /// Record which files in the task's git repository it changed.
    pub artifacts: bool,
    /// Run in a new git worktree: (path, branch).
    pub worktree: Option<(String, String)>,
    /// End the command's group when its tree's memory goes past this many bytes.
    pub mem_limit: Option<u64>,
    /// Milliseconds between SIGTERM and SIGKILL when ending it for memory.
    pub grace_ms: u64,
    /// Run in place in a git repository: save what the task changed here (`diff ID`).
    pub patch: Option<String>,
    /// `[worktree] copy`: untracked files copied into a new worktree.
    pub copy: Vec<String>,
    /// `[worktree] setup`: run in a new worktree before the command.
    pub setup: Vec<String>,
    /// Where checkouts' trees are kept between tasks (`tree_cache`).
    pub trees: Option<String>,
}

impl Options {
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if self.artifacts {
            args.push("--artifacts".to_string());
        }
        if let Some((path, branch)) = &self.worktree {
            args.extend(["--worktree".to_string(), path.clone(), branch.clone()]);
        }
        for pattern in &self.copy {
            args.extend(["--copy".to_string(), pattern.clone()]);
        }
        if !self.setup.is_empty() {
            args.extend(["--setup".to_string(), serde_json::to_string(&self.setup).unwrap_or_default()]);
        }
        if let Some(file) = &self.patch {
            args.extend(["--patch".to_string(), file.clone()]);
        }
        if let Some(dir) = &self.trees {
            args.extend(["--trees".to_string(), dir.clone()]);
        }
        if let Some(limit) = self.mem_limit {
            args.extend(["--mem-limit".to_string(), limit.to_string(), self.grace_ms.to_string()]);
        }
        args
    }

    fn parse(args: &[OsString]) -> Option<(Options, usize)> {
        let mut options = Options::default();
        let mut i = 0;
        loop {
            match args.get(i)?.to_str()? {
                "--" => return Some((options, i + 1)),
                "--artifacts" => options.artifacts = true,
                "--worktree" => {
                    let path = args.get(i + 1)?.to_str()?.to_string();
                    let branch = args.get(i + 2)?.to_str()?.to_string();
                    options.worktree = Some((path, branch));
                    i += 2;
                }
                "--copy" => {
                    options.copy.push(args.get(i + 1)?.to_str()?.to_string());
                    i += 1;
                }
                "--setup" => {
                    options.setup = serde_json::from_str(args.get(i + 1)?.to_str()?).ok()?;
                    i += 1;
                }
                "--patch" => {
                    options.patch = Some(args.get(i + 1)?.to_str()?.to_string());
                    i += 1;
                }
                "--trees" => {
                    options.trees = Some(args.get(i + 1)?.to_str()?.to_string());
                    i += 1;
                }
                "--mem-limit" => {
                    options.mem_limit = Some(args.get(i + 1)?.to_str()?.parse().ok()?);
                    options.grace_ms = args.get(i + 2)?.to_str()?.parse().ok()?;
                    i += 2;
                }
                _ => return None,
            }
            i += 1;
        }
    }
}

impl ExitRecord {
    pub fn read(path: &Path) -> Option<ExitRecord> {
        let text = std::fs::read(path).ok()?;
        serde_json::from_slice(&text).ok()
    }
}

/// Set when a cancel or timeout reached the group before the command existed (the supervisor
/// may still be taking its git snapshot): the command must then not run, or be told at once.
static TERMINATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn ignore_signal(_: libc::c_int) {
    // An atomic store is async-signal-safe.
    TERMINATED.store(true, std::sync::atomic::Ordering::SeqCst);
}

fn terminated() -> bool {
    TERMINATED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Entry point; `args` is the whole argv:
/// `[exe, __supervise, id, attempt, exit_file, OPTIONS..., --, command...]`.
pub fn main(args: &[OsString]) -> i32 {
    let parsed = args.get(4).zip(args.get(5..).and_then(Options::parse));
    let Some((exit_file, (options, rest))) = parsed else {
        eprintln!("smart-agents: {ARG} is internal to the worker");
        return 2;
    };
    let command = &args[5 + rest..];
    if command.is_empty() {
        eprintln!("smart-agents: {ARG} is internal to the worker");
        return 2;
    }
    // A cancel signals the whole group; the supervisor must outlive its command to record
    // how it ended. A handler (not SIG_IGN) is reset by exec, so the command still sees the
    // default disposition.
    // SAFETY: installing a handler that does nothing is async-signal-safe.
    unsafe {
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore_signal as *const () as usize;
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
    let id = args.get(2).map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
    let mut record = run(&id, command, &options);
    record.supervisor_cpu_seconds = Some(crate::process::own_cpu_time().as_secs_f64());
    if let Some(error) = &record.error {
        // Into the task's log too, so `logs` shows why nothing ran.
        eprintln!("smart-agents: {error}");
    }
    match write_atomically(Path::new(exit_file), &record) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("smart-agents: cannot record the exit status: {e}");
            1
        }
    }
}

/// A record with nothing known yet but the time.
fn ended() -> ExitRecord {
    ExitRecord {
        code: None,
        signal: None,
        error: None,
        finished_at: crate::store::now_ms(),
        files: None,
        worktree: None,
        peak_rss_bytes: None,
        peak_rss_at_most: None,
        cpu_seconds: None,
        mem_limit_exceeded: None,
        supervisor_cpu_seconds: None,
    }
}

fn failed(error: String) -> ExitRecord {
    ExitRecord { error: Some(error), ..ended() }
}

fn run(id: &str, command: &[OsString], options: &Options) -> ExitRecord {
    let mut cwd = std::env::current_dir().unwrap_or_default();
    if let Some((path, branch)) = &options.worktree {
        if let Err(e) = super::git::add_worktree(&cwd, Path::new(path), branch) {
            return failed(e);
        }
        if let Err(e) = super::worktree_setup::prepare(
            &super::git::repo_root(&cwd).unwrap_or(cwd.clone()),
            Path::new(path),
            &options.copy,
            &options.setup,
        ) {
            return ExitRecord { worktree: Some(path.clone()), ..failed(e) };
        }
        cwd = path.into();
    }
    let repo = if options.artifacts { super::git::repo_root(&cwd) } else { None };
    let trees = TreeCache::new(options.trees.as_ref().map(PathBuf::from));
    let before = repo.as_deref().and_then(|repo| super::git::before(repo, &trees));
    let program = &command[0];
    if terminated() {
        return ExitRecord { signal: Some(libc::SIGTERM), ..ended() };
    }
    let mut record = match Command::new(program).args(&command[1..]).current_dir(&cwd).spawn() {
        Err(e) => failed(crate::process::spawn_error(&program.to_string_lossy(), &e)),
        Ok(mut child) => {
            // The signal came while it was being started: pass it on.
            if terminated() {
                let pid = rustix::process::Pid::from_child(&child);
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            }
            let (status, measured) = super::meter::wait(&mut child, options.mem_limit, options.grace_ms);
            let mut record = match status {
                Ok(status) => ExitRecord { code: status.code(), signal: status.signal(), ..ended() },
                Err(e) => failed(format!("lost track of the command: {e}")),
            };
            record.peak_rss_bytes = Some(measured.peak_rss_bytes);
            record.peak_rss_at_most = measured.at_most;
            record.cpu_seconds = Some(measured.cpu_seconds);
            record.mem_limit_exceeded = measured.exceeded;
            record
        }
    };
    if let (Some(repo), Some(before)) = (&repo, &before) {
        record.files = record_change(repo, before, &trees, id, options);
    }
    record.worktree = options.worktree.as_ref().map(|(path, _)| path.clone());
    record
}

/// The files the task changed in its checkout; for a task run in place, its change is also
/// saved for `diff`. `None` when git could not say.
fn record_change(
    repo: &Path,
    before: &Before,
    trees: &TreeCache,
    id: &str,
    options: &Options,
) -> Option<Vec<String>> {
    let after = match super::git::after(before, trees)? {
        After::Unchanged => return Some(Vec::new()),
        After::Changed(tree) => tree,
    };
    let git = crate::client::git::Git::new(repo);
    let files = crate::client::diff::files(&git, &before.tree, &after).ok()?;
    let paths = super::git::changed_paths(&files);
    if let (Some(file), Some(head), None) = (&options.patch, &before.head, &options.worktree) {
        let diff =
            crate::client::diff::Diff { id: id.into(), base: head.clone(), files, patch: String::new() };
        if let Err(e) = crate::client::diff::save_in_place(&git, diff, &before.tree, &after, Path::new(file))
        {
            eprintln!("smart-agents: cannot save the task's change for `diff`: {e}");
        }
    }
    Some(paths)
}

pub fn no_folder(cwd: &str) -> String {
    format!("working folder {cwd} does not exist")
}

/// Write, fsync, rename: a reader sees the whole record or none, even after power loss.
fn write_atomically(path: &Path, record: &ExitRecord) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    // The folder may have been deleted while the command ran: the status still has a place.
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
    file.write_all(&serde_json::to_vec(record)?)?;
    file.sync_data()?;
    std::fs::rename(&tmp, path)
}
