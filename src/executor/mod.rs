//! Where a task runs: on this machine under a supervisor (`local`, the default) or as a batch
//! job on a Slurm cluster (`slurm`). Every executor runs the same `smart-agents __supervise`
//! around the task, so the exit record, the log and the agent stream parsing are one code
//! path; only starting, tracking and stopping differ, and those sit behind [`TaskExecutor`].
//!
//! The worker holds an [`ExecutorSet`] and asks the executor of each task; it never asks
//! which kind that is. A new executor is one module here plus a line in `ExecutorSet::new`.

mod interface;
pub mod local;
pub mod sandbox;
mod set;
pub mod slurm;

pub use crate::config::executors::{ClassProfile, Executor, Executors, SlurmSettings};
pub use interface::{Adopted, Answer, Ended, HereStart, Note, Reply, Start, Stop, TaskExecutor};
pub use set::{ExecutorSet, kind_of};
