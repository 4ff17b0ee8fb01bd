//! `doctor`'s channel checks, one line per `[[notify.channels]]`: its sealed values open with
//! this user's key, and how its deliveries stand (what `notify status` shows, judged).

use super::{Check, Level, check};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::{Delivery, Store};

pub fn checks(config: &Config, paths: &Paths, out: &mut Vec<Check>) {
    if config.notify.channels.is_empty() {
        return;
    }
    let deliveries = match Store::open_for_reading(&paths.database) {
        Ok(Some(store)) => store.deliveries(100_000).unwrap_or_default(),
        _ => Vec::new(),
    };
    for (i, channel) in config.notify.channels.iter().enumerate() {
        let name = channel.name_at(i);
        let label = format!("channel {name}");
        if let Err(e) = crate::notify::channels::sealed::open(channel, paths, &config.secrets) {
            let fix = "seal the value again with `smart-agents notify seal` as this user".to_string();
            out.push(check(&label, Level::Fail, e.to_string(), Some(fix)));
            continue;
        }
        let mine: Vec<&Delivery> = deliveries.iter().filter(|d| d.channel == name).collect();
        out.push(judge(&label, channel.kind.as_str(), &mine));
    }
}

/// Waiting with an error, or given up, is a warning: the receiver is down or refuses.
fn judge(label: &str, kind: &str, deliveries: &[&Delivery]) -> Check {
    let count = |state: &str| deliveries.iter().filter(|d| d.state == state).count();
    let (sent, waiting, lost) = (count("sent"), count("waiting"), count("failed") + count("dropped"));
    // Newest first: the first error is the latest (one not tried yet has none).
    let error = deliveries.iter().filter(|d| d.state != "sent").find_map(|d| d.last_error.clone());
    let detail = format!("{kind}: {sent} sent, {waiting} waiting, {lost} given up or dropped this week");
    match error {
        Some(error) if waiting > 0 || lost > 0 => check(
            label,
            Level::Warn,
            format!("{detail}; last error: {error}"),
            Some("`smart-agents notify status` for each delivery; check the receiver".into()),
        ),
        _ => check(label, Level::Ok, detail, None),
    }
}
