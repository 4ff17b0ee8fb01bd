//! Key handling, per mode. Part of the pure `update`.

use super::app::{Action, App, Mode, Pane, Worker};
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
        Mode::Confirm(id) => {
            app.mode = Mode::Normal;
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                send(app, Request::Cancel { ids: vec![id.clone()] }, format!("cancel sent for {id}"))
            } else {
                app.status = format!("cancel of {id} abandoned");
                None
            }
        }
        Mode::Filter => filter_key(app, key),
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
            app.status = if app.filter.is_empty() {
                "filter cleared".to_string()
            } else {
                format!("filter '{}': {} of {} tasks", app.filter, app.visible.len(), app.tasks.len())
            };
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
    let selected = app.selected_entry().map(|e| (e.view.id.clone(), e.view.state));
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
        KeyCode::Char('/') => {
            app.mode = Mode::Filter;
            app.status = "filter: type, Enter to keep, Esc to clear".to_string();
            None
        }
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
            app.mode = Mode::Confirm(id);
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
                Request::Retry { id: id.clone(), env: crate::cli::execute::caller_env() },
                format!("retry sent for {id}"),
            )
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
