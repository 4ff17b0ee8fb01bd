//! Following tasks in the terminal: one indicatif bar per task on stderr, a streamed
//! command's output on stdout. The following itself is `client::follow`.

use crate::client::Client;
use crate::client::follow::{Ending, OutputStream, Show, follow_with};
use crate::error::{Result, exit};
use crate::model::{TaskState, TaskView};
use crate::render;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::time::Duration;

/// Follow `ids` until all have ended. `show` draws bars on stderr (hidden when not a terminal).
pub async fn follow(
    client: Client,
    ids: Vec<String>,
    show: bool,
    timeout: Option<Duration>,
) -> Result<Ending> {
    follow_with(client, ids, timeout, |_| {}, None, &mut Bars::new(show)).await
}

/// Follow one task, copying its output to stdout as it is written while the bar stays on
/// stderr: a foreground `execute` of a command.
pub async fn follow_streaming(
    client: Client,
    id: String,
    show: bool,
    output: OutputStream,
) -> Result<Ending> {
    follow_with(client, vec![id], None, |_| {}, Some(output), &mut Bars::new(show)).await
}

/// The bars on stderr, one per task; none at all when hidden.
struct Bars {
    multi: MultiProgress,
    bars: HashMap<String, ProgressBar>,
    show: bool,
}

impl Bars {
    fn new(show: bool) -> Bars {
        let multi = MultiProgress::with_draw_target(if show {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        });
        Bars { multi, bars: HashMap::new(), show }
    }
}

impl Show for Bars {
    fn task(&mut self, task: &TaskView) {
        // Hidden bars are not made at all: each ticking bar keeps a thread.
        if self.show {
            let multi = &self.multi;
            let bar = self.bars.entry(task.id.clone()).or_insert_with(|| {
                let bar = multi.add(ProgressBar::new(100));
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            });
            draw(bar, task);
        }
    }

    fn output(&mut self, text: &str) {
        self.multi.suspend(|| print_output(text));
    }

    fn clear(&mut self) {
        self.multi.clear().ok();
    }

    fn finish(&mut self) {
        for bar in self.bars.values() {
            bar.finish_and_clear();
        }
    }
}

fn print_output(text: &str) {
    // A closed pipe (`| head`) ends the printing, not the following.
    let _ = super::logs::write_lossy(text.as_bytes());
}

fn draw(bar: &ProgressBar, task: &TaskView) {
    let template = match task.progress {
        Some(_) => "{spinner:.cyan} {prefix} [{bar:24.cyan/blue}] {pos:>3}% {elapsed:>4} {msg}",
        None => "{spinner:.cyan} {prefix} {elapsed:>4} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(task.id.clone());
    if let Some(p) = task.progress {
        bar.set_position(p.clamp(0.0, 100.0) as u64);
    }
    bar.set_message(match task.progress {
        Some(_) => render::bar_message(task),
        None => render::headline(task),
    });
}

/// The exit code a followed task ends with: 0 when it completed, else its own (1..=255) or 1.
pub fn exit_code_for(view: &TaskView) -> i32 {
    match view.state {
        TaskState::Completed => 0,
        _ => view.exit_code.filter(|c| (1..=255).contains(c)).unwrap_or(exit::TASK_FAILED),
    }
}
