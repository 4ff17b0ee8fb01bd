//! aider for real.
