//! What a task's process tree uses right now: resident memory and CPU time of a process and
//! all its descendants, from /proc. Cheap (two small reads per process); the supervisor samples
//! it a few times a second and the worker reads it for tasks whose memory has not shown yet.

use std::collections::HashSet;

/// Memory and CPU of one process tree at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub rss_bytes: u64,
    /// User + system time of the live processes and of the children they have reaped.
    pub cpu_seconds: f64,
}

/// `root` and its descendants, found through `/proc/PID/task/TID/children` (one read per
/// process). Where the kernel lacks that file, the processes of `root`'s group are used.
pub fn tree(root: i32) -> Vec<i32> {
    if !std::path::Path::new(&format!("/proc/{root}/task/{root}/children")).exists() {
        return group_members(root);
    }
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    let mut out = Vec::new();
    while let Some(pid) = stack.pop() {
        if !seen.insert(pid) {
            continue;
        }
        out.push(pid);
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { continue };
        for task in tasks.flatten() {
            let Ok(text) = std::fs::read_to_string(task.path().join("children")) else { continue };
            stack.extend(text.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
        }
    }
    out
}

/// Every process whose group is `pgid` (a full /proc scan: the fallback only).
fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| stat_fields(pid).and_then(|f| f.get(2)?.parse::<i32>().ok()) == Some(pgid))
        .collect()
}

/// Fields after the command name of /proc/PID/stat (index 0 is the state).
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(stat[stat.rfind(')')? + 1..].split_whitespace().map(str::to_string).collect())
}

fn page_size() -> u64 {
    rustix::param::page_size() as u64
}

fn ticks_per_second() -> f64 {
    match rustix::param::clock_ticks_per_second() {
        0 => 100.0,
        ticks => ticks as f64,
    }
}

/// Usage of `pids` summed (processes that vanished meanwhile count as nothing).
pub fn usage_of(pids: &[i32]) -> Usage {
    let (page, hz) = (page_size(), ticks_per_second());
    let mut usage = Usage::default();
    for &pid in pids {
        let Some(fields) = stat_fields(pid) else { continue };
        // proc(5): utime 14, stime 15, cutime 16, cstime 17, rss 24; minus 3 for our index.
        let num = |i: usize| fields.get(i).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0).max(0);
        if fields.first().is_some_and(|s| s == "Z") {
            continue;
        }
        usage.cpu_seconds += (num(11) + num(12) + num(13) + num(14)) as f64 / hz;
        usage.rss_bytes += num(21) as u64 * page;
    }
    usage
}

/// Usage of the tree under `root`, `root` itself left out when `skip_root` (the supervisor
/// measures its command, not itself).
pub fn tree_usage(root: i32, skip_root: bool) -> Usage {
    let mut pids = tree(root);
    if skip_root {
        pids.retain(|&p| p != root);
    }
    usage_of(&pids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_holds_memory_shows_in_its_parents_tree() {
        let me = std::process::id() as i32;
        let mut child = std::process::Command::new("python3")
            .args(["-c", "b = bytearray(48 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(5)"])
            .spawn()
            .expect("python3");
        let pid = child.id() as i32;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut seen = 0;
        while std::time::Instant::now() < deadline {
            seen = tree_usage(pid, false).rss_bytes;
            if seen >= 48 << 20 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(tree(me).contains(&pid), "the child is in this test's tree");
        let _ = child.kill();
        let _ = child.wait();
        assert!(seen >= 48 << 20, "rss of the tree: {seen}");
        assert_eq!(tree_usage(pid, false), Usage::default(), "a gone process uses nothing");
    }
}
