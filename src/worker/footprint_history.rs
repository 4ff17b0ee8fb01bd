//! What the worker remembers of one kind of task (an agent, a class): its recent peaks and the
//! footprint layer learned from them. The learning itself is in footprints.rs.

use crate::scheduler::Peak;
use crate::scheduler::footprint::Layer;
use std::collections::VecDeque;

/// Recent attempts of one kind and what they teach.
#[derive(Debug, Default)]
pub struct History {
    pub(super) peaks: VecDeque<Peak>,
    pub(super) layer: Option<Layer>,
}
