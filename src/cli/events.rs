//! `events [ID...] [--follow] [--since DUR] [--kind K]... [--json]`: the history, oldest first,
//! read from the database; `--follow` then prints new rows as the worker pushes them.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use crate::store::{EventKind, EventQuery, EventRow, Store, now_ms, resolve_id};
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids (or unique prefixes); all tasks when none
    pub ids: Vec<String>,
    /// Keep printing new events as they happen (the worker pushes them; Ctrl-C to stop)
    #[arg(long)]
    pub follow: bool,
    /// Only events from this long ago on: 30m, 2h, 7d
    #[arg(long, value_name = "DUR")]
    pub since: Option<String>,
    /// Only events of this kind (repeatable)
    #[arg(long = "kind", value_name = "K")]
    pub kinds: Vec<EventKind>,
    /// One JSON object per line: seq, at, task, kind, data, uid, client, pid, cwd
    #[arg(long)]
    pub json: bool,
}

impl clap::ValueEnum for EventKind {
    fn value_variants<'a>() -> &'a [Self] {
        &EventKind::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let since = args.since.as_deref().map(crate::duration::parse).transpose()?;
    let mut query = EventQuery {
        kinds: args.kinds.clone(),
        since: since.map(|d| now_ms() - d.as_millis() as i64),
        ..Default::default()
    };
    let store = Store::open_for_reading(&paths.database)?;
    for typed in &args.ids {
        query.tasks.push(resolve_id(store.as_ref(), typed)?);
    }
    if !args.follow {
        if let Some(store) = &store {
            print(&store.query_events(&query)?, args.json)?;
        }
        return Ok(0);
    }
    // Subscribe first, then read what is on disk: nothing falls between the two, and rows
    // seen twice are told apart by their seq.
    let ids = (!query.tasks.is_empty()).then(|| query.tasks.clone());
    let mut rows = Client::connect(paths).await?.follow_history(ids, args.kinds.clone()).await?;
    let store = Store::open_for_reading(&paths.database)?
        .ok_or_else(|| Error::internal(format!("the worker did not create {}", paths.database.display())))?;
    let mut last = catch_up(&store, &mut query, args.json)?;
    loop {
        match rows.next().await? {
            Response::History { event } if event.seq > last => {
                print(std::slice::from_ref(&event), args.json)?;
                last = event.seq;
            }
            // Rows were dropped for this follower: the database has them all.
            Response::Event { event: Event::Lagged } => {
                query.after_seq = Some(last);
                last = catch_up(&store, &mut query, args.json)?.max(last);
            }
            _ => {}
        }
    }
}

/// Print what the database holds past `query.after_seq`; returns the last seq printed.
fn catch_up(store: &Store, query: &mut EventQuery, json: bool) -> Result<i64> {
    let rows = store.query_events(query)?;
    print(&rows, json)?;
    Ok(rows.last().map(|r| r.seq).or(query.after_seq).unwrap_or(0))
}

fn print(rows: &[EventRow], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for row in rows {
        if json {
            let mut value = serde_json::to_value(row)?;
            crate::text::round_json(&mut value, 3);
            writeln!(out, "{}", serde_json::to_string(&value)?)?;
        } else {
            writeln!(out, "{}", line(row))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A value of an event's data as `events` prints it: numbers rounded for people, a string
/// with spaces (or quotes) quoted so each `key=value` reads as one.
fn event_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() || s.contains([' ', '"', '=']) => v.to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if n.is_f64() => {
            n.as_f64().map_or_else(|| n.to_string(), crate::text::human_number)
        }
        v => v.to_string(),
    }
}

/// `2026-12-02T03:46:00.123Z  ab12cd  finished  state=failed exit_code=3  (by cli pid 4242)`
pub fn line(row: &EventRow) -> String {
    let mut text = format!("{}  {}  {}", row.at, row.task, row.kind);
    let what = match &row.data {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}={}", event_value(v)))
            .collect::<Vec<_>>()
            .join(" "),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    if !what.is_empty() {
        text.push_str("  ");
        text.push_str(&what);
    }
    if let Some(client) = row.client.as_deref().filter(|c| *c != "worker") {
        let pid = row.pid.map(|p| format!(" pid {p}")).unwrap_or_default();
        text.push_str(&format!("  (by {client}{pid})"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::event_value;
    use serde_json::json;

    #[test]
    fn event_values_read_as_one_word_each() {
        assert_eq!(event_value(&json!(2.067236725408094)), "2.07");
        assert_eq!(event_value(&json!(5)), "5");
        assert_eq!(event_value(&json!("failed")), "failed");
        assert_eq!(event_value(&json!("exited with code 3")), "\"exited with code 3\"");
    }
}
