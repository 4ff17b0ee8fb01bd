//! smart-agents: run AI agent tasks, and any long command, in the background.

pub mod config;
pub mod duration;
pub mod error;
pub mod ids;
pub mod model;
pub mod paths;
pub mod protocol;
pub mod store;
pub mod worker;
pub mod client;
pub mod cli;
pub mod tui;
