//! Key handling, per mode. Part of the pure `update`.

use super::state::{Action, App, Mode, Pane, RowKey, Worker};
use crate::flows::FlowState;
use crate::protocol::Request;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn on_key(app: &mut App, key: KeyEvent) -> Option<Action> {
    // Some terminals also report releases; act on presses (and repeats) only.
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match app.mode.clone() {
        Mode::Help => {
            app.mode = Mode::Normal;
            None
        }
        Mode::Confirm(target) => {
            app.mode = Mode::Normal;
            let yes = matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y'));
            match target {
                RowKey::Task(id) if yes => {
                    send(app, Request::Cancel { ids: vec![id.clone()] }, format!("cancel sent for {id}"))
                }
                RowKey::Flow(id) if yes => {
                    send(app, Request::FlowCancel { id: id.clone() }, format!("cancel sent for flow {id}"))
                }
                other => {
                    app.status = format!("cancel of {} abandoned", other.id());
                    None
                }
            }
        }
        Mode::Filter => filter_key(app, key),
        Mode::Answer(id) => answer_key(app, key, id),
        Mode::Normal if app.diff.is_some() => super::diff_state::on_key(app, key),
        Mode::Normal => normal_key(app, key),
    }
}

/// A request, unless the worker is known to be down (then say so instead of queueing it).
fn send(app: &mut App, req: Request, done: String) -> Option<Action> {
    if let Worker::Down(_) = app.worker {
        app.status = "worker down: nothing sent".to_string();
        return None;
    }
    app.status = done;
    Some(Action::Send(req))
}

fn filter_key(app: &mut App, key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => {
            app.mode = Mode::Normal;
            // A filter set is shown on the status line's right; saying it here too doubled it.
            app.status = if app.filter.is_empty() { "filter cleared".to_string() } else { String::new() };
            None
        }
        KeyCode::Esc => {
            app.mode = Mode::Normal;
            app.filter.clear();
            app.status = "filter cleared".to_string();
            app.refilter()
        }
        KeyCode::Backspace => {
            app.filter.pop();
            app.refilter()
        }
        KeyCode::Up | KeyCode::Down => move_key(app, key.code),
        KeyCode::Char(c) => {
            app.filter.push(c);
            app.refilter()
        }
        _ => None,
    }
}

/// Typing an answer after `a`: Enter sends it (`y`/`allow`, `n`/`deny`, or the words), Esc
/// drops it.
fn answer_key(app: &mut App, key: KeyEvent, id: String) -> Option<Action> {
    match key.code {
        KeyCode::Enter if !app.answer.trim().is_empty() => {
            app.mode = Mode::Normal;
            let reply = crate::model::Reply::parse(&std::mem::take(&mut app.answer));
            let done = format!("answer {reply} sent to {id}");
            return send(app, Request::Answer { id, reply, always: false }, done);
        }
        KeyCode::Esc => {
            app.mode = Mode::Normal;
            app.answer.clear();
            app.status = format!("answer to {id} abandoned");
            return None;
        }
        KeyCode::Backspace => {
            app.answer.pop();
        }
        KeyCode::Char(c) => app.answer.push(c),
        _ => {}
    }
    let text =
        app.tasks_by_id(&id).and_then(|e| e.view.needs.as_ref()).map(|n| n.text.clone()).unwrap_or_default();
    app.status = answer_prompt(&id, &text, &app.answer);
    None
}

fn answer_prompt(id: &str, question: &str, typed: &str) -> String {
    format!("{id} asks: {question} · y allow, n deny, or words; Enter sends, Esc drops > {typed}")
}

fn move_key(app: &mut App, code: KeyCode) -> Option<Action> {
    let page = app.page();
    let last = app.visible.len().saturating_sub(1);
    let to = match code {
        KeyCode::Up | KeyCode::Char('k') => app.cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => app.cursor.saturating_add(1),
        KeyCode::PageUp => app.cursor.saturating_sub(page),
        KeyCode::PageDown => app.cursor.saturating_add(page),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => last,
        _ => return None,
    };
    app.select(to.min(last))
}

fn scroll_log(app: &mut App, code: KeyCode) {
    let lines = app.details.as_ref().map_or(0, |d| d.log.len());
    app.log_scroll = match code {
        KeyCode::Up | KeyCode::Char('k') => app.log_scroll.saturating_add(1),
        KeyCode::Down | KeyCode::Char('j') => app.log_scroll.saturating_sub(1),
        KeyCode::PageUp => app.log_scroll.saturating_add(10),
        KeyCode::PageDown => app.log_scroll.saturating_sub(10),
        KeyCode::Home | KeyCode::Char('g') => lines,
        KeyCode::End | KeyCode::Char('G') => 0,
        _ => app.log_scroll,
    }
    .min(lines);
}

fn normal_key(app: &mut App, key: KeyEvent) -> Option<Action> {
    if let Some(flow) = app.selected_flow().map(|g| (g.id.clone(), g.state))
        && app.focus == Pane::List
        && let Some(action) = flow_key(app, key.code, flow)
    {
        return action;
    }
    match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => {
            app.mode = Mode::Help;
            None
        }
        KeyCode::Tab | KeyCode::BackTab => {
            app.focus = if app.focus == Pane::List { Pane::Details } else { Pane::List };
            app.status =
                if app.focus == Pane::List { "list pane" } else { "details pane: j/k scroll the log" }
                    .to_string();
            None
        }
        KeyCode::Char('s') => {
            app.show_stats = !app.show_stats;
            if !app.show_stats {
                app.status = "task list".to_string();
                return None;
            }
            app.status = "stats of the last 7 days: s or Esc to go back".to_string();
            Some(Action::LoadStats)
        }
        KeyCode::Esc if app.show_stats => {
            app.show_stats = false;
            app.status = "task list".to_string();
            None
        }
        KeyCode::Esc if app.focus == Pane::Details => {
            app.focus = Pane::List;
            None
        }
        KeyCode::Esc if !app.filter.is_empty() => {
            app.filter.clear();
            app.status = "filter cleared".to_string();
            app.refilter()
        }
        KeyCode::Char('d') => {
            let id = app.selected_entry().map(|e| e.view.id.clone())?;
            super::diff_state::open(app, id)
        }
        KeyCode::Char('/') => {
            app.mode = Mode::Filter;
            app.status = "filter: type, Enter to keep, Esc to clear".to_string();
            None
        }
        KeyCode::Enter | KeyCode::Char('c') | KeyCode::Char('r') | KeyCode::Char('a') => {
            task_key(app, key.code)
        }
        KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right if app.focus == Pane::List => {
            fold_key(app, key.code)
        }
        KeyCode::Char('p') => {
            if app.paused {
                send(app, Request::Resume, "resume sent".to_string())
            } else {
                send(app, Request::Pause, "pause sent".to_string())
            }
        }
        code if app.focus == Pane::Details => {
            scroll_log(app, code);
            None
        }
        code => move_key(app, code),
    }
}

/// Keys that act on a selected flow row: cancel and retry the flow, details. `None`: the key
/// does what it does on any row.
fn flow_key(
    app: &mut App,
    code: KeyCode,
    (id, state): (String, Option<FlowState>),
) -> Option<Option<Action>> {
    let action = match code {
        KeyCode::Char('c') => {
            if let Some(ended) = state.filter(|s| *s != FlowState::Running) {
                app.status = format!("flow {id} already {}", ended.as_str());
                return Some(None);
            }
            app.status = format!("cancel flow {id} and its unfinished steps? y/n");
            app.mode = Mode::Confirm(RowKey::Flow(id));
            None
        }
        KeyCode::Char('r') => {
            if !matches!(state, Some(FlowState::Failed | FlowState::Cancelled)) {
                let now = state.map_or("still loading", |s| s.as_str());
                app.status = format!("flow {id} is {now}: only a failed or cancelled flow can be retried");
                return Some(None);
            }
            let env = crate::client::submit::caller_env();
            send(app, Request::FlowRetry { id: id.clone(), env }, format!("retry sent for flow {id}"))
        }
        KeyCode::Enter => {
            app.focus = Pane::Details;
            app.status = format!("details of flow {id}");
            app.flow_loads.insert(id);
            None
        }
        _ => return None,
    };
    Some(action)
}

/// Enter, c and r on a task's row (a flow's step included): details, cancel, retry.
fn task_key(app: &mut App, code: KeyCode) -> Option<Action> {
    let selected = app.selected_entry().map(|e| (e.view.id.clone(), e.view.state));
    match code {
        KeyCode::Enter => {
            let (id, _) = selected?;
            app.focus = Pane::Details;
            app.status = format!("details of {id}");
            Some(Action::LoadDetails(id))
        }
        KeyCode::Char('c') => {
            let (id, state) = selected?;
            if state.is_finished() {
                app.status = format!("{id} already {state}");
                return None;
            }
            app.status = format!("cancel {id}? y/n");
            app.mode = Mode::Confirm(RowKey::Task(id));
            None
        }
        KeyCode::Char('a') => {
            let (id, _) = selected?;
            let needs = app.selected_entry().and_then(|e| e.view.needs.clone());
            let Some(needs) = needs else {
                app.status = format!("{id} asks nothing");
                return None;
            };
            app.answer.clear();
            app.status = answer_prompt(&id, &needs.text, "");
            app.mode = Mode::Answer(id);
            None
        }
        KeyCode::Char('r') => {
            let (id, state) = selected?;
            if !state.is_finished() {
                app.status = format!("{id} is {state}: only finished tasks can be retried");
                return None;
            }
            send(
                app,
                Request::Retry { id: id.clone(), env: crate::client::submit::caller_env() },
                format!("retry sent for {id}"),
            )
        }
        _ => None,
    }
}

/// Space folds or unfolds the selected flow (from its row or a step's), ← folds, → unfolds.
fn fold_key(app: &mut App, code: KeyCode) -> Option<Action> {
    let flow = app.selected_flow_id()?;
    let collapse = match code {
        KeyCode::Left => true,
        KeyCode::Right => false,
        _ => !app.collapsed.contains(&flow),
    };
    app.set_collapsed(flow, collapse)
}
