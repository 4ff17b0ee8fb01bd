//! Secret-looking environment variables: which they are (`names`), how their values are sealed
//! at rest (`cipher`, under a per-user key from `key`), how a stored environment is split and
//! restored (`env`), and how printed output hides them (`mask`).

mod cipher;
mod env;
mod key;
mod mask;
mod names;
mod task_mask;

pub use cipher::Key;
pub use env::{RestoreError, SealedEnv, restore, seal};
pub use key::{KeyError, KeySource, Vault, describe_key};
pub use mask::{MIN_MASK_LEN, Mask, Span, find_spans};
pub use names::{DEFAULT_PATTERNS, Matcher, SecretsConfig};
pub use task_mask::{MaskSource, task_mask};
