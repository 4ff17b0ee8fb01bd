//! The diff view of a task (key `d`): its change, scrollable, with keys to land it (`L`),
//! discard it (`X`) or send it back with a note (`r`). Each asks first on the status line.
//! Part of the pure `update`: the loop loads the diff and does the git work (client::record,
//! as `land`, `discard` and `review` do) and answers with `Msg::Diff` and `Msg::Worked`.

use super::diff_model::{DiffView, Loaded, Prompt, Work, Worked};
use super::state::{Action, App};
use crossterm::event::{KeyCode, KeyEvent};

/// `d` on a task: open its diff view and ask the loop for the diff.
pub fn open(app: &mut App, id: String) -> Option<Action> {
    app.status = format!("diff of {id}: loading…");
    app.diff =
        Some(DiffView { id: id.clone(), lines: None, stat: String::new(), scroll: 0, prompt: Prompt::None });
    Some(Action::LoadDiff(id))
}

/// The diff the loop loaded, or why it could not (then the view closes).
pub fn loaded(app: &mut App, Loaded { id, diff }: Loaded) {
    let Some(view) = app.diff.as_mut().filter(|v| v.id == id) else { return };
    match diff {
        Ok(diff) => {
            view.stat = diff.stat_line();
            view.lines = Some(diff.patch.lines().map(str::to_string).collect());
            app.status = hint(&id);
        }
        Err(e) => {
            app.diff = None;
            app.status = format!("diff of {id}: {e}");
        }
    }
}

/// The answer to `Work`: done closes the view, a refusal stays on it to read.
pub fn worked(app: &mut App, Worked { text, done }: Worked) {
    if done {
        app.diff = None;
    } else if let Some(view) = app.diff.as_mut() {
        view.prompt = Prompt::None;
    }
    app.status = text;
}

fn hint(id: &str) -> String {
    format!("{id}: j/k PgUp/PgDn scroll · L land · X discard · r send back · Esc close")
}

pub fn on_key(app: &mut App, key: KeyEvent) -> Option<Action> {
    let rows = super::layout::diff_rows(app.width, app.height);
    let view = app.diff.as_mut()?;
    let id = view.id.clone();
    match view.prompt.clone() {
        Prompt::Busy => None,
        Prompt::Land | Prompt::Discard => {
            let yes = matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y'));
            let (verb, work) = match view.prompt {
                Prompt::Land => ("land", Work::Land(id.clone())),
                _ => ("discard", Work::Discard(id.clone())),
            };
            if !yes {
                view.prompt = Prompt::None;
                app.status = format!("{verb} of {id} abandoned");
                return None;
            }
            view.prompt = Prompt::Busy;
            app.status = format!("{verb} {id}…");
            Some(Action::Work(work))
        }
        Prompt::Note(typed) => note_key(app, key, id, typed),
        Prompt::None => view_key(app, key, id, rows),
    }
}

fn view_key(app: &mut App, key: KeyEvent, id: String, rows: usize) -> Option<Action> {
    let view = app.diff.as_mut()?;
    let last = view.lines.as_ref().map_or(0, |l| l.len().saturating_sub(rows));
    view.scroll = match key.code {
        KeyCode::Esc | KeyCode::Char('q') => {
            app.diff = None;
            app.status = format!("diff of {id} closed");
            return None;
        }
        KeyCode::Char('L') => {
            view.prompt = Prompt::Land;
            app.status = format!("land {id} into the branch it started from? y/n");
            return None;
        }
        KeyCode::Char('X') => {
            view.prompt = Prompt::Discard;
            app.status = format!("discard {id} (its worktree and branch)? y/n");
            return None;
        }
        KeyCode::Char('r') => {
            view.prompt = Prompt::Note(String::new());
            app.status = note_prompt(&id, "");
            return None;
        }
        KeyCode::Up | KeyCode::Char('k') => view.scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => view.scroll.saturating_add(1),
        KeyCode::PageUp => view.scroll.saturating_sub(rows.max(1)),
        KeyCode::PageDown | KeyCode::Char(' ') => view.scroll.saturating_add(rows.max(1)),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => last,
        _ => view.scroll,
    }
    .min(last);
    None
}

/// Typing a note after `r`: Enter sends it back, Esc drops it.
fn note_key(app: &mut App, key: KeyEvent, id: String, mut typed: String) -> Option<Action> {
    let view = app.diff.as_mut()?;
    match key.code {
        KeyCode::Enter if !typed.trim().is_empty() => {
            view.prompt = Prompt::Busy;
            app.status = format!("sending {id} back…");
            return Some(Action::Work(Work::SendBack { id, notes: typed }));
        }
        KeyCode::Esc => {
            view.prompt = Prompt::None;
            app.status = format!("note to {id} dropped");
            return None;
        }
        KeyCode::Backspace => {
            typed.pop();
        }
        KeyCode::Char(c) => typed.push(c),
        _ => {}
    }
    app.status = note_prompt(&id, &typed);
    view.prompt = Prompt::Note(typed);
    None
}

fn note_prompt(id: &str, typed: &str) -> String {
    format!("send {id} back with a note · Enter sends, Esc drops > {typed}")
}
