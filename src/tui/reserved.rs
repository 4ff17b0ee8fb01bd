//! What running tasks still reserve, for the header: the same rules the worker admits by
//! (`scheduler::footprint`), from each running task's footprint, its age and what its process
//! tree shows now (found through its supervisor's command line).

use super::state::App;
use crate::model::TaskState;
use crate::scheduler::footprint;
use std::time::Duration;

/// (memory, cpu) reserved, in percent of the machine.
pub fn reserved_percent(app: &App, mem_total: u64, cpus: usize) -> (f32, f32) {
    let running: Vec<_> = app.tasks.iter().filter(|e| e.view.state == TaskState::Running).collect();
    if running.is_empty() {
        return (0.0, 0.0);
    }
    let supervisors = crate::worker::runner::supervisors();
    let (mut bytes, mut cores) = (0u64, 0.0f64);
    for e in running {
        let Some(fp) = e.view.footprint else { continue };
        let age = (app.now_ms - e.started_ms.unwrap_or(app.now_ms)).max(0) as u64;
        cores += footprint::cpu_reservation(fp.cpus, Duration::from_millis(age));
        if fp.mem_bytes > 0 {
            let shown = supervisors
                .get(&(e.view.id.clone(), e.view.attempt))
                .map_or(0, |&pid| crate::worker::proctree::tree_usage(pid, true).rss_bytes);
            bytes += footprint::mem_reservation(fp.mem_bytes, shown);
        }
    }
    let mem = bytes as f64 / mem_total.max(1) as f64 * 100.0;
    let cpu = cores / cpus.max(1) as f64 * 100.0;
    (mem as f32, cpu as f32)
}
