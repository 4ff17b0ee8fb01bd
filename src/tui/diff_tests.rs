//! The diff view: `d` opens it, it scrolls within bounds, `L`/`X` ask y/n before the git
//! work, `r` takes a note, answers close it or leave it open with the refusal; and how it looks.

use super::diff_model::{Loaded, Prompt, Work, Worked};
use super::state::{Action, App, Msg};
use super::support::keys_for_tests::{app_with, ch, key};
use super::support::sample as tv;
use super::update;
use crate::client::diff::{Diff, FileChange};
use crate::model::TaskState;
use crossterm::event::KeyCode;
use ratatui::{Terminal, backend::TestBackend};

const PATCH: &str = "diff --git a/a.txt b/a.txt\nindex 1111111..2222222 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -8,3 +8,4 @@\n 8\n 9\n-10\n+ten\n+eleven\n";

fn diff(lines: usize) -> Diff {
    let mut patch = PATCH.to_string();
    for i in 0..lines {
        patch.push_str(&format!("+line {i}\n"));
    }
    let file = FileChange {
        path: "a.txt".into(),
        status: "modified".into(),
        insertions: 2 + lines as u64,
        deletions: 1,
        binary: false,
        old_path: None,
    };
    Diff { id: "ab12cd".into(), base: "1111111".into(), files: vec![file], patch }
}

/// A dashboard with the diff view of ab12cd open and loaded with `lines` extra lines.
fn open(lines: usize) -> App {
    let mut app = app_with(vec![tv("ab12cd", TaskState::Completed)]);
    let action = update(&mut app, ch('d'));
    assert!(matches!(&action, Some(Action::LoadDiff(id)) if id == "ab12cd"), "{action:?}");
    assert!(app.status.contains("loading"), "{}", app.status);
    update(&mut app, Msg::Diff(Box::new(Loaded { id: "ab12cd".into(), diff: Ok(diff(lines)) })));
    app
}

fn prompt(app: &App) -> Prompt {
    app.diff.as_ref().map(|d| d.prompt.clone()).expect("the diff view is open")
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::view(app, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn the_diff_view_scrolls_within_its_lines_and_closes() {
    let mut app = open(100);
    let rows = super::layout::diff_rows(80, 24);
    let scroll = |app: &App| app.diff.as_ref().map(|d| d.scroll);
    update(&mut app, ch('k'));
    assert_eq!(scroll(&app), Some(0), "not above the first line");
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(scroll(&app), Some(2));
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(scroll(&app), Some(2 + rows));
    update(&mut app, key(KeyCode::PageUp));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(scroll(&app), Some(1));
    update(&mut app, ch('G'));
    let lines = 110;
    assert_eq!(scroll(&app), Some(lines - rows), "the last page, not past it");
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(scroll(&app), Some(lines - rows));
    assert!(update(&mut app, ch('q')).is_none(), "q closes the view, not the dashboard");
    assert!(app.diff.is_none());
    update(&mut app, ch('d'));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.diff.is_none());
}

#[test]
fn land_and_discard_ask_first_and_a_refusal_stays_on_the_view() {
    let mut app = open(0);
    assert!(update(&mut app, ch('L')).is_none());
    assert_eq!(prompt(&app), Prompt::Land);
    assert!(app.status.contains("land ab12cd") && app.status.contains("y/n"), "{}", app.status);
    assert!(update(&mut app, ch('n')).is_none());
    assert_eq!(prompt(&app), Prompt::None);
    assert!(app.status.contains("abandoned"));
    update(&mut app, ch('L'));
    let action = update(&mut app, ch('y'));
    assert!(matches!(&action, Some(Action::Work(Work::Land(id))) if id == "ab12cd"), "{action:?}");
    assert_eq!(prompt(&app), Prompt::Busy);
    assert!(update(&mut app, ch('X')).is_none(), "keys wait while the land is under way");
    update(
        &mut app,
        Msg::Worked(Worked { text: "cannot land ab12cd: it conflicts in a.txt".into(), done: false }),
    );
    assert!(app.diff.is_some(), "a refusal leaves the view open");
    assert!(render(&app).contains("cannot land ab12cd: it conflicts in a.txt"));

    update(&mut app, ch('X'));
    assert_eq!(prompt(&app), Prompt::Discard);
    let action = update(&mut app, ch('Y'));
    assert!(matches!(&action, Some(Action::Work(Work::Discard(id))) if id == "ab12cd"), "{action:?}");
    update(&mut app, Msg::Worked(Worked { text: "discarded ab12cd".into(), done: true }));
    assert!(app.diff.is_none(), "done closes the view");
    assert_eq!(app.status, "discarded ab12cd");
}

#[test]
fn r_sends_the_work_back_with_the_typed_note() {
    let mut app = open(0);
    update(&mut app, ch('r'));
    assert!(update(&mut app, key(KeyCode::Enter)).is_none(), "an empty note is not sent");
    for c in "cap it at 3x".chars() {
        assert!(update(&mut app, ch(c)).is_none(), "typing: no action");
    }
    update(&mut app, key(KeyCode::Backspace));
    assert!(app.status.ends_with("> cap it at 3"), "{}", app.status);
    assert!(app.diff.is_some(), "q, j, L typed into the note are text");
    let action = update(&mut app, key(KeyCode::Enter));
    let sent = Work::SendBack { id: "ab12cd".into(), notes: "cap it at 3".into() };
    assert!(matches!(&action, Some(Action::Work(w)) if *w == sent), "{action:?}");
    update(&mut app, ch('r'));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(prompt(&app), Prompt::Busy, "Esc only drops a note being typed");
}

#[test]
fn a_diff_that_cannot_be_read_closes_with_the_reason() {
    let mut app = app_with(vec![tv("ab12cd", TaskState::Completed)]);
    update(&mut app, ch('d'));
    let error = Err("no task with id 'ab12cd'".to_string());
    update(&mut app, Msg::Diff(Box::new(Loaded { id: "ab12cd".into(), diff: error })));
    assert!(app.diff.is_none());
    assert_eq!(app.status, "diff of ab12cd: no task with id 'ab12cd'");
}

#[test]
fn screen_diff_view() {
    let app = open(3);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn the_diff_is_coloured_as_git_colours_it() {
    use ratatui::style::{Color, Modifier};
    let mut app = open(0);
    app.color = true;
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::view(&app, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let row_of = |text: &str| {
        (0..24u16)
            .find(|y| (0..80u16).map(|x| buffer[(x, *y)].symbol()).collect::<String>().starts_with(text))
            .unwrap_or_else(|| panic!("no line {text}"))
    };
    let first = |text: &str| &buffer[(0, row_of(text))];
    assert!(first("diff --git").modifier.contains(Modifier::BOLD));
    assert_eq!(first("@@ -8,3").fg, Color::Cyan);
    assert_eq!(first("+ten").fg, Color::Green);
    assert_eq!(first("-10").fg, Color::Red);
    assert_eq!(first(" 9").fg, Color::Reset);
}
