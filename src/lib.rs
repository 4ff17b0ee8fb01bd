//! smart-agents: run AI agent tasks, and any long command, in the background.

pub mod agents;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod duration;
pub mod error;
pub mod executor;
pub mod flows;
pub mod ids;
pub mod mcp;
pub mod model;
pub mod notify;
pub mod paths;
pub mod process;
pub mod protocol;
pub mod scheduler;
pub mod secrets;
pub mod size;
pub mod stats;
pub mod store;
pub mod text;
pub mod tui;
pub mod version;
pub mod web;
pub mod worker;
