//! What a task may ask for, checked in one place: by the CLI and the MCP server before they
//! send a submit, and by the worker when it takes one.

use super::{MAX_INPUT_BYTES, MAX_PRIORITY, MIN_PRIORITY, TaskSpec};
use crate::error::{Error, Result};

/// Linux refuses a longer single argument at exec (`MAX_ARG_STRLEN`); an agent takes its
/// prompt as one.
pub const MAX_ARG_BYTES: usize = 128 * 1024;

/// The priorities a task may have, as clap's value parsers take them.
pub const PRIORITY_RANGE: std::ops::RangeInclusive<i64> = MIN_PRIORITY as i64..=MAX_PRIORITY as i64;

/// A priority in 1..=10, else why not.
pub fn check_priority(priority: u8) -> std::result::Result<(), String> {
    if (MIN_PRIORITY..=MAX_PRIORITY).contains(&priority) {
        return Ok(());
    }
    Err(format!("priority {priority} is out of range 1..10"))
}

impl TaskSpec {
    pub fn validate(&self) -> Result<()> {
        check_priority(self.priority).map_err(Error::usage)?;
        let argv_bytes: usize = self.command.iter().map(|a| a.len() + 1).sum();
        for (what, len) in [
            ("description", self.description.len()),
            ("command line", argv_bytes),
            ("prompt", self.prompt.as_ref().map_or(0, String::len)),
        ] {
            if len > MAX_INPUT_BYTES {
                return Err(Error::usage(format!("the {what} is {len} bytes, over the 1 MiB limit")));
            }
        }
        // Agents take the prompt as one argument, and Linux refuses a longer one at start.
        if let Some(len) = self.prompt.as_ref().map(String::len).filter(|len| *len >= MAX_ARG_BYTES) {
            return Err(Error::usage(format!(
                "the prompt is {len} bytes, over the 128 KiB Linux allows in one argument; put the details in a \
                 file and name it in the prompt"
            )));
        }
        if self.request_id.as_ref().is_some_and(|r| r.is_empty() || r.len() > 128) {
            return Err(Error::usage("a request id must be 1 to 128 characters"));
        }
        if self.command.is_empty() && self.prompt.as_deref().is_none_or(|p| p.trim().is_empty()) {
            return Err(Error::usage("nothing to run: give a prompt, or a command after `--`"));
        }
        if !std::path::Path::new(&self.cwd).is_dir() {
            return Err(Error::usage(format!("working folder {} does not exist", self.cwd)));
        }
        if self.cpus.is_some_and(|c| !(0.0..=4096.0).contains(&c)) {
            return Err(Error::usage("--cpus must be a number of cores from 0 to 4096"));
        }
        if self.mem_limit && self.mem_bytes.is_none_or(|b| b == 0) {
            return Err(Error::usage("--mem-limit needs --mem SIZE: the limit to enforce"));
        }
        if let Some(name) = &self.notify {
            name.parse::<crate::config::Strategy>().map_err(Error::usage)?;
        }
        if let Some(class) = &self.class
            && (class.is_empty() || class.len() > 64 || class.chars().any(char::is_whitespace))
        {
            return Err(Error::usage(format!("invalid class name '{class}'")));
        }
        Ok(())
    }
}
