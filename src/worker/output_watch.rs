//! One inotify watch on the logs folder tells the actor when an agent's output grew. Only
//! tasks with a stream parser are of interest; the actor keeps that set current.

use super::messages::Msg;
use futures_util::StreamExt;
use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

/// File names (in the logs folder) the actor wants to hear about.
pub type Interest = Arc<Mutex<HashSet<String>>>;

pub fn spawn(
    rt: &tokio::runtime::Handle,
    logs_dir: &Path,
    tx: Sender<Msg>,
    interest: Interest,
) -> std::io::Result<()> {
    let inotify = inotify::Inotify::init()?;
    inotify.watches().add(logs_dir, inotify::WatchMask::MODIFY | inotify::WatchMask::CLOSE_WRITE)?;
    let _guard = rt.enter();
    let mut events = inotify.into_event_stream([0u8; 4096])?;
    rt.spawn(async move {
        while let Some(Ok(event)) = events.next().await {
            let Some(name) = event.name.and_then(|n| n.to_str().map(str::to_string)) else { continue };
            let wanted = interest.lock().map(|set| set.contains(&name)).unwrap_or(false);
            if wanted && tx.send(Msg::Output { file: name }).is_err() {
                return;
            }
        }
    });
    Ok(())
}
