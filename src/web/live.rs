//! `/events`: Server-Sent Events, one `task` event per change the worker's hub publishes (a
//! snapshot first), so pages update without asking; for one task's page also `log` events, the
//! new lines of its log as they are written (inotify, masked as `logs` masks them). Each stream
//! is its own subscription to the worker; it ends when the worker goes away and the browser
//! connects again by itself.

use super::Shared;
use crate::client::logs::LogTail;
use crate::client::{Client, Subscription};
use crate::model::TaskView;
use crate::protocol::{Event as HubEvent, Response};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures_util::StreamExt;
use std::collections::VecDeque;

#[derive(serde::Deserialize)]
pub struct Filter {
    task: Option<String>,
    /// The log offset the page was drawn up to: its live tail goes on from there.
    from: Option<u64>,
}

/// What a page needs of a task to redraw its line: the list's fields, no more.
#[derive(serde::Serialize)]
struct Change<'a> {
    id: &'a str,
    state: String,
    progress: Option<f64>,
    eta: String,
    detail: String,
    description: &'a str,
    finished: bool,
    /// It waits for a person: the task's page then shows the answer form.
    needs: bool,
}

struct Feed {
    subscription: Subscription,
    queued: VecDeque<TaskView>,
    /// One task's log and the folder watch that says when it grew.
    log: Option<(LogTail, inotify::EventStream<[u8; 4096]>)>,
}

/// What goes out next: a task's change, or new lines of its log.
enum Item {
    Task(Box<TaskView>),
    Log(String),
}

pub async fn events(State(web): State<Shared>, Query(filter): Query<Filter>) -> HttpResponse {
    let log = filter.task.as_ref().and_then(|id| {
        let tail = crate::client::logs::LogTail::open(&web.paths, id, filter.from).ok()?;
        Some((tail, crate::client::logs::log_changes(&web.paths).ok()?))
    });
    let ids = filter.task.map(|id| vec![id]);
    let subscribed = match Client::connect(&web.paths).await {
        Ok(client) => client.subscribe(ids).await,
        Err(e) => Err(e),
    };
    let subscription = match subscribed {
        Ok(s) => s,
        Err(e) => {
            return (StatusCode::SERVICE_UNAVAILABLE, format!("no live updates: {e}\n")).into_response();
        }
    };
    let feed = Feed { subscription, queued: VecDeque::new(), log };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let item = match feed.next().await? {
            Item::Task(view) => event(&view),
            // SSE cannot carry a carriage return (a progress bar's redraw): it becomes a line end.
            Item::Log(text) => {
                Event::default().event("log").data(text.replace("\r\n", "\n").replace('\r', "\n"))
            }
        };
        Some((Ok::<_, std::convert::Infallible>(item), feed))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

impl Feed {
    /// The next task change or log lines; `None` once the worker has gone.
    async fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(view) = self.queued.pop_front() {
                // The end of the task flushes its log's last, unfinished line.
                if let Some(text) = self.log_lines(view.state.is_finished()) {
                    self.queued.push_front(view);
                    return Some(Item::Log(text));
                }
                return Some(Item::Task(Box::new(view)));
            }
            let grew = async {
                match self.log.as_mut() {
                    Some((_, changes)) => changes.next().await.is_some(),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                response = self.subscription.next() => match response.ok()? {
                    Response::Snapshot { tasks, .. } => self.queued.extend(tasks),
                    Response::Event { event: HubEvent::Task { task } } => self.queued.push_back(task),
                    _ => {}
                },
                true = grew => {
                    if let Some(text) = self.log_lines(false) {
                        return Some(Item::Log(text));
                    }
                }
            }
        }
    }

    /// New lines of the followed log, if any.
    fn log_lines(&mut self, done: bool) -> Option<String> {
        let (tail, _) = self.log.as_mut()?;
        tail.read_new(done).ok().filter(|t| !t.is_empty())
    }
}

fn event(view: &TaskView) -> Event {
    let change = Change {
        id: &view.id,
        state: view.state.to_string(),
        progress: view.progress,
        eta: super::pages::eta(view),
        detail: super::pages::detail(view),
        description: &view.description,
        finished: view.state.is_finished(),
        needs: view.needs.is_some(),
    };
    let data = serde_json::to_string(&change).unwrap_or_else(|_| "{}".into());
    Event::default().event("task").data(data)
}
