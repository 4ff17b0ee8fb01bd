//! The integration tests, one binary (it links once): one module per area, each driving
//! the real `smart-agents` binary on a private home (see common/).

mod common;
#[path = "common/mock_model/mod.rs"]
mod mock_model;

mod admission;
mod agent_standins;
mod agent_versions;
mod agents_e2e;
mod autonomy;
mod bad_input;
mod cancel;
mod channels;
mod claude_plugin;
mod closed_stdin;
mod completion_ids;
mod config_cmd;
mod crash;
mod delegation;
mod doctor;
mod drift;
mod faults;
mod flows;
mod frames;
mod generated_files;
mod handover;
mod history;
mod integrate;
mod logs;
mod mcp_client;
mod mcp_tasks;
mod metrics;
mod mock_model_tests;
mod needs;
mod newcomer;
mod notices;
mod notices_follow;
mod notifications;
mod pipes;
mod properties;
mod real_clis;
mod review;
mod robustness;
mod sandbox;
mod scheduler_e2e;
mod schedules;
mod secrets;
mod secrets_keyring;
mod security;
mod slurm_e2e;
mod task_loop;
mod tui_tmux;
mod usage_limits;
mod web;
mod worker;
mod zygote;
