//! Progress bars on stderr, drawn only when it is a terminal and without `--quiet`: files
//! done for `verify`, `lint`, `hash` and `fetch`, bytes read for a large `devices` report,
//! phones asked by `devices --probe` / `--ris`.

use std::fmt;
use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use indicatif::{BinaryBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::quiet;

/// Reports past this size get a progress bar in `devices`.
pub const LARGE_REPORT: u64 = 64 * 1024 * 1024;

/// More file arguments than this make a job "over many files".
pub const MANY_FILES: usize = 50;

fn bars() -> &'static MultiProgress {
    static BARS: OnceLock<MultiProgress> = OnceLock::new();
    BARS.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
}

/// Visible bars drawn through [`bars`].
static VISIBLE: AtomicUsize = AtomicUsize::new(0);

/// Runs `f` (which writes to the terminal) with the progress bars taken off the screen.
pub(super) fn paused<R>(f: impl FnOnce() -> R) -> R {
    if VISIBLE.load(Ordering::Relaxed) > 0 {
        bars().suspend(f)
    } else {
        f()
    }
}

pub(super) fn clear_bars() {
    if VISIBLE.load(Ordering::Relaxed) > 0 {
        let _ = bars().clear();
    }
}

/// Whether progress may be drawn: stderr is a terminal and no `--quiet`.
fn progress_allowed() -> bool {
    !quiet() && std::io::stderr().is_terminal()
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A progress bar that leaves the screen when dropped.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar counting `total` files, drawn when `many` (a folder, or more than
    /// [`MANY_FILES`] arguments), stderr is a terminal and no `--quiet`.
    pub fn files(total: usize, many: bool) -> Progress {
        if !(many && progress_allowed()) {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(total as u64)
            .with_style(style("{spinner} {pos}/{len} files  {per_sec}  {elapsed} {wide_bar}"));
        Progress { bar: Some(show(bar)) }
    }

    /// A bar counting the phones asked of `total`, with those answered and failed, drawn
    /// when stderr is a terminal and no `--quiet`.
    pub fn phones(total: usize) -> Progress {
        if !progress_allowed() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(total as u64)
            .with_style(style("{spinner} {pos}/{len} phones asked  {msg}  {per_sec}  {elapsed} {wide_bar}"))
            .with_message("0 answered, 0 failed");
        Progress { bar: Some(show(bar)) }
    }

    /// Phones asked so far, of them answered and failed.
    pub fn phones_done(&self, asked: usize, answered: usize, failed: usize) {
        if let Some(b) = &self.bar {
            b.set_position(asked as u64);
            b.set_message(format!("{answered} answered, {failed} failed"));
        }
    }

    /// One more done.
    pub fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// Whether the bar is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }
}

fn show(bar: ProgressBar) -> ProgressBar {
    VISIBLE.fetch_add(1, Ordering::Relaxed);
    let bar = bars().add(bar);
    bar.tick();
    bar
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
            bars().remove(&b);
            VISIBLE.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A standalone bar for `fetch` (which pauses it itself while printing): drawn when `many`,
/// stderr is a terminal and no `--quiet`; hidden otherwise.
pub fn fetch_bar(total: usize, many: bool) -> ProgressBar {
    if !(many && progress_allowed()) {
        return ProgressBar::hidden();
    }
    ProgressBar::new(total as u64).with_style(style("{spinner} {pos}/{len} files  {per_sec}  {wide_msg}"))
}

/// A reader that shows the bytes read, the total where known and the rate, once a report is
/// past [`LARGE_REPORT`] (from the start when its size is known to be).
pub struct Counted<R> {
    inner: R,
    done: u64,
    began: std::time::Instant,
    total: Option<u64>,
    allowed: bool,
    progress: Progress,
}

/// Wraps a report being read from `path` (`-` for stdin) with a byte-counting progress bar.
pub fn progress_reader<R: Read>(path: &str, inner: R) -> Counted<R> {
    let total = (path != "-").then(|| std::fs::metadata(path).ok().map(|m| m.len())).flatten();
    let mut c = Counted {
        inner,
        done: 0,
        began: std::time::Instant::now(),
        total,
        allowed: progress_allowed(),
        progress: Progress { bar: None },
    };
    if total.is_some_and(|t| t > LARGE_REPORT) {
        c.start();
    }
    c
}

impl<R> Counted<R> {
    fn start(&mut self) {
        if !self.allowed {
            return;
        }
        self.allowed = false;
        // The average since the first byte (the bar may appear only at 64 MiB).
        let rate = |s: &ProgressState, w: &mut dyn fmt::Write| {
            let secs = s.elapsed().as_secs_f64();
            if secs > 0.0 {
                let _ = write!(w, "{}/s", BinaryBytes((s.pos() as f64 / secs) as u64));
            }
        };
        let template = match self.total {
            Some(_) => "{spinner} {binary_bytes}/{binary_total_bytes}  {rate}  {elapsed} {wide_bar}",
            None => "{spinner} {binary_bytes}  {rate}  {elapsed}",
        };
        let bar = match self.total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::no_length(),
        };
        let bar = bar
            .with_style(style(template).with_key("rate", rate))
            .with_position(self.done)
            .with_elapsed(self.began.elapsed());
        self.progress.bar = Some(show(bar));
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        match &self.progress.bar {
            Some(b) => b.set_position(self.done),
            None if self.allowed && self.done > LARGE_REPORT => self.start(),
            None => {}
        }
        Ok(n)
    }
}
