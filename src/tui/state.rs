//! The dashboard's state: the tasks it shows, the selection, the mode, and the messages and
//! actions that `update` trades with the loop. Nothing here touches the terminal, the clock or
//! the worker, so every behaviour is unit-testable.

use super::details::Details;
use super::flow_rows::{self, FlowGroup, ListRow};
use super::layout;
use crate::client::flow_view::FlowView;
use crate::config::ResourceLimits;
use crate::model::{TaskState, TaskView};
use crate::protocol::{Event, Request};
use crossterm::event::KeyEvent;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Everything that can happen to the dashboard.
// Messages are moved once each, a few per second: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The first answer of a subscription: every task, and whether admission is paused.
    Snapshot {
        tasks: Vec<TaskView>,
        paused: bool,
    },
    Event(Event),
    WorkerUp,
    WorkerDown(String),
    /// Machine-wide readings in percent, sampled at the slow tick.
    Resources {
        cpu: f32,
        mem: f32,
        /// What running tasks still reserve (see `reserved`), percent.
        cpu_reserved: f32,
        mem_reserved: f32,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// The slow tick: the only source of "now" (unix ms), so rendering stays deterministic.
    Tick {
        now_ms: i64,
    },
    /// Details the loop loaded for a task.
    Details(Box<Details>),
    /// What the worker answered to a request, or why it failed.
    Status(String),
    /// Flows the loop read from the database.
    Flows(Vec<FlowView>),
    /// The stats pane's data, loaded off the loop.
    Stats(Box<super::stats_data::StatsData>),
    /// The diff view's change of a task, or why there is none.
    Diff(Box<super::diff_model::Loaded>),
    /// What a land, discard or send-back from the diff view did, or why not.
    Worked(super::diff_model::Worked),
}

/// What the loop must do on the dashboard's behalf.
#[derive(Debug, Clone)]
pub enum Action {
    Send(Request),
    LoadDetails(String),
    /// Read the stats pane's data from the database.
    LoadStats,
    /// The subscription missed events: drop it and take a fresh snapshot.
    Resubscribe,
    LoadDiff(String),
    Work(super::diff_model::Work),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Worker {
    Connecting,
    Up,
    Down(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a filter after `/`.
    Filter,
    /// Waiting for y/n before cancelling this task or flow.
    Confirm(RowKey),
    /// Typing the answer to what this task asks.
    Answer(String),
    Help,
}

/// What a row of the list is: a task or a flow (their ids come from different tables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKey {
    Task(String),
    Flow(String),
}

impl RowKey {
    pub fn id(&self) -> &str {
        match self {
            RowKey::Task(id) | RowKey::Flow(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Details,
}

pub use super::entry::Entry;

/// Finished tasks kept on screen; older ones drop off as new ones finish.
pub const MAX_FINISHED: usize = 2_000;

pub struct App {
    /// Sorted for display; re-sorted only when a task is added or its place changes.
    pub tasks: Vec<Entry>,
    index: HashMap<String, usize>,
    /// The list's lines that pass the filter, in display order: tasks, and flows with their
    /// steps beneath them (see `flow_rows`).
    pub visible: Vec<ListRow>,
    /// The flows that `visible` refers to.
    pub groups: Vec<FlowGroup>,
    /// Flows read from the database, by id: name, state, plan and undos.
    pub flows: HashMap<String, FlowView>,
    /// Flows whose steps are hidden.
    pub collapsed: HashSet<String>,
    /// Flows to read again; the loop takes them after each batch of messages.
    pub(super) flow_loads: BTreeSet<String>,
    /// Position of the selection in `visible`.
    pub cursor: usize,
    /// First row of `visible` on screen.
    pub offset: usize,
    pub selected: Option<RowKey>,
    /// Tasks per state, in `TaskState::ALL` order.
    pub counts: [usize; 5],
    /// Some pending task waits on the CPU or memory gate.
    pub gated: bool,
    pub paused: bool,
    pub worker: Worker,
    pub cpu: Option<f32>,
    pub mem: Option<f32>,
    /// Reserved by running tasks whose use has not shown yet, percent.
    pub cpu_reserved: f32,
    pub mem_reserved: f32,
    pub cpu_threshold: f64,
    pub mem_threshold: f64,
    pub filter: String,
    /// The answer being typed after `a`.
    pub answer: String,
    pub mode: Mode,
    pub focus: Pane,
    pub details: Option<Details>,
    /// Lines scrolled up from the end of the log tail.
    pub log_scroll: usize,
    /// The selected task changed since its details were loaded.
    pub(super) details_stale: bool,
    pub status: String,
    pub now_ms: i64,
    /// Offset of local time from UTC, for the clock only.
    pub utc_offset_secs: i32,
    pub width: u16,
    pub height: u16,
    /// False when NO_COLOR is set: render without any colour.
    pub color: bool,
    /// The stats pane replaces the list and details (key `s`).
    pub show_stats: bool,
    pub stats: Option<super::stats_data::StatsData>,
    /// The diff view (key `d`), over the list and details while open.
    pub diff: Option<super::diff_model::DiffView>,
    /// A task ended while the stats pane was shown: reload it at the next tick.
    pub(super) stats_stale: bool,
}

impl App {
    pub fn new(limits: &ResourceLimits, now_ms: i64, width: u16, height: u16) -> App {
        App {
            tasks: Vec::new(),
            index: HashMap::new(),
            visible: Vec::new(),
            groups: Vec::new(),
            flows: HashMap::new(),
            collapsed: HashSet::new(),
            flow_loads: BTreeSet::new(),
            cursor: 0,
            offset: 0,
            selected: None,
            counts: [0; 5],
            gated: false,
            paused: false,
            worker: Worker::Connecting,
            cpu: None,
            mem: None,
            cpu_reserved: 0.0,
            mem_reserved: 0.0,
            cpu_threshold: limits.cpu_threshold,
            mem_threshold: limits.memory_threshold,
            filter: String::new(),
            answer: String::new(),
            mode: Mode::Normal,
            focus: Pane::List,
            details: None,
            log_scroll: 0,
            details_stale: false,
            status: String::new(),
            now_ms,
            utc_offset_secs: 0,
            width,
            height,
            color: true,
            show_stats: false,
            stats: None,
            diff: None,
            stats_stale: false,
        }
    }

    /// A task by id.
    pub fn tasks_by_id(&self, id: &str) -> Option<&Entry> {
        self.tasks.get(*self.index.get(id)?)
    }

    /// The selected row when it is a task (a flow's step included).
    pub fn selected_entry(&self) -> Option<&Entry> {
        match self.visible.get(self.cursor)? {
            ListRow::Task { index, .. } => self.tasks.get(*index),
            ListRow::Flow { .. } => None,
        }
    }

    /// The selected row when it is a flow.
    pub fn selected_flow(&self) -> Option<&FlowGroup> {
        match self.visible.get(self.cursor)? {
            ListRow::Flow { group } => self.groups.get(*group),
            ListRow::Task { .. } => None,
        }
    }

    fn row_key(&self, row: &ListRow) -> Option<RowKey> {
        match *row {
            ListRow::Task { index, .. } => self.tasks.get(index).map(|e| RowKey::Task(e.view.id.clone())),
            ListRow::Flow { group } => self.groups.get(group).map(|g| RowKey::Flow(g.id.clone())),
        }
    }

    pub fn task(&self, id: &str) -> Option<&Entry> {
        self.index.get(id).and_then(|&i| self.tasks.get(i))
    }

    /// Rows of the task list on screen at the current size.
    pub fn page(&self) -> usize {
        layout::list_rows(self.width, self.height).max(1)
    }

    fn resort(&mut self) {
        self.tasks.sort_unstable_by(|a, b| a.key.cmp(&b.key).then_with(|| a.view.id.cmp(&b.view.id)));
        // Finished tasks sort last, newest first: a long session keeps only the recent ones.
        let first_finished = self.tasks.partition_point(|e| e.key.0 < 3);
        self.tasks.truncate(first_finished.saturating_add(MAX_FINISHED));
        self.index = self.tasks.iter().enumerate().map(|(i, e)| (e.view.id.clone(), i)).collect();
    }

    fn recount(&mut self) {
        self.counts = [0; 5];
        self.gated = false;
        for e in &self.tasks {
            if let Some(n) = TaskState::ALL.iter().position(|s| *s == e.view.state) {
                self.counts[n] += 1;
            }
            if e.view.state == TaskState::Pending
                && e.view
                    .waiting_reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("cpu") || r.starts_with("memory"))
            {
                self.gated = true;
            }
        }
    }

    /// Recompute the list's lines (grouping and filter) and keep the selection on the same row.
    pub(super) fn refilter(&mut self) -> Option<Action> {
        let needle = self.filter.to_lowercase();
        let grouped = flow_rows::arrange(&self.tasks, &self.flows, &self.collapsed, &needle);
        (self.visible, self.groups) = (grouped.rows, grouped.groups);
        let kept = self.selected.clone().and_then(|key| self.position_of(&key));
        self.select(kept.unwrap_or(self.cursor))
    }

    /// Where the row of `key` is in `visible`.
    pub(super) fn position_of(&self, key: &RowKey) -> Option<usize> {
        let wanted = match key {
            RowKey::Task(id) => ListRow::Task { index: *self.index.get(id)?, depth: 0 },
            RowKey::Flow(id) => ListRow::Flow { group: self.groups.iter().position(|g| &g.id == id)? },
        };
        self.visible.iter().position(|row| match (row, &wanted) {
            (ListRow::Task { index: a, .. }, ListRow::Task { index: b, .. }) => a == b,
            (a, b) => a == b,
        })
    }

    /// Move the selection to `pos` in `visible`, scroll it into view, and ask for its details
    /// when it is a different task.
    pub(super) fn select(&mut self, pos: usize) -> Option<Action> {
        self.cursor = pos.min(self.visible.len().saturating_sub(1));
        self.scroll_into_view();
        let key = self.visible.get(self.cursor).and_then(|row| self.row_key(row));
        if key == self.selected {
            return None;
        }
        self.selected = key.clone();
        self.details = None;
        self.log_scroll = 0;
        self.details_stale = false;
        match key? {
            RowKey::Task(id) => Some(Action::LoadDetails(id)),
            // A flow's details are its row in the database: read it afresh.
            RowKey::Flow(id) => {
                self.flow_loads.insert(id);
                None
            }
        }
    }

    pub(super) fn scroll_into_view(&mut self) {
        let page = self.page();
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
        self.offset = self.offset.min(self.visible.len().saturating_sub(page));
    }

    pub(super) fn replace_all(&mut self, tasks: Vec<TaskView>) -> Option<Action> {
        self.tasks = tasks.into_iter().map(Entry::new).collect();
        let flows = self.tasks.iter().filter_map(|e| e.view.flow_id.clone());
        self.flow_loads.extend(flows);
        self.resort();
        self.recount();
        let action = self.refilter();
        // A fresh snapshot may carry news for the selected task too.
        if action.is_none() && self.selected.is_some() {
            self.details_stale = true;
        }
        action
    }

    pub(super) fn upsert(&mut self, view: TaskView) -> Option<Action> {
        let id = view.id.clone();
        let flow = view.flow_id.clone();
        let entry = Entry::new(view);
        match self.index.get(&id).copied() {
            Some(i) => {
                let moved = self.tasks[i].key != entry.key;
                let state_changed = self.tasks[i].view.state != entry.view.state;
                self.tasks[i] = entry;
                if moved {
                    self.resort();
                }
                if self.selected == Some(RowKey::Task(id.clone())) {
                    self.details_stale = true;
                }
                if let Some(flow) = flow {
                    self.flow_task_changed(flow, state_changed, moved);
                }
                self.recount();
                // Only a move or a state change (part of what the filter matches) can change
                // the visible set; a progress update alone just redraws.
                if moved || (state_changed && !self.filter.is_empty()) {
                    let action = self.refilter();
                    // A finished task's result is worth loading right away, not at the next tick.
                    if action.is_none() && state_changed && self.details_stale {
                        self.details_stale = false;
                        return Some(Action::LoadDetails(id));
                    }
                    return action;
                }
                None
            }
            None => {
                self.flow_loads.extend(flow);
                self.tasks.push(entry);
                self.resort();
                self.recount();
                self.refilter()
            }
        }
    }
}
