//! `notify status [--json]`: per channel, how many deliveries were sent, wait, failed (given up
//! after max_age) or were dropped (queue full), with the last error and the next try; then
//! the latest deliveries. Read from the database, so it answers while the worker is down.

use crate::error::Result;
use crate::paths::Paths;
use crate::store::{Delivery, Store, rfc3339};
use serde::Serialize;

/// Finished deliveries are kept a week; this many rows is more than any channel makes.
const READ_LIMIT: usize = 100_000;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON: `{"channels": [...], "deliveries": [...]}`
    #[arg(long)]
    pub json: bool,
    /// How many of the latest deliveries to list
    #[arg(long, default_value_t = 10)]
    pub last: usize,
}

#[derive(Debug, Serialize, Default)]
struct ChannelStatus {
    name: String,
    /// From the config; `null` for a channel no longer configured (its deliveries wait).
    kind: Option<String>,
    sent: u64,
    waiting: u64,
    failed: u64,
    dropped: u64,
    last_error: Option<String>,
    /// When the oldest waiting delivery is tried next (RFC 3339).
    next_try: Option<String>,
    last_sent: Option<String>,
}

#[derive(Debug, Serialize)]
struct Status {
    channels: Vec<ChannelStatus>,
    deliveries: Vec<Delivery>,
}

pub fn run(args: StatusArgs, paths: &Paths) -> Result<i32> {
    let config = crate::agents::registry::load_config(&paths.config_file)?;
    let deliveries = match Store::open_for_reading(&paths.database)? {
        Some(store) => store.deliveries(READ_LIMIT)?,
        None => Vec::new(),
    };
    let mut channels: Vec<ChannelStatus> = config
        .notify
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| ChannelStatus {
            name: c.name_at(i),
            kind: Some(c.kind.as_str().into()),
            ..Default::default()
        })
        .collect();
    // Newest first: the first error seen of a channel is its latest.
    for d in &deliveries {
        let at = match channels.iter().position(|c| c.name == d.channel) {
            Some(at) => at,
            None => {
                channels.push(ChannelStatus { name: d.channel.clone(), ..Default::default() });
                channels.len() - 1
            }
        };
        tally(&mut channels[at], d);
    }
    let latest: Vec<Delivery> = deliveries.into_iter().take(args.last).collect();
    if args.json {
        crate::render::print_json(&Status { channels, deliveries: latest })?;
        return Ok(0);
    }
    print!("{}", text(&channels, &latest));
    Ok(0)
}

fn tally(c: &mut ChannelStatus, d: &Delivery) {
    match d.state.as_str() {
        "sent" => {
            c.sent += 1;
            if c.last_sent.is_none() {
                c.last_sent = d.done_at.map(rfc3339);
            }
        }
        "waiting" => {
            c.waiting += 1;
            // Rows come newest first: the last one seen is the head of the queue.
            c.next_try = Some(rfc3339(d.next_at));
        }
        "failed" => c.failed += 1,
        _ => c.dropped += 1,
    }
    if c.last_error.is_none() && d.state != "sent" {
        c.last_error = d.last_error.clone();
    }
}

fn text(channels: &[ChannelStatus], latest: &[Delivery]) -> String {
    if channels.is_empty() {
        return "no channels: add [[notify.channels]] to config.toml (docs/channels.md)\n".into();
    }
    let mut out = format!(
        "{:<16} {:<8} {:>6} {:>8} {:>7} {:>8}  LAST ERROR\n",
        "CHANNEL", "KIND", "SENT", "WAITING", "FAILED", "DROPPED"
    );
    for c in channels {
        let kind = c.kind.as_deref().unwrap_or("(gone)");
        let mut error = c.last_error.clone().unwrap_or_else(|| "-".into());
        if let Some(next) = &c.next_try {
            error.push_str(&format!(" (next try {next})"));
        }
        out.push_str(&format!(
            "{:<16} {:<8} {:>6} {:>8} {:>7} {:>8}  {}\n",
            crate::text::truncate(&c.name, 16),
            kind,
            c.sent,
            c.waiting,
            c.failed,
            c.dropped,
            error
        ));
    }
    if !latest.is_empty() {
        out.push_str("\nlatest deliveries:\n");
    }
    for d in latest {
        out.push_str(&format!(
            "  {}  {}  {} {} {}  {} after {} attempt(s)\n",
            rfc3339(d.created_at),
            d.id,
            d.channel,
            d.event,
            d.subject,
            d.state,
            d.attempts
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(channel: &str, state: &str, error: Option<&str>, next_at: i64) -> Delivery {
        Delivery {
            seq: 0,
            id: format!("msg_{channel}{state}{next_at}"),
            channel: channel.into(),
            event: "completed".into(),
            subject: "abc123".into(),
            payload: String::new(),
            state: state.into(),
            created_at: 0,
            next_at,
            expires_at: 0,
            attempts: 2,
            last_error: error.map(String::from),
            done_at: Some(5),
        }
    }

    #[test]
    fn counts_per_channel_with_the_latest_error_and_the_head_of_the_queue() {
        let mut hook =
            ChannelStatus { name: "hook".into(), kind: Some("webhook".into()), ..Default::default() };
        // Newest first, as the store lists them.
        for d in [
            delivery("hook", "waiting", None, 9_000),
            delivery("hook", "waiting", Some("HTTP 503 Service Unavailable"), 7_000),
            delivery("hook", "sent", Some("refused"), 0),
            delivery("hook", "dropped", Some("dropped: queue_cap"), 0),
        ] {
            tally(&mut hook, &d);
        }
        assert_eq!((hook.sent, hook.waiting, hook.failed, hook.dropped), (1, 2, 0, 1));
        assert_eq!(hook.last_error.as_deref(), Some("HTTP 503 Service Unavailable"));
        assert_eq!(hook.next_try, Some(rfc3339(7_000)), "the oldest waiting one is tried next");
        let gone = ChannelStatus { name: "old".into(), waiting: 1, ..Default::default() };
        let shown = text(&[hook, gone], &[delivery("hook", "sent", None, 0)]);
        assert!(
            shown.contains("hook") && shown.contains("HTTP 503 Service Unavailable (next try"),
            "{shown}"
        );
        assert!(shown.contains("(gone)"), "{shown}");
        assert!(shown.contains("hook completed abc123  sent after 2 attempt(s)"), "{shown}");
        assert!(text(&[], &[]).contains("no channels"));
    }
}
