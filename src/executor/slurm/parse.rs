//! Reading what Slurm's commands print: `squeue -o '%i|%T|%r|%k'` rows and
//! `scontrol -o show job` lines, and what a job's end means for its task. Pure functions.

/// One job as `squeue` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    pub job_id: String,
    pub phase: JobPhase,
    /// Slurm's state word, e.g. `PENDING`, `TIMEOUT`.
    pub state: String,
    /// Slurm's reason, e.g. `Resources`, `Priority` (`None` when it has none).
    pub reason: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobPhase {
    Queued,
    Running,
    Ended,
}

/// How a job ended, from `scontrol -o show job`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobEnd {
    pub state: String,
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub reason: Option<String>,
}

pub fn phase(state: &str) -> JobPhase {
    match state {
        "PENDING" | "CONFIGURING" | "REQUEUED" | "REQUEUE_HOLD" | "REQUEUE_FED" | "RESV_DEL_HOLD"
        | "SUSPENDED" => JobPhase::Queued,
        "RUNNING" | "COMPLETING" | "STAGE_OUT" | "SIGNALING" | "RESIZING" | "STOPPED" => JobPhase::Running,
        _ => JobPhase::Ended,
    }
}

fn none_if_null(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && text != "(null)" && text != "None").then(|| text.to_string())
}

/// Rows of `squeue -h -o '%i|%T|%r|%k'`; malformed rows are skipped.
pub fn parse_squeue(text: &str) -> Vec<JobInfo> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(4, '|');
            let job_id = fields.next()?.trim().to_string();
            let state = fields.next()?.trim().to_string();
            if job_id.is_empty() || state.is_empty() {
                return None;
            }
            let reason = fields.next().and_then(none_if_null);
            let comment = fields.next().and_then(none_if_null);
            Some(JobInfo { job_id, phase: phase(&state), state, reason, comment })
        })
        .collect()
}

/// One `scontrol -o show job ID` line: `JobState=FAILED … ExitCode=3:0 …`.
pub fn parse_scontrol(line: &str) -> Option<JobEnd> {
    let field = |key: &str| {
        line.split_whitespace().find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
    };
    let state = field("JobState")?.to_string();
    let (code, signal) = match field("ExitCode").and_then(|e| e.split_once(':')) {
        Some((c, s)) => (c.parse().ok(), s.parse().ok().filter(|s| *s != 0)),
        None => (None, None),
    };
    Some(JobEnd { state, code, signal, reason: field("Reason").and_then(none_if_null) })
}

/// The task's state word and reason for a job that ended without the supervisor's exit record
/// (it was killed with the whole job). `log_tail` is the end of the job's output, where Slurm
/// writes "exceeded memory limit".
pub fn verdict(job_id: &str, end: Option<&JobEnd>, log_tail: &str) -> (bool, String) {
    let Some(end) = end else {
        return (false, format!("lost: Slurm no longer knows job {job_id} and it left no exit status"));
    };
    let over_memory = log_tail.contains("exceeded memory limit") || log_tail.contains("Exceeded job memory");
    let reason = match end.state.as_str() {
        "OUT_OF_MEMORY" => format!("out of memory: Slurm killed job {job_id} over its --mem"),
        _ if over_memory => format!("out of memory: Slurm killed job {job_id} over its --mem"),
        "TIMEOUT" => format!("timeout: Slurm ended job {job_id} at its time limit"),
        "NODE_FAIL" => format!("node failure: the node running Slurm job {job_id} failed"),
        "BOOT_FAIL" => format!("node failure: the node for Slurm job {job_id} did not boot"),
        "PREEMPTED" => format!("preempted: Slurm job {job_id} gave way to other work"),
        "DEADLINE" => format!("deadline: Slurm job {job_id} missed its deadline"),
        "CANCELLED" => {
            return (true, format!("cancelled in Slurm: job {job_id} was cancelled outside smart-agents"));
        }
        state => match (end.code, end.signal) {
            (_, Some(sig)) => format!("slurm: job {job_id} {state}, killed by signal {sig}"),
            (Some(code), _) if code != 0 => format!("slurm: job {job_id} {state} with code {code}"),
            _ => format!("slurm: job {job_id} ended {state} without an exit status"),
        },
    };
    (false, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeue_rows_become_jobs() {
        let text = "12|PENDING|Resources|smart-agents:abc\n13|RUNNING|None|(null)\n\ngarbage\n14|TIMEOUT|TimeLimit|x|y\n";
        let jobs = parse_squeue(text);
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[0].phase, JobPhase::Queued);
        assert_eq!(jobs[0].reason.as_deref(), Some("Resources"));
        assert_eq!(jobs[0].comment.as_deref(), Some("smart-agents:abc"));
        assert_eq!(
            (jobs[1].phase, jobs[1].reason.as_deref(), jobs[1].comment.as_deref()),
            (JobPhase::Running, None, None)
        );
        // A comment may hold the separator.
        assert_eq!(jobs[2].comment.as_deref(), Some("x|y"));
        assert_eq!(jobs[2].phase, JobPhase::Ended);
    }

    #[test]
    fn scontrol_lines_give_state_and_exit_code() {
        let line = "JobId=7 JobName=x JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0";
        let end = parse_scontrol(line).unwrap();
        assert_eq!((end.state.as_str(), end.code, end.signal), ("FAILED", Some(3), None));
        let killed = parse_scontrol("JobId=8 JobState=FAILED Reason=JobLaunchFailure ExitCode=0:9").unwrap();
        assert_eq!(killed.signal, Some(9));
        assert_eq!(parse_scontrol("slurm_load_jobs error: Invalid job id specified"), None);
    }

    #[test]
    fn endings_without_a_record_say_what_slurm_did() {
        let end = |state: &str, code, signal| JobEnd { state: state.into(), code, signal, reason: None };
        let oom = verdict(
            "5",
            Some(&end("FAILED", Some(0), Some(9))),
            "error: StepId=5.batch exceeded memory limit",
        );
        assert!(oom.1.starts_with("out of memory"), "{oom:?}");
        assert!(verdict("5", Some(&end("OUT_OF_MEMORY", Some(0), None)), "").1.starts_with("out of memory"));
        assert!(verdict("5", Some(&end("TIMEOUT", Some(0), None)), "").1.starts_with("timeout"));
        assert!(verdict("5", Some(&end("NODE_FAIL", Some(0), None)), "").1.starts_with("node failure"));
        assert!(verdict("5", Some(&end("CANCELLED", Some(0), None)), "").0);
        assert!(verdict("5", Some(&end("FAILED", Some(0), Some(9))), "").1.contains("signal 9"));
        assert!(verdict("5", None, "").1.starts_with("lost"));
    }
}
