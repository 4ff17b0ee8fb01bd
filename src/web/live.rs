//! `/events`: Server-Sent Events, one `task` event per change the worker's hub publishes (a
//! snapshot first), so pages update without asking. Each stream is its own subscription to the
//! worker; it ends when the worker goes away and the browser connects again by itself.

use super::Shared;
use crate::client::{Client, Subscription};
use crate::model::TaskView;
use crate::protocol::{Event as HubEvent, Response};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response as HttpResponse};
use std::collections::VecDeque;

#[derive(serde::Deserialize)]
pub struct Filter {
    task: Option<String>,
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
}

pub async fn events(State(web): State<Shared>, Query(filter): Query<Filter>) -> HttpResponse {
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
    let feed = Feed { subscription, queued: VecDeque::new() };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let view = feed.next().await?;
        Some((Ok::<_, std::convert::Infallible>(event(&view)), feed))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

impl Feed {
    /// The next task change; `None` once the worker has gone.
    async fn next(&mut self) -> Option<TaskView> {
        loop {
            if let Some(view) = self.queued.pop_front() {
                return Some(view);
            }
            match self.subscription.next().await.ok()? {
                Response::Snapshot { tasks, .. } => self.queued.extend(tasks),
                Response::Event { event: HubEvent::Task { task } } => return Some(task),
                _ => {}
            }
        }
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
