//! `doctor`'s sandbox check: whether `execute --sandbox` could start a task here (bubblewrap
//! found and a trial sandbox run), and how `--pids-limit` would be kept.

use super::{Check, Level, check};
use crate::config::Config;

/// A failure when the config sends tasks into the sandbox, else a warning: a user who never
/// asks for it has nothing to fix.
pub fn checks(config: &Config, out: &mut Vec<Check>) {
    let configured = config.agents.values().any(|a| a.sandbox.is_some())
        || config.classes.values().any(|c| c.sandbox.is_some());
    out.push(match crate::executor::sandbox::readiness(&config.sandbox) {
        Ok(said) => check("sandbox", Level::Ok, said, None),
        Err(e) => check(
            "sandbox",
            if configured { Level::Fail } else { Level::Warn },
            format!("`execute --sandbox` is refused here: {e}"),
            Some("install bubblewrap (Debian: apt install bubblewrap) and allow user namespaces".into()),
        ),
    });
}
