//! The scheduler core: admission (which pending tasks start, and why the others wait) and the
//! resource gates that feed it. Pure: the worker calls them when something changes, and its
//! monitor (`worker/monitor.rs`) reads the machine only while a task waits on a gate.

pub mod admission;
pub mod footprint;
pub mod freeing;
mod gates;
pub mod holds;
pub mod hysteresis;
mod lanes;
pub mod reason;
pub mod resources;
pub mod snapshot;

/// The highest priority (1..=10, higher first); aging never lifts a task past it.
pub const MAX_PRIORITY: u8 = 10;

pub use admission::{decide, effective_priority};
pub use footprint::{Footprint, Peak, Source};
pub use reason::WaitReason;
pub use snapshot::{AgentSlot, Circuit, Decision, Gate, Hold, Pending, Readings, Running};
