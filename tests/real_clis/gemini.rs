//! Gemini CLI for real.
