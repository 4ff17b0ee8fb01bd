//! Pushed notifications, `[[notify.channels]]`: a durable outbox beside the worker. On a thread
//! and runtime of its own, so that neither a slow receiver nor a write to the database ever
//! holds up the worker's rounds or its socket:
//!
//! - `enqueue` reads the history the worker committed (woken by its hub) and stores one
//!   delivery per matching channel, moving its cursor in the same transaction;
//! - one `sender` per channel sends its waiting deliveries in order, retrying with backoff until
//!   `max_age`; a delivery is marked sent only after the receiver said so, so a worker killed
//!   mid-send sends it again, under the same id.
//!
//! See docs/channels.md.

pub mod bodies;
mod enqueue;
pub mod event;
pub mod sealed;
mod sender;
mod transport;

use crate::config::Config;
use crate::config::channels::ChannelConfig;
use crate::paths::Paths;
use crate::protocol::Event;
use crate::store::{EventRow, Store};
use std::sync::Arc;
use tokio::sync::{Notify, broadcast};

/// What every part of the outbox shares.
pub struct Outbox {
    pub paths: Paths,
    pub config: Config,
    pub channels: Vec<Channel>,
    pub max_age_ms: i64,
    /// The dashboard's address for links in bodies.
    pub link: Option<String>,
    /// `events --follow` sees the deliveries' history rows.
    pub history: broadcast::Sender<Arc<EventRow>>,
}

/// One configured channel, and the bell its sender waits on.
pub struct Channel {
    pub name: String,
    pub config: ChannelConfig,
    pub quiet: Option<crate::config::quiet_hours::QuietHours>,
    pub wake: Arc<Notify>,
}

impl Outbox {
    pub fn new(paths: Paths, config: Config, history: broadcast::Sender<Arc<EventRow>>) -> Outbox {
        let channels = config
            .notify
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| Channel {
                name: c.name_at(i),
                config: c.clone(),
                // Checked at load: a window that does not parse cannot reach here.
                quiet: c
                    .quiet_hours
                    .as_deref()
                    .and_then(|q| crate::config::quiet_hours::QuietHours::parse(q).ok()),
                wake: Arc::new(Notify::new()),
            })
            .collect();
        let max_age_ms =
            crate::duration::parse(&config.notify.max_age).map_or(86_400_000, |d| d.as_millis() as i64);
        let link = config
            .notify
            .link_base
            .clone()
            .or_else(|| config.web.listen.as_ref().map(|l| format!("http://{l}")))
            .map(|l| l.trim_end_matches('/').to_string());
        Outbox { paths, config, channels, max_age_ms, link, history }
    }

    /// Publish history rows written by the outbox to `events --follow`.
    pub fn publish(&self, rows: impl IntoIterator<Item = EventRow>) {
        for row in rows {
            let _ = self.history.send(Arc::new(row));
        }
    }
}

/// Start the outbox on its own thread when any channel is configured. It ends with the
/// process: a delivery cut off mid-send is still waiting in the database.
pub fn start(outbox: Outbox, events: broadcast::Receiver<Arc<Event>>) -> std::io::Result<()> {
    if outbox.channels.is_empty() {
        return Ok(());
    }
    // The cursor is set before the worker's first round, not whenever the thread gets to it:
    // an ending committed in between would otherwise count as "before channels were set up".
    // Failing here, the thread's first pass sets it.
    let set =
        Store::open_for_outbox(&outbox.paths.database).and_then(|store| match store.outbox_cursor()? {
            Some(_) => Ok(()),
            None => enqueue::first_cursor(&store).map(|_| ()),
        });
    if let Err(e) = set {
        eprintln!("smart-agents worker: notification channels: {e}");
    }
    std::thread::Builder::new().name("smart-agents-outbox".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("smart-agents worker: notification channels cannot start: {e}");
                return;
            }
        };
        let outbox = Arc::new(outbox);
        // Local tasks: each holds a database connection across its waits, and a connection
        // stays on one thread.
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async move {
            for index in 0..outbox.channels.len() {
                tokio::task::spawn_local(sender::run(outbox.clone(), index));
            }
            enqueue::run(outbox, events).await;
        });
    })?;
    Ok(())
}

/// A fresh delivery id, `msg_` and 26 random letters and digits: the same on every attempt.
pub fn delivery_id() -> std::io::Result<String> {
    const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut bytes = [0u8; 26];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let text: String = bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect();
    Ok(format!("msg_{text}"))
}
