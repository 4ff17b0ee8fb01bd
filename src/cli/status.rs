//! `status` and `list`: read straight from the database, so they answer while the worker is
//! down and cost one indexed query.

use crate::client::tasks::{record, summary_of, with_children};
use crate::error::Result;
use crate::model::{TaskState, TaskView};
use crate::paths::Paths;
use crate::render::{self, print_json};
use crate::store::{Store, now_ms};
use crate::text::truncate;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Task id (or a unique prefix); without one, a summary of the queue
    pub id: Option<String>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

impl clap::ValueEnum for TaskState {
    fn value_variants<'a>() -> &'a [Self] {
        &TaskState::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

pub async fn status(args: StatusArgs, paths: &Paths) -> Result<i32> {
    let Some(typed) = args.id else {
        let store = Store::open_for_reading(&paths.database)?;
        return summary(store.as_ref(), args.json);
    };
    let store = Store::open_for_reading(&paths.database)?;
    let rec = record(store.as_ref(), &typed)?;
    let view = with_children(store.as_ref(), &rec)?;
    // Who asked for the cancel: the audit trail's answer, shown with the task.
    let cancelled_by = match (&store, view.state) {
        (Some(store), TaskState::Cancelled) => store.cancelled_by(&rec.id)?,
        _ => None,
    };
    if args.json {
        let mut value = serde_json::to_value(&view)?;
        if let (Some(by), Some(map)) = (&cancelled_by, value.as_object_mut()) {
            map.insert("cancelled_by".into(), serde_json::to_value(by)?);
        }
        if let (Some(dir), Some(map)) = (worktree_of(&rec, paths), value.as_object_mut()) {
            map.insert("worktree".into(), dir.into());
        }
        if let (Some(group), Some(map)) = (&rec.spec.group, value.as_object_mut()) {
            map.insert("group".into(), group.clone().into());
        }
        print_json(&value)?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  {}", view.id, render::headline(&view))?;
    writeln!(out, "  {}", truncate(&view.description, 200))?;
    let mut facts = vec![format!("agent {}", view.agent), format!("priority {}", view.priority)];
    facts.extend(view.class.as_ref().map(|c| format!("class {c}")));
    facts.push(format!("on {}", render::placement(&view)));
    facts.extend(render::attempt(view.attempt, rec.spec.retries));
    if let Some(elapsed) = render::elapsed(&rec, now_ms()) {
        facts.push(format!("ran {}", crate::duration::format(elapsed)));
    }
    if !rec.spec.after.is_empty() {
        facts.push(format!("after {}", rec.spec.after.join(", ")));
    }
    writeln!(out, "  {}", facts.join(" · "))?;
    if let Some(line) = usage_line(&view) {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "  created {}", view.created_at)?;
    if let Some(parent) = &view.parent {
        writeln!(out, "  parent {parent}")?;
    }
    for child in &view.children {
        writeln!(
            out,
            "  child {}  {}  {}",
            child.id,
            render::state_word(child.state),
            truncate(&child.description, 60)
        )?;
    }
    if let Some(by) = cancelled_by {
        writeln!(out, "  cancelled by {}", by.describe())?;
    }
    Ok(0)
}

/// `expects 512 MiB, 1 core (declared) · peak 420 MiB, 3.2 cpu-s`.
fn usage_line(view: &TaskView) -> Option<String> {
    use crate::scheduler::footprint::format_bytes;
    let mut parts = Vec::new();
    if let Some(fp) = &view.footprint {
        let mem = if fp.mem_bytes == 0 { "unknown memory".to_string() } else { format_bytes(fp.mem_bytes) };
        let unit = if fp.cpus == 1.0 { "core" } else { "cores" };
        parts.push(format!("expects {mem}, {} {unit} ({})", fp.cpus, fp.source.as_str()));
    }
    if let Some(peak) = &view.peak {
        parts.push(format!("{}, {} cpu-s", render::peak(peak), crate::text::human_number(peak.cpu_seconds)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A `--worktree` task's checkout, from the moment it exists (while the task runs too).
fn worktree_of(rec: &crate::store::TaskRecord, paths: &Paths) -> Option<String> {
    if let Some(dir) = &rec.artifacts.worktree {
        return Some(dir.clone());
    }
    let dir = paths.worktrees_dir.join(&rec.id);
    (rec.spec.worktree && dir.exists()).then(|| dir.display().to_string())
}

fn summary(store: Option<&Store>, json: bool) -> Result<i32> {
    let (counts, running) = summary_of(store)?;
    if json {
        print_json(&serde_json::json!({ "counts": counts, "running": running }))?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} running · {} pending · {} completed · {} failed · {} cancelled",
        counts.running, counts.pending, counts.completed, counts.failed, counts.cancelled
    )?;
    for task in &running {
        writeln!(out, "  {}  {}  {}", task.id, render::headline(task), truncate(&task.description, 60))?;
    }
    Ok(0)
}
