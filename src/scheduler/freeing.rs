//! Memory that ended tasks gave back but the machine's reading does not show yet.
//!
//! On some VMs (free page reporting to the host) the pages a process frees return to
//! `MemAvailable` at only tens of MB/s, while new allocations reuse them at once. A gate that
//! reads `total − available` then sees the last tasks' memory for half a minute and holds the
//! next ones, though a task started right away would not raise the reading (`xargs -P 2` runs
//! such a burst safely at full speed).
//!
//! The rule: *accounted* memory is memory in use less what the running tasks' trees show. A
//! task that ends takes its size out of both, so accounted memory stays put on a machine that
//! frees at once. Where it rises instead, the rise is memory still being given back: it is
//! credited to admission, capped by the sizes of the tasks that ended, and shrinks as the
//! reading catches up. The cap falls to zero over [`FREEING_WINDOW`] (2 s) after the last end:
//! only that long can new tasks reuse those pages, and a program that grew at the moment a
//! task ended is never mistaken for freed memory for long.
//! On a machine that frees at once the credit is zero. Pure: the worker feeds the numbers.

use std::time::{Duration, Instant};

/// How long after the last end freed memory may still be credited. Linux hands free pages to
/// the host's reporting 2 s after they are freed (`PAGE_REPORTING_DELAY`); until then they are
/// on the free lists and a new task reuses them, as `xargs -P 2` does by starting at once. Once
/// isolated for reporting they are unavailable until the host lets go, so the reading is right
/// again, and a start that trusted a longer credit went past the threshold (bench, 10.0% at 9%).
pub const FREEING_WINDOW: Duration = Duration::from_secs(2);
/// An accounted reading older than this is not a fair "before" for an end.
const REFERENCE_FRESH: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Default)]
pub struct Freeing {
    /// The last two accounted readings (bytes), newest first, and when. An end's reference is
    /// the higher of them: between a task's exit and the worker hearing of it (milliseconds),
    /// its tree may still be shown at full size while a machine that frees at once no longer
    /// counts it, and that dip must not become the reference (it would credit the whole task).
    /// Only two: on a machine whose reading lags, accounted memory from seconds before still
    /// holds earlier tasks' memory not given back then, and would hide this end's.
    recent: [Option<(Instant, i64)>; 2],
    /// Accounted memory before the first end of the current episode.
    reference: Option<i64>,
    /// Sizes of the tasks that ended in this episode, as the cap stood at the last end.
    ended: u64,
    last_end: Option<Instant>,
}

impl Freeing {
    /// A round measured memory in use and every running tree: remember the accounted part.
    /// Returns the bytes admission may treat as free although the reading still counts them.
    pub fn observe(&mut self, now: Instant, used: u64, shown: u64) -> u64 {
        let accounted = used as i64 - shown as i64;
        self.recent = [Some((now, accounted)), self.recent[0]];
        let Some(reference) = self.reference else { return 0 };
        let credit = (accounted - reference).clamp(0, self.cap(now) as i64) as u64;
        if credit == 0 {
            // Caught up (or expired): the next end starts a new episode from a new reference.
            self.reference = None;
            self.ended = 0;
        }
        credit
    }

    /// True while something may be credited: the trees' sizes must then be read afresh each
    /// round, as one read earlier than memory in use would show a climbing task as freed memory.
    pub fn active(&self) -> bool {
        self.reference.is_some()
    }

    /// A task whose tree last showed `bytes` ended. Its memory is credited only against an
    /// accounted reading from just before, with it still running.
    pub fn ended(&mut self, now: Instant, bytes: u64) {
        if bytes == 0 {
            return;
        }
        if self.reference.is_none() {
            let fresh = self
                .recent
                .iter()
                .flatten()
                .filter(|(at, _)| now.saturating_duration_since(*at) <= REFERENCE_FRESH);
            match fresh.map(|(_, accounted)| *accounted).max() {
                Some(accounted) => self.reference = Some(accounted),
                None => return,
            }
        }
        self.ended = self.cap(now).saturating_add(bytes);
        self.last_end = Some(now);
    }

    /// The most that may be credited now: what ended, falling linearly to zero over the window.
    fn cap(&self, now: Instant) -> u64 {
        let Some(at) = self.last_end else { return 0 };
        let left = 1.0 - now.saturating_duration_since(at).as_secs_f64() / FREEING_WINDOW.as_secs_f64();
        (self.ended as f64 * left.max(0.0)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn a_machine_that_frees_at_once_gets_no_credit() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        // 2 GiB other, one task showing 700 MiB.
        assert_eq!(f.observe(t0, 2048 * MIB + 700 * MIB, 700 * MIB), 0);
        f.ended(t0 + Duration::from_millis(100), 700 * MIB);
        // The reading dropped by the task's size: nothing to credit.
        assert_eq!(f.observe(t0 + Duration::from_millis(200), 2048 * MIB, 0), 0);
    }

    #[test]
    fn memory_the_reading_still_counts_is_credited_until_it_shows() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        let ms = |n| t0 + Duration::from_millis(n);
        f.observe(t0, 2048 * MIB + 1400 * MIB, 1400 * MIB);
        f.ended(ms(100), 700 * MIB);
        f.ended(ms(150), 700 * MIB);
        // Nothing came back yet: all 1,400 MiB are credited, less the cap's fading (4%).
        let credit = f.observe(ms(200), 2048 * MIB + 1400 * MIB, 0);
        assert!(credit <= 1400 * MIB && credit > 1340 * MIB, "{credit}");
        // Two new tasks grew 500 MiB each: their growth shows in their trees, not as freeing
        // (only the cap's fading, 9% by now, takes from the credit).
        let credit = f.observe(ms(300), 2048 * MIB + 2400 * MIB, 1000 * MIB);
        assert!(credit <= 1400 * MIB && credit > 1270 * MIB, "{credit}");
        // Half came back.
        assert_eq!(f.observe(ms(400), 2048 * MIB + 1700 * MIB, 1000 * MIB), 700 * MIB);
        // All came back: the credit ends, and so does the episode.
        assert_eq!(f.observe(ms(500), 2048 * MIB + 1000 * MIB, 1000 * MIB), 0);
        assert!(f.reference.is_none());
    }

    #[test]
    fn the_credit_never_passes_what_ended_and_fades_out() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        f.observe(t0, 1000 * MIB + 300 * MIB, 300 * MIB);
        f.ended(t0, 300 * MIB);
        // Another program took 2 GiB as the task ended: at most the task's size is credited.
        assert_eq!(f.observe(t0, 3348 * MIB, 0), 300 * MIB);
        let half = f.observe(t0 + FREEING_WINDOW / 2, 3348 * MIB, 0);
        assert_eq!(half, 150 * MIB);
        assert_eq!(f.observe(t0 + FREEING_WINDOW, 3348 * MIB, 0), 0);
    }

    #[test]
    fn a_dip_before_the_worker_hears_of_an_end_is_not_the_reference() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        let ms = |n| t0 + Duration::from_millis(n);
        f.observe(t0, 2048 * MIB + 700 * MIB, 700 * MIB);
        // The task exited and the machine freed it; its tree is still shown from 200 ms ago.
        f.observe(ms(200), 2048 * MIB, 700 * MIB);
        f.ended(ms(250), 700 * MIB);
        assert_eq!(f.observe(ms(300), 2048 * MIB, 0), 0);
    }

    #[test]
    fn memory_an_earlier_end_gave_back_late_does_not_hide_this_end() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        let ms = |n| t0 + Duration::from_millis(n);
        // A lagging reading still held 500 MiB of an earlier task a second ago, then caught up.
        f.observe(t0, 2048 * MIB + 500 * MIB + 1400 * MIB, 1400 * MIB);
        f.observe(ms(750), 2048 * MIB + 1400 * MIB, 1400 * MIB);
        f.observe(ms(1000), 2048 * MIB + 1400 * MIB, 1400 * MIB);
        // One of two running tasks ends; the reading does not show it yet.
        f.ended(ms(1050), 700 * MIB);
        let credit = f.observe(ms(1100), 2048 * MIB + 1400 * MIB, 700 * MIB);
        assert!(credit > 650 * MIB && credit <= 700 * MIB, "{credit}");
    }

    #[test]
    fn an_end_without_a_fresh_reading_before_it_is_not_credited() {
        let (mut f, t0) = (Freeing::default(), Instant::now());
        f.ended(t0, 700 * MIB);
        assert_eq!(f.observe(t0, 2048 * MIB + 700 * MIB, 0), 0);
        let later = t0 + Duration::from_secs(10);
        f.ended(later, 700 * MIB);
        assert_eq!(f.observe(later, 2048 * MIB + 1400 * MIB, 0), 0);
    }
}
