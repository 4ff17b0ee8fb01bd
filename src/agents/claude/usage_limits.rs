//! Claude Code's usage limits: a `result` with `api_error_status: 429` (text "API Error:
//! Request rejected (429) · …"), a `rate_limit_event` whose `rate_limit_info.status` is
//! `rejected` (with `resetsAt`, epoch seconds, and since 2.1.3xx the overage fields), or a
//! result saying "You've hit your limit · resets 3pm".

use crate::agents::common::{obj_of, parse_object, str_of, u64_of};
use crate::agents::usage_limits::{
    Reset, UsageLimitHit, UsageLimitWatch, one_line, reset_in_text, said_limit,
};
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub(super) struct ClaudeUsageLimits {
    /// The `rate_limit_event` reset, kept for the `result` that follows it.
    pending_reset: Option<Reset>,
}

impl UsageLimitWatch for ClaudeUsageLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let obj = parse_object(line)?;
        match str_of(&obj, "type") {
            Some("rate_limit_event") => self.on_rate_limit(obj_of(&obj, "rate_limit_info")?),
            Some("result") => {
                let text = str_of(&obj, "result").unwrap_or_default();
                let is_error = obj.get("is_error").and_then(Value::as_bool).unwrap_or(false);
                let limited = u64_of(&obj, "api_error_status") == Some(429)
                    || said_limit(text)
                    || str_of(&obj, "terminal_reason") == Some("blocking_limit");
                (is_error && limited).then(|| UsageLimitHit {
                    message: one_line(text),
                    reset: self.pending_reset.or_else(|| reset_in_text(text)),
                })
            }
            _ => None,
        }
    }
}

impl ClaudeUsageLimits {
    /// A rejected window is a limit. While overage (extra paid usage) carries the account on,
    /// it is not: the run goes on, and only when overage is rejected too (or disabled) does
    /// the account wait, until the later of the two resets.
    fn on_rate_limit(&mut self, info: &Map<String, Value>) -> Option<UsageLimitHit> {
        let at = |key: &str| u64_of(info, key).map(|s| Reset::At(s as i64 * 1000));
        if str_of(info, "status") != Some("rejected") {
            return None;
        }
        let overage = str_of(info, "overageStatus");
        if info.get("isUsingOverage").and_then(Value::as_bool) == Some(true)
            || matches!(overage, Some("allowed" | "allowed_warning"))
        {
            return None;
        }
        let kind = str_of(info, "rateLimitType").unwrap_or("usage");
        let reset = match (at("resetsAt"), at("overageResetsAt")) {
            (Some(Reset::At(a)), Some(Reset::At(b))) if overage == Some("rejected") => {
                Some(Reset::At(a.max(b)))
            }
            (window, over) => window.or(over),
        };
        self.pending_reset = reset;
        let overage_note = match (overage, str_of(info, "overageDisabledReason")) {
            (Some("rejected"), _) => ", overage used up too",
            (_, Some(_)) => ", no overage",
            _ => "",
        };
        Some(UsageLimitHit { message: format!("Claude usage limit ({kind}{overage_note}) reached"), reset })
    }
}
