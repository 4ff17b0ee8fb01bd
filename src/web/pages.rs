//! The HTML: the list, a task's page and the login page. Built here as text, every value
//! escaped; the script and the style are served from the binary (`/assets/`), and the pages
//! carry no inline script or style, so the content security policy forbids both.

use crate::model::{TaskState, TaskView};
use crate::text::truncate;

/// `text` made safe for HTML text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn layout(title: &str, body_attrs: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/assets/app.css\">\
         <script src=\"/assets/app.js\" defer></script></head>\
         <body{body_attrs}><header><a class=\"home\" href=\"/\">smart-agents</a>\
         <span id=\"live\" class=\"live\">connecting…</span></header><main>{body}</main></body></html>",
        esc(title)
    )
}

/// The login page: a form for the token, and nothing about any task.
pub fn login(wrong: bool) -> String {
    let note = if wrong { "<p>That token is not right.</p>" } else { "" };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>smart-agents: log in</title></head><body><h1>smart-agents</h1>{note}\
         <p>Open the login URL <code>smart-agents web</code> printed, or paste its token.</p>\
         <form method=\"get\" action=\"/login\"><label>Token <input name=\"token\" type=\"password\" \
         autocomplete=\"current-password\" required></label> <button type=\"submit\">Log in</button></form>\
         </body></html>"
    )
}

/// Tasks that need a look come first: those waiting for you, running and pending, then the
/// finished, newest first.
pub fn order(views: &mut [TaskView]) {
    views.sort_by_key(|v| match v.state {
        TaskState::Running if v.needs.is_some() => 0,
        TaskState::Running => 1,
        TaskState::Pending => 2,
        _ => 3,
    });
}

pub fn list(views: &[TaskView]) -> String {
    let items: String = views.iter().map(card).collect();
    let empty = if views.is_empty() { "<p id=\"empty\">No tasks yet.</p>" } else { "" };
    layout(
        "smart-agents",
        " data-page=\"list\"",
        &format!("<h1>Tasks</h1>{empty}<ul id=\"tasks\" class=\"tasks\">{items}</ul>"),
    )
}

/// One task in the list; `app.js` builds the same shape for a task that appears live.
fn card(v: &TaskView) -> String {
    format!(
        "<li class=\"task\" id=\"t-{id}\" data-id=\"{id}\"><a href=\"/tasks/{id}\">\
         <div class=\"top\"><span class=\"state s-{state}\" data-f=\"state\">{state}</span>\
         <span class=\"id\">{id}</span><span class=\"eta\" data-f=\"eta\">{eta}</span></div>\
         <div class=\"desc\" data-f=\"description\">{desc}</div>{bar}\
         <div class=\"step\" data-f=\"step\">{step}</div></a></li>",
        id = esc(&v.id),
        state = v.state,
        eta = esc(&eta(v)),
        desc = esc(&truncate(&v.description, 200)),
        bar = bar(v.progress),
        step = esc(&detail(v)),
    )
}

fn bar(progress: Option<f64>) -> String {
    let value = progress.map(|p| format!(" value=\"{:.0}\"", p.clamp(0.0, 100.0))).unwrap_or_default();
    format!("<progress max=\"100\"{value} data-f=\"progress\"></progress>")
}

/// `ETA 2m` for a running task that has one.
pub fn eta(v: &TaskView) -> String {
    match (v.state, v.eta_seconds) {
        (TaskState::Running, Some(s)) => {
            format!("ETA {}", crate::duration::format(std::time::Duration::from_secs(s)))
        }
        _ => String::new(),
    }
}

/// The line under the bar: the step while running, why it waits, or why it ended.
pub fn detail(v: &TaskView) -> String {
    match v.state {
        TaskState::Running if v.needs.is_some() => v.needs.as_ref().map(|n| format!("needs you: {}", n.text)),
        TaskState::Running => v.step.clone(),
        TaskState::Pending => v.waiting_reason.clone(),
        _ => v.reason.clone(),
    }
    .unwrap_or_default()
}

/// What a task's page shows besides the live head: each part a section, in order.
pub struct TaskPage<'a> {
    pub view: &'a TaskView,
    pub csrf: Option<&'a str>,
    pub output: Option<String>,
    pub log_tail: String,
    /// The log's length when `log_tail` was read: the live tail goes on from there.
    pub log_from: u64,
    /// What a finished task changed (a worktree task's branch, or the patch saved in place).
    pub change: Option<crate::client::diff::Diff>,
    /// A completed worktree task whose work can be landed.
    pub landable: bool,
}

pub fn task(page: &TaskPage) -> String {
    let v = page.view;
    let action = |name: &str, label: &str, class: &str| match page.csrf {
        Some(csrf) => format!(
            "<form id=\"{name}\" method=\"post\" action=\"/tasks/{}/{name}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\"{class}>{label}</button></form>",
            esc(&v.id),
            esc(csrf)
        ),
        None => String::new(),
    };
    let retriable = matches!(v.state, TaskState::Failed | TaskState::Cancelled);
    let cancel = [
        (!v.state.is_finished()).then(|| action("cancel", "Cancel", " class=\"danger\"")),
        retriable.then(|| action("retry", "Retry", "")),
        page.landable.then(|| action("land", "Land", "")),
    ]
    .into_iter()
    .flatten()
    .collect::<String>();
    let head = format!(
        "<h1 data-f=\"description\">{desc}</h1><p class=\"top\"><span class=\"state s-{state}\" data-f=\"state\">{state}</span>\
         <span class=\"id\">{id}</span><span>{agent}</span><span class=\"eta\" data-f=\"eta\">{eta}</span></p>{bar}\
         <p class=\"step\" data-f=\"step\">{step}</p>{answer}<div class=\"actions\">{cancel}</div>",
        desc = esc(&v.description),
        state = v.state,
        id = esc(&v.id),
        agent = esc(&v.agent),
        eta = esc(&eta(v)),
        bar = bar(v.progress),
        step = esc(&detail(v)),
        answer = page.csrf.map(|csrf| answer_form(v, csrf)).unwrap_or_default(),
    );
    let sections = [
        Some(head),
        page.output.as_deref().map(|o| section("Result", "result", o)),
        page.change.as_ref().map(|d| section(&format!("Change: {}", d.stat_line()), "change", &d.patch)),
        Some(section("Log (last lines)", "log", &page.log_tail)),
    ];
    let body: String = sections.into_iter().flatten().collect();
    let finished = if v.state.is_finished() { " data-finished=\"1\"" } else { "" };
    let attrs =
        format!(" data-page=\"task\" data-task=\"{}\" data-log=\"{}\"{finished}", esc(&v.id), page.log_from);
    layout(&format!("{} · smart-agents", truncate(&v.description, 60)), &attrs, &body)
}

/// What the task asks, with a button per suggested answer (Allow and Deny for a permission)
/// and a field for words. Nothing when it asks nothing.
fn answer_form(v: &TaskView, csrf: &str) -> String {
    let Some(needs) = v.needs.as_ref().filter(|_| v.state == TaskState::Running) else {
        return String::new();
    };
    let buttons: String = needs
        .options
        .iter()
        .map(|o| {
            let label = match o.as_str() {
                "allow" => "Allow".to_string(),
                "deny" => "Deny".to_string(),
                other => esc(other),
            };
            format!("<button type=\"submit\" name=\"reply\" value=\"{}\">{label}</button>", esc(o))
        })
        .collect();
    format!(
        "<form id=\"answer\" class=\"answer\" method=\"post\" action=\"/tasks/{id}/answer\">\
         <p class=\"asks\">Needs you: {text}</p><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <div class=\"actions\">{buttons}</div><label>Or in words <input name=\"text\" autocomplete=\"off\"></label>\
         <button type=\"submit\" name=\"reply\" value=\"\">Send</button></form>",
        id = esc(&v.id),
        text = esc(&needs.text),
        csrf = esc(csrf),
    )
}

fn section(title: &str, id: &str, text: &str) -> String {
    format!("<section id=\"{id}\"><h2>{}</h2><pre>{}</pre></section>", esc(title), esc(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
