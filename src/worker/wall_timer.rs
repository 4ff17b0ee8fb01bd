//! One wall-clock alarm for the schedules: a `timerfd` on `CLOCK_REALTIME`, armed at an
//! absolute time with `TFD_TIMER_CANCEL_ON_SET`. Unlike the actor's own timers (monotonic, so
//! they stop counting while the machine sleeps) it fires when the wall clock reaches the time,
//! also right after a resume, and it tells when the clock was set. Its thread blocks in `read`
//! and wakes only for those: no polling.

use crate::worker::messages::Msg;
use rustix::io::Errno;
use rustix::time::{Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::mpsc::Sender;

pub struct WallTimer {
    fd: Arc<OwnedFd>,
    /// What the timer is armed at (`None`: disarmed), so a round that changes nothing costs
    /// no system call.
    armed: Option<i64>,
}

impl WallTimer {
    /// Create the timer and the thread that reads it; `None` when the system refuses (the
    /// schedules then ride on the actor's own timers, without jump detection).
    pub fn start(tx: Sender<Msg>) -> Option<WallTimer> {
        let fd = rustix::time::timerfd_create(TimerfdClockId::Realtime, TimerfdFlags::CLOEXEC).ok()?;
        let fd = Arc::new(fd);
        let reader = fd.clone();
        std::thread::Builder::new().name("wall-timer".into()).spawn(move || read_loop(&reader, &tx)).ok()?;
        Some(WallTimer { fd, armed: None })
    }

    /// Fire at `at` (ms since the epoch, wall clock); `None` disarms.
    pub fn arm(&mut self, at: Option<i64>) {
        if self.armed == at {
            return;
        }
        let zero = Timespec { tv_sec: 0, tv_nsec: 0 };
        let value = match at {
            // A time of 0 would disarm: the epoch's first nanosecond is as good as "now".
            Some(ms) => {
                Timespec { tv_sec: ms.div_euclid(1000), tv_nsec: ms.rem_euclid(1000) * 1_000_000 + 1 }
            }
            None => zero,
        };
        let spec = Itimerspec { it_interval: zero, it_value: value };
        let flags = TimerfdTimerFlags::ABSTIME | TimerfdTimerFlags::CANCEL_ON_SET;
        if rustix::time::timerfd_settime(&*self.fd, flags, &spec).is_ok() {
            self.armed = at;
        }
    }

    /// The timer went off or was cancelled: arm it again even at the same time.
    pub fn fired(&mut self) {
        self.armed = None;
    }
}

fn read_loop(fd: &OwnedFd, tx: &Sender<Msg>) {
    let mut buf = [0u8; 8];
    loop {
        let jumped = match rustix::io::read(fd, &mut buf) {
            Ok(_) => false,
            Err(Errno::CANCELED) => true,
            Err(Errno::INTR) | Err(Errno::AGAIN) => continue,
            Err(e) => {
                eprintln!("smart-agents worker: the schedules' wall-clock timer failed: {e}");
                return;
            }
        };
        if tx.send(Msg::WallClock { jumped }).is_err() {
            return;
        }
    }
}
