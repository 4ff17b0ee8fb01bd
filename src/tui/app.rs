//! The dashboard's state and its one pure transition, `update(app, msg) -> Option<Action>`.
//! Nothing here touches the terminal, the clock or the worker: the loop feeds messages in and
//! carries actions out, so every behaviour is unit-testable.

use super::details::Details;
use super::layout;
use crate::config::Limits;
use crate::model::{TaskState, TaskView};
use crate::protocol::{Event, Request};
use crossterm::event::KeyEvent;
use std::collections::HashMap;

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
    /// The stats pane's data, loaded off the loop.
    Stats(Box<super::stats_pane::StatsData>),
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
    /// Waiting for y/n before cancelling this task.
    Confirm(String),
    Help,
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
    /// Indices into `tasks` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position of the selection in `visible`.
    pub cursor: usize,
    /// First row of `visible` on screen.
    pub offset: usize,
    pub selected: Option<String>,
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
    pub mode: Mode,
    pub focus: Pane,
    pub details: Option<Details>,
    /// Lines scrolled up from the end of the log tail.
    pub log_scroll: usize,
    /// The selected task changed since its details were loaded.
    details_stale: bool,
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
    pub stats: Option<super::stats_pane::StatsData>,
    /// A task ended while the stats pane was shown: reload it at the next tick.
    pub(super) stats_stale: bool,
}

impl App {
    pub fn new(limits: &Limits, now_ms: i64, width: u16, height: u16) -> App {
        App {
            tasks: Vec::new(),
            index: HashMap::new(),
            visible: Vec::new(),
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
            stats_stale: false,
        }
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible.get(self.cursor).and_then(|&i| self.tasks.get(i))
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
        let first_finished = self.tasks.partition_point(|e| e.key.0 < 2);
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

    /// Recompute which tasks pass the filter and keep the selection on the same task.
    pub(super) fn refilter(&mut self) -> Option<Action> {
        let needle = self.filter.to_lowercase();
        self.visible = (0..self.tasks.len()).filter(|&i| self.tasks[i].search.contains(&needle)).collect();
        let kept = self
            .selected
            .as_ref()
            .and_then(|id| self.index.get(id))
            .and_then(|i| self.visible.binary_search(i).ok());
        self.select(kept.unwrap_or(self.cursor))
    }

    /// Move the selection to `pos` in `visible`, scroll it into view, and ask for its details
    /// when it is a different task.
    pub(super) fn select(&mut self, pos: usize) -> Option<Action> {
        self.cursor = pos.min(self.visible.len().saturating_sub(1));
        self.scroll_into_view();
        let id = self.selected_entry().map(|e| e.view.id.clone());
        if id == self.selected {
            return None;
        }
        self.selected = id.clone();
        self.details = None;
        self.log_scroll = 0;
        self.details_stale = false;
        id.map(Action::LoadDetails)
    }

    fn scroll_into_view(&mut self) {
        let page = self.page();
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
        self.offset = self.offset.min(self.visible.len().saturating_sub(page));
    }

    fn replace_all(&mut self, tasks: Vec<TaskView>) -> Option<Action> {
        self.tasks = tasks.into_iter().map(Entry::new).collect();
        self.resort();
        self.recount();
        let action = self.refilter();
        // A fresh snapshot may carry news for the selected task too.
        if action.is_none() && self.selected.is_some() {
            self.details_stale = true;
        }
        action
    }

    fn upsert(&mut self, view: TaskView) -> Option<Action> {
        let id = view.id.clone();
        let entry = Entry::new(view);
        match self.index.get(&id).copied() {
            Some(i) => {
                let moved = self.tasks[i].key != entry.key;
                let state_changed = self.tasks[i].view.state != entry.view.state;
                self.tasks[i] = entry;
                if moved {
                    self.resort();
                }
                if self.selected.as_deref() == Some(id.as_str()) {
                    self.details_stale = true;
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
                self.tasks.push(entry);
                self.resort();
                self.recount();
                self.refilter()
            }
        }
    }
}

pub fn update(app: &mut App, msg: Msg) -> Option<Action> {
    match msg {
        Msg::Key(key) => super::keys::on_key(app, key),
        Msg::Snapshot { tasks, paused } => {
            app.worker = Worker::Up;
            app.paused = paused;
            app.replace_all(tasks)
        }
        Msg::Event(Event::Task { task }) => {
            app.stats_stale |= app.show_stats && task.state.is_finished();
            app.upsert(task)
        }
        Msg::Event(Event::Admission { paused }) => {
            app.paused = paused;
            app.status = if paused { "admission paused" } else { "admission resumed" }.to_string();
            None
        }
        Msg::Event(Event::Hold { text, .. }) => {
            app.status = text;
            None
        }
        Msg::Event(Event::Lagged) => {
            app.status = "fell behind the worker: reloading".to_string();
            Some(Action::Resubscribe)
        }
        Msg::WorkerUp => {
            app.worker = Worker::Up;
            None
        }
        Msg::WorkerDown(why) => {
            app.worker = Worker::Down(why);
            None
        }
        Msg::Resources { cpu, mem, cpu_reserved, mem_reserved } => {
            app.cpu = Some(cpu);
            app.mem = Some(mem);
            app.cpu_reserved = cpu_reserved;
            app.mem_reserved = mem_reserved;
            None
        }
        Msg::Resize { width, height } => {
            app.width = width;
            app.height = height;
            app.scroll_into_view();
            None
        }
        Msg::Tick { now_ms } => {
            app.now_ms = now_ms;
            // Details of a changing task are refreshed at most once a tick, not per event.
            if app.details_stale {
                app.details_stale = false;
                return app.selected.clone().map(Action::LoadDetails);
            }
            if std::mem::take(&mut app.stats_stale) {
                return Some(Action::LoadStats);
            }
            None
        }
        Msg::Details(details) => {
            if app.selected.as_deref() == Some(details.id.as_str()) {
                app.details = Some(*details);
            }
            None
        }
        Msg::Status(text) => {
            app.status = text;
            None
        }
        Msg::Stats(data) => {
            app.stats = Some(*data);
            None
        }
    }
}
