//! Codex for real.
