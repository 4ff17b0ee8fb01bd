//! The task list's lines: a flow shows as one row, its steps (and undo tasks) beneath it, and
//! every other task as before. Pure: computed from the tasks on arrival or when the filter or a
//! collapse changes, never per frame.

use super::entry::Entry;
use crate::client::flow_view::{FlowView, step_weight, weighted};
use crate::flows::{FlowState, parse_undo_name};
use std::collections::{HashMap, HashSet};

/// One line of the task list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRow {
    /// `tasks[index]`; `depth` 1 for a step under its flow.
    Task { index: usize, depth: u8 },
    /// `groups[group]`.
    Flow { group: usize },
}

/// A flow as its row shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowGroup {
    pub id: String,
    pub name: String,
    /// The flow's own state, once read from the database.
    pub state: Option<FlowState>,
    pub done: usize,
    pub total: usize,
    /// Steps ended of all steps, a running step counting by its own progress.
    pub percent: f64,
    pub collapsed: bool,
    /// Indices into the tasks of its steps, in plan order, then its undo tasks.
    pub members: Vec<usize>,
}

impl FlowGroup {
    /// Finished, as far as the dashboard knows.
    pub fn ended(&self) -> bool {
        self.state.is_some_and(|s| s != FlowState::Running)
    }
}

/// The list's lines and the flows they refer to.
#[derive(Debug, Default)]
pub struct Grouped {
    pub rows: Vec<ListRow>,
    pub groups: Vec<FlowGroup>,
}

/// Group `tasks` (in display order) by flow. A flow sits where its first task in that order
/// would (so a flow with a running step sorts with the running tasks). `needle` (lower-case)
/// filters: a flow whose id or name matches shows all its steps, else only the matching ones.
pub fn arrange(
    tasks: &[Entry],
    flows: &HashMap<String, FlowView>,
    collapsed: &HashSet<String>,
    needle: &str,
) -> Grouped {
    enum Top {
        Task(usize),
        Flow(usize),
    }
    let mut order = Vec::new();
    let mut groups: Vec<FlowGroup> = Vec::new();
    let mut by_flow: HashMap<&str, usize> = HashMap::new();
    for (i, e) in tasks.iter().enumerate() {
        let Some(flow) = e.view.flow_id.as_deref() else {
            order.push(Top::Task(i));
            continue;
        };
        let g = *by_flow.entry(flow).or_insert_with(|| {
            groups.push(new_group(flow, e, flows.get(flow), collapsed.contains(flow)));
            order.push(Top::Flow(groups.len() - 1));
            groups.len() - 1
        });
        groups[g].members.push(i);
    }
    for g in &mut groups {
        let flow = flows.get(&g.id);
        sort_members(&mut g.members, tasks, flow);
        (g.done, g.total, g.percent) = progress(tasks, &g.members, flow);
    }
    let matches = |i: usize| needle.is_empty() || tasks[i].search.contains(needle);
    let mut rows = Vec::with_capacity(tasks.len() + groups.len());
    for top in order {
        match top {
            Top::Task(index) if matches(index) => rows.push(ListRow::Task { index, depth: 0 }),
            Top::Task(_) => {}
            Top::Flow(group) => {
                let g = &groups[group];
                let whole =
                    needle.is_empty() || g.id.contains(needle) || g.name.to_lowercase().contains(needle);
                let shown: Vec<usize> = g.members.iter().copied().filter(|&i| whole || matches(i)).collect();
                if !whole && shown.is_empty() {
                    continue;
                }
                rows.push(ListRow::Flow { group });
                if !g.collapsed {
                    rows.extend(shown.into_iter().map(|index| ListRow::Task { index, depth: 1 }));
                }
            }
        }
    }
    Grouped { rows, groups }
}

fn new_group(id: &str, first: &Entry, flow: Option<&FlowView>, collapsed: bool) -> FlowGroup {
    // Until the flow's row is read, its name comes from a step's description, `NAME: STEP`.
    let name = match flow {
        Some(f) => f.name.clone(),
        None => {
            let label = first.view.step_name.as_deref().map(step_label).unwrap_or_default();
            let d = &first.view.description;
            d.strip_suffix(&format!(": {label}")).unwrap_or(d).to_string()
        }
    };
    FlowGroup {
        id: id.to_string(),
        name,
        state: flow.map(|f| f.state),
        done: 0,
        total: 0,
        percent: 0.0,
        collapsed,
        members: Vec::new(),
    }
}

/// What a step's row says it is: the step's name, or `undo STEP` for an undo task.
pub fn step_label(step_name: &str) -> String {
    match parse_undo_name(step_name) {
        Some((_, step)) => format!("undo {step}"),
        None => step_name.to_string(),
    }
}

fn is_undo(e: &Entry) -> bool {
    e.view.step_name.as_deref().and_then(parse_undo_name).is_some()
}

/// Steps in plan order (those the plan does not name, by creation), undo tasks last.
fn sort_members(members: &mut [usize], tasks: &[Entry], flow: Option<&FlowView>) {
    let place = |i: &usize| {
        let e = &tasks[*i];
        let step = e.view.step_name.as_deref().unwrap_or("");
        let in_plan = flow.and_then(|f| f.steps.iter().position(|s| s.name == step)).unwrap_or(usize::MAX);
        (is_undo(e), in_plan, e.created_ms.unwrap_or(0), *i)
    };
    members.sort_by_cached_key(place);
}

/// (steps done, steps in all, percent) of a flow. Its tasks on screen are the newest word on
/// their steps; steps without one take what the database said (`waiting`, or `cancelled` once
/// the flow ended). Before the flow is read, only the steps queued so far count.
pub fn progress(tasks: &[Entry], members: &[usize], flow: Option<&FlowView>) -> (usize, usize, f64) {
    let live = |step: &str| {
        members
            .iter()
            .map(|&i| &tasks[i].view)
            .find(|v| v.step_name.as_deref() == Some(step))
            .map(|v| step_weight(v.state.as_str(), v.progress))
    };
    match flow {
        Some(f) => {
            weighted(f.steps.iter().map(|s| live(&s.name).unwrap_or(step_weight(&s.state, s.progress))))
        }
        None => weighted(
            members
                .iter()
                .map(|&i| &tasks[i])
                .filter(|e| !is_undo(e))
                .map(|e| step_weight(e.view.state.as_str(), e.view.progress)),
        ),
    }
}

#[cfg(test)]
#[path = "flow_rows_tests.rs"]
mod tests;
