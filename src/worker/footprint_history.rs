//! What the worker remembers of one kind of task (an agent, a class): its recent peaks, the
//! footprint layer learned from them (the rule is `scheduler::footprint::learn`), and what a
//! running attempt showed while none has ended.

use crate::scheduler::Peak;
use crate::scheduler::footprint::{LEARN_WINDOW, Layer, learn};
use std::collections::VecDeque;

/// Recent attempts of one kind and what they teach.
#[derive(Debug, Default)]
pub struct History {
    /// Newest first, at most [`LEARN_WINDOW`].
    peaks: VecDeque<Peak>,
    layer: Option<Layer>,
    /// While no attempt of the kind has ended: the most a running one showed once its slow
    /// start was over. The rest of a first burst reserves that instead of nothing.
    seen: Option<u64>,
}

impl History {
    /// From the kind's recent attempts as the store keeps them (any order).
    pub fn new(peaks: Vec<Peak>) -> History {
        let mut peaks: VecDeque<Peak> = peaks.into();
        peaks.truncate(LEARN_WINDOW);
        let layer = learn(peaks.make_contiguous());
        History { peaks, layer, seen: None }
    }

    /// An attempt ended having used `peak`. True when what the kind teaches changed.
    pub fn push(&mut self, peak: Peak) -> bool {
        self.peaks.push_front(peak);
        self.peaks.truncate(LEARN_WINDOW);
        let layer = learn(self.peaks.make_contiguous());
        let changed = layer != self.layer;
        self.layer = layer;
        changed
    }

    /// What the kind's footprint is known to be: learned from ended attempts, else seen.
    pub fn layer(&self) -> Layer {
        match (self.layer, self.seen) {
            (Some(layer), _) => layer,
            (None, Some(bytes)) => Layer { mem_bytes: Some(bytes), cpus: None, seen_running: true },
            (None, None) => Layer::default(),
        }
    }

    /// A running attempt past its slow start shows `bytes`. True when the kind's footprint
    /// changed: first seen, or grown by more than a sixteenth (a climb seen at every reading
    /// would otherwise recompute every pending task's footprint each round).
    pub fn see_running(&mut self, bytes: u64) -> bool {
        let before = self.seen.unwrap_or(0);
        if self.layer.is_some() || bytes <= before.saturating_add(before / 16) {
            return false;
        }
        self.seen = Some(bytes);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_attempt_is_seen_until_one_ends() {
        let mut h = History::default();
        assert_eq!(h.layer(), Layer::default());
        assert!(h.see_running(100));
        assert_eq!(h.layer(), Layer { mem_bytes: Some(100), cpus: None, seen_running: true });
        assert!(!h.see_running(103), "a small rise is not worth a recompute");
        assert!(!h.see_running(50), "the most seen is kept");
        assert!(h.see_running(200));
        assert_eq!(h.layer().mem_bytes, Some(200));
        assert!(h.push(Peak { rss_bytes: 150, cpu_seconds: 3.0, wall_seconds: 3.0, rss_at_most: None }));
        let learned = Layer { mem_bytes: Some(150), cpus: Some(1.0), seen_running: false };
        assert_eq!(h.layer(), learned, "an ended attempt teaches more than a running one");
        assert!(!h.see_running(999));
    }
}
