//! One channel's sender: the oldest waiting delivery first and only (in order per channel),
//! tried when it is due, retried with backoff until it expires. Sleeps until the next due
//! time or until the enqueuer rings; never polls.

use super::transport::Transport;
use super::{Outbox, sealed};
use crate::store::{Delivery, Outcome, Store, now_ms};
use std::sync::Arc;
use std::time::Duration;

/// The first retry waits this long; each one after doubles it, up to `MAX_BACKOFF_MS`.
const FIRST_BACKOFF_MS: i64 = 1_000;
/// A receiver down for a day is tried every five minutes: soon back in touch, never hammered.
const MAX_BACKOFF_MS: i64 = 300_000;
/// After a database error, look again this much later.
const STORE_RETRY: Duration = Duration::from_secs(5);

/// How long to wait after the `attempts`th failure (from 1).
pub fn backoff_ms(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_BACKOFF_MS << doublings).min(MAX_BACKOFF_MS)
}

pub async fn run(outbox: Arc<Outbox>, index: usize) {
    let channel = &outbox.channels[index];
    // Sealed values are opened once; when they do not open, every attempt says why (in
    // `notify status`) until the worker is restarted with a key that opens them.
    let transport = sealed::open(&channel.config, &outbox.paths, &outbox.config.secrets)
        .map_err(|e| e.to_string())
        .and_then(|opened| Transport::new(channel.config.clone(), opened));
    let mut store: Option<Store> = None;
    loop {
        if store.is_none() {
            match Store::open_for_outbox(&outbox.paths.database) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    eprintln!("smart-agents worker: channel {}: {e}", channel.name);
                    tokio::time::sleep(STORE_RETRY).await;
                    continue;
                }
            }
        }
        let Some(db) = store.as_ref() else { continue };
        let next = match db.next_delivery(&channel.name) {
            Ok(next) => next,
            Err(e) => {
                eprintln!("smart-agents worker: channel {}: {e}", channel.name);
                store = None;
                tokio::time::sleep(STORE_RETRY).await;
                continue;
            }
        };
        let Some(delivery) = next else {
            channel.wake.notified().await;
            continue;
        };
        let now = now_ms();
        if delivery.next_at > now {
            let wait = Duration::from_millis((delivery.next_at - now) as u64);
            // A ring meanwhile (a new delivery, a drop from a full queue) looks at the head again.
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = channel.wake.notified() => {}
            }
            continue;
        }
        if let Err(e) = attempt(&outbox, db, &delivery, transport.as_ref()).await {
            eprintln!("smart-agents worker: channel {}: {e}", channel.name);
            store = None;
            tokio::time::sleep(STORE_RETRY).await;
        }
    }
}

/// Send `d` once (or give it up when it is too old) and record what happened.
async fn attempt(
    outbox: &Outbox,
    db: &Store,
    d: &Delivery,
    transport: Result<&Transport, &String>,
) -> crate::error::Result<()> {
    if now_ms() >= d.expires_at {
        let error = d.last_error.clone().unwrap_or_else(|| "not sent before notify.max_age".into());
        let error = format!("given up after {} attempts: {error}", d.attempts);
        let row = db.delivery_outcome(d, Outcome::Expired { error: &error }, now_ms())?;
        outbox.publish(row);
        return Ok(());
    }
    let sent = match transport {
        Ok(t) => t.send(d).await,
        Err(e) => Err(e.clone()),
    };
    let now = now_ms();
    let outcome = match &sent {
        Ok(()) => Outcome::Sent,
        Err(error) => {
            let next_at = (now + backoff_ms(d.attempts + 1)).min(d.expires_at);
            Outcome::Retry { error, next_at }
        }
    };
    let row = db.delivery_outcome(d, outcome, now)?;
    outbox.publish(row);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_second_to_five_minutes() {
        let waits: Vec<i64> = (1..=10).map(backoff_ms).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000]);
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }
}
