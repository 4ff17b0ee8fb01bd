//! Talking to a Slurm cluster through its command-line tools: `sbatch` to submit, one
//! `squeue` for every active job at once, `scontrol show job` for a job that ended, `scancel`
//! to stop one. Blocking calls of 5–20 ms each; the worker makes them off its core thread.

use super::parse::{self as slurm_parse, JobEnd, JobInfo, JobPhase};
use crate::config::executors::SlurmSettings;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// One attempt of a task, ready to submit.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRequest {
    pub task_id: String,
    /// The job script (written before `sbatch` reads it).
    pub script: PathBuf,
    /// The task's log: the job's stdout and stderr, appended to.
    pub log: PathBuf,
    pub cwd: String,
    pub cpus: u32,
    pub mem_bytes: Option<u64>,
    pub timeout_ms: Option<u64>,
    /// The environment the job runs with (Slurm exports sbatch's own).
    pub env: Vec<(String, String)>,
}

/// The comment and job name that tie a job to its task.
pub fn tag(task_id: &str) -> String {
    format!("smart-agents:{task_id}")
}

/// The task id a job's comment names, if it is one of ours.
pub fn task_of(comment: &str) -> Option<&str> {
    comment.strip_prefix("smart-agents:")
}

/// `sbatch` arguments for `req`, the script last.
pub fn sbatch_args(settings: &SlurmSettings, req: &JobRequest) -> Vec<String> {
    let log = req.log.display().to_string();
    let mut args = vec![
        "--parsable".to_string(),
        "--no-requeue".into(),
        format!("--job-name={}", tag(&req.task_id)),
        format!("--comment={}", tag(&req.task_id)),
        format!("--chdir={}", req.cwd),
        format!("--output={log}"),
        format!("--error={log}"),
        // Attempts share one log, as for local tasks.
        "--open-mode=append".into(),
        format!("--cpus-per-task={}", req.cpus.max(1)),
        "--export=ALL".into(),
    ];
    if let Some(bytes) = req.mem_bytes {
        args.push(format!("--mem={}M", bytes.div_ceil(1024 * 1024).max(1)));
    }
    if let Some(ms) = req.timeout_ms {
        // Slurm counts minutes. The worker ends the task at its exact timeout; Slurm's limit,
        // a minute later, is the backstop while no worker runs.
        args.push(format!("--time={}", ms.div_ceil(60_000) + 1));
    }
    if let Some(partition) = &settings.partition {
        args.push(format!("--partition={partition}"));
    }
    if let Some(account) = &settings.account {
        args.push(format!("--account={account}"));
    }
    args.extend(settings.extra_args.iter().cloned());
    args.push(req.script.display().to_string());
    args
}

/// Quote `word` for a POSIX shell.
fn quote(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b)) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The batch script: the supervisor with the task's command, exec'd so that Slurm's signals
/// reach it directly.
pub fn job_script(task_id: &str, attempt: u32, argv: &[String]) -> String {
    let words: Vec<String> = argv.iter().map(|a| quote(a)).collect();
    format!("#!/bin/sh\n# smart-agents task {task_id}, attempt {attempt}\nexec {}\n", words.join(" "))
}

/// `name` on the worker's PATH.
pub fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn tool(name: &str) -> Result<Command, String> {
    let path = program(name).ok_or_else(|| format!("`{name}` is not on the worker's PATH"))?;
    let mut cmd = Command::new(path);
    cmd.stdin(Stdio::null());
    Ok(cmd)
}

/// How long a Slurm command may take: they retry for a minute when the controller or the
/// config is missing, and the worker's line to Slurm must not stall that long.
const CALL_LIMIT: Duration = Duration::from_secs(15);

fn output(cmd: Command, what: &str) -> Result<String, String> {
    output_within(cmd, what, CALL_LIMIT)
}

/// Run `cmd`; its stdout, or its stderr as the error.
fn output_within(mut cmd: Command, what: &str, limit: Duration) -> Result<String, String> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().map_err(|e| format!("{what}: {e}"))?;
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    // The output is read off this thread so a large listing cannot fill the pipe while we wait.
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(limit) {
        Ok(out) => out.map_err(|e| format!("{what}: {e}"))?,
        Err(_) => {
            // Our own child, not yet reaped (its waiter thread is still waiting).
            if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            return Err(format!("{what} did not answer within {} s", limit.as_secs()));
        }
    };
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let err = err.lines().map(|l| l.trim_start_matches("sbatch: error: ")).collect::<Vec<_>>().join("; ");
    // Some tools say why on stdout, some say nothing: never end the message empty.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let cause = [err.trim(), stdout.trim()].into_iter().find(|s| !s.is_empty());
    Err(format!("{what} failed: {}", cause.map_or_else(|| out.status.to_string(), str::to_string)))
}

/// Submit; the job id.
pub fn submit(settings: &SlurmSettings, req: &JobRequest) -> Result<String, String> {
    let mut cmd = tool("sbatch")?;
    // The job gets the task's environment; the worker's SLURM_CONF still names the cluster.
    cmd.env_clear().envs(req.env.iter().map(|(k, v)| (k, v))).args(sbatch_args(settings, req));
    if let Some(conf) = std::env::var_os("SLURM_CONF") {
        cmd.env("SLURM_CONF", conf);
    }
    let out = output(cmd, "sbatch")?;
    // `--parsable` prints `ID` or `ID;CLUSTER`.
    let id = out.trim().split(';').next().unwrap_or_default().to_string();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return Err(format!("sbatch printed no job id: {}", out.trim()));
    }
    Ok(id)
}

/// Every job of this user that Slurm still lists, finished ones included: one call.
pub fn jobs() -> Result<Vec<JobInfo>, String> {
    let uid = rustix::process::getuid().as_raw();
    let mut cmd = tool("squeue")?;
    cmd.args(["-h", "-t", "all", "-u", &uid.to_string(), "-o", "%i|%T|%r|%k"]);
    Ok(slurm_parse::parse_squeue(&output(cmd, "squeue")?))
}

/// How job `id` ended, while Slurm remembers it (`MinJobAge`).
pub fn job_end(id: &str) -> Option<JobEnd> {
    let mut cmd = tool("scontrol").ok()?;
    cmd.args(["-o", "show", "job", id]);
    let end = slurm_parse::parse_scontrol(output(cmd, "scontrol").ok()?.lines().next()?)?;
    (slurm_parse::phase(&end.state) == JobPhase::Ended).then_some(end)
}

/// `scancel`, with `signal` (e.g. `KILL`) instead of Slurm's TERM-then-KILL.
pub fn cancel(id: &str, signal: Option<&str>) -> Result<(), String> {
    let mut cmd = tool("scancel")?;
    if let Some(signal) = signal {
        cmd.arg(format!("--signal={signal}")).arg("--full");
    }
    cmd.arg(id);
    output(cmd, "scancel").map(|_| ())
}

/// Whether the controller answers: `Ok(what it said)`.
pub fn ping() -> Result<String, String> {
    let mut cmd = tool("scontrol")?;
    cmd.arg("ping");
    // `doctor` asks: a short answer beats a complete one.
    let out = output_within(cmd, "scontrol ping", Duration::from_secs(5))?;
    let said = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if said.contains("UP") { Ok(said) } else { Err(said) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> JobRequest {
        JobRequest {
            task_id: "abc123".into(),
            script: "/d/runs/abc123-1.sbatch".into(),
            log: "/d/logs/abc123.log".into(),
            cwd: "/work/x".into(),
            cpus: 2,
            mem_bytes: Some(512 * 1024 * 1024 + 1),
            timeout_ms: Some(90_000),
            env: Vec::new(),
        }
    }

    #[test]
    fn sbatch_gets_the_tasks_footprint_and_identity() {
        let settings = SlurmSettings {
            partition: Some("gpu".into()),
            account: Some("lab".into()),
            extra_args: vec!["--qos=low".into()],
            ..Default::default()
        };
        let args = sbatch_args(&settings, &request());
        for want in [
            "--parsable",
            "--no-requeue",
            "--job-name=smart-agents:abc123",
            "--comment=smart-agents:abc123",
            "--chdir=/work/x",
            "--output=/d/logs/abc123.log",
            "--error=/d/logs/abc123.log",
            "--cpus-per-task=2",
            "--mem=513M",
            "--time=3",
            "--partition=gpu",
            "--account=lab",
            "--qos=low",
        ] {
            assert!(args.iter().any(|a| a == want), "{want} missing from {args:?}");
        }
        assert_eq!(args.last().map(String::as_str), Some("/d/runs/abc123-1.sbatch"));
        let bare = sbatch_args(
            &SlurmSettings::default(),
            &JobRequest { mem_bytes: None, timeout_ms: None, ..request() },
        );
        assert!(
            !bare
                .iter()
                .any(|a| a.starts_with("--mem") || a.starts_with("--time") || a.starts_with("--partition"))
        );
    }

    #[test]
    fn scripts_quote_every_word() {
        let argv: Vec<String> =
            ["/bin/smart-agents", "__supervise", "it's", "a b", "$HOME", "plain"].map(String::from).into();
        let script = job_script("abc", 2, &argv);
        assert!(script.starts_with("#!/bin/sh\n"));
        assert!(
            script.contains(r"exec /bin/smart-agents __supervise 'it'\''s' 'a b' '$HOME' plain"),
            "{script}"
        );
        assert_eq!(task_of("smart-agents:abc"), Some("abc"));
        assert_eq!(task_of("other"), None);
    }
}
