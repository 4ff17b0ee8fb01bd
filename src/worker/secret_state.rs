//! What the worker holds of secrets: the vault with the key, which names are secret, and the
//! secret values of running tasks (to mask what they report). What it does with them is in
//! secrets.rs.

use crate::config::Config;
use crate::paths::Paths;
use crate::secrets::{Mask, Matcher, Vault};
use std::collections::HashMap;

pub(super) type Env = Vec<(String, String)>;

pub(super) struct SecretState {
    pub(super) vault: Vault,
    pub(super) matcher: Matcher,
    /// Secret variables of started tasks (and their mask), to hide them in what the task
    /// reports and prints.
    pub(super) of_task: HashMap<String, (Env, Mask)>,
    /// Environments of tasks that ended this round: their sealed values may go once saved.
    pub(super) ended: Vec<String>,
    /// Plaintext was rewritten: the WAL still holds it until a truncating checkpoint.
    pub checkpoint: bool,
}

impl SecretState {
    pub fn new(paths: &Paths, config: &Config) -> SecretState {
        SecretState {
            vault: Vault::new(paths, &config.secrets),
            matcher: config.secrets.matcher(),
            of_task: HashMap::new(),
            ended: Vec::new(),
            checkpoint: false,
        }
    }
}
