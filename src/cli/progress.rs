//! A progress bar on standard error for long runs: shown only once a run has
//! taken more than a second, only when standard error is a terminal, and never
//! on standard output, which carries the report.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plancheck::session::{Phase, Progress};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Work shorter than this shows nothing.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
    shown: AtomicBool,
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    fn show_if_slow(&self) {
        if self.terminal
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= QUIET_FOR
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for Bar {
    fn start(&self, phase: Phase, total: u64) {
        let (message, template) = match phase {
            Phase::Reading => (
                "reading",
                "{msg:>10} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta})",
            ),
            Phase::Evaluating => (
                "checking",
                "{msg:>10} [{bar:40}] {pos}/{len} entities ({eta})",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        // A bar finished after the previous phase starts over.
        self.bar.reset();
        self.bar.set_message(message);
        self.bar.set_length(total);
        self.show_if_slow();
    }

    fn advance(&self, done: u64) {
        self.bar.inc(done);
        self.show_if_slow();
    }

    /// Clears the bar, so that the report printed next is not mixed with it.
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
