//! Showing a notification on the desktop through notify-rust (D-Bus
//! `org.freedesktop.Notifications`). Fail soft: a machine without a session bus or a
//! notification daemon is logged once and otherwise ignored; after a failed send none is tried
//! for a minute.

use super::strategy::{Notification, Urgency};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Sends still waiting on the bus beyond which new ones are dropped: a hung bus must not pile
/// up blocking threads.
const MAX_IN_FLIGHT: usize = 8;

/// After a failed send, how long no other is tried: a machine without a session bus would
/// otherwise pay a thread, a diffstat and a bus connection at every task's end.
const RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Clone, Default)]
pub struct Desktop {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Set after the first failure is logged, so the worker log is not flooded.
    warned: AtomicBool,
    in_flight: AtomicUsize,
    /// Set by a failed send: until then, notifications are dropped without trying.
    off_until: Mutex<Option<Instant>>,
}

impl Desktop {
    /// Show `n` on a blocking thread: D-Bus calls block, the runtime must not.
    pub fn send(&self, n: Notification) {
        self.send_with(n, || None);
    }

    /// As `send`, with a last line of the body worked out on that thread too (a task's
    /// diffstat runs git).
    pub fn send_with(
        &self,
        mut n: Notification,
        last_line: impl FnOnce() -> Option<String> + Send + 'static,
    ) {
        if self.is_off() {
            return;
        }
        if self.inner.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
            self.warn("the notification service is not answering; dropping notifications");
            return;
        }
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(line) = last_line() {
                n.body.push('\n');
                n.body.push_str(&line);
            }
            let result = show(&n);
            this.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
            let off_until = result.is_err().then(|| Instant::now() + RETRY_AFTER);
            if let Ok(mut off) = this.inner.off_until.lock() {
                *off = off_until;
            }
            if let Err(e) = result {
                this.warn(&format!("desktop notifications are off: {e}"));
            }
        });
    }

    fn is_off(&self) -> bool {
        let off = self.inner.off_until.lock().map(|o| *o).unwrap_or(None);
        off.is_some_and(|until| Instant::now() < until)
    }

    fn warn(&self, message: &str) {
        if !self.inner.warned.swap(true, Ordering::SeqCst) {
            eprintln!("smart-agents worker: {message} (logged once; tasks are not affected)");
        }
    }
}

fn show(n: &Notification) -> Result<(), notify_rust::error::Error> {
    let urgency = match n.urgency {
        Urgency::Low => notify_rust::Urgency::Low,
        Urgency::Normal => notify_rust::Urgency::Normal,
        Urgency::Critical => notify_rust::Urgency::Critical,
    };
    notify_rust::Notification::new()
        .appname("smart-agents")
        .summary(&n.summary)
        .body(&n.body)
        .urgency(urgency)
        .show()
        .map(|_| ())
}
