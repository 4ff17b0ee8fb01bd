//! The fault suite, end to end with the real binary: the worker killed with `kill -9` while a
//! queue drains, task supervisors killed with and without retries, the worker killed during a
//! burst of submits, thousands of waiters and silent sockets beside short requests, deleted
//! folders, and a table of bad inputs that must each leave the queue as it was. Scaled to run
//! in seconds; docs/reliability.md gives the figures.

#[path = "faults/bad_inputs.rs"]
mod bad_inputs;
#[path = "faults/clients.rs"]
mod clients;
#[path = "faults/kills.rs"]
mod kills;
#[path = "faults/supervisor.rs"]
mod supervisor;
#[path = "faults/support.rs"]
mod support;
