//! The terminal conventions of docs/cli.md, in one place: a closed pipe ends the program quietly,
//! colour only where it is wanted, progress bars on stderr only when it is a terminal, and
//! `--quiet`.
//!
//! Commands print through [`outln!`] and [`report`]; verdict words go through [`good`], [`bad`]
//! and [`warn`]. While a worker thread runs a job item (see `jobs.rs`), what it prints is
//! captured and later written, in argument order, by the calling thread.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::io::{IsTerminal, Read, Write};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};

use indicatif::{BinaryBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// `--color WHEN`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour (also into a pipe).
    Always,
    /// Never colour.
    Never,
}

static COLOR: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);
static STDOUT_TERMINAL: AtomicBool = AtomicBool::new(false);

/// Sets the conventions for this run from `--color` and `--quiet`.
pub fn configure(color: ColorChoice, quiet: bool) {
    let terminal = std::io::stdout().is_terminal();
    let on = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    COLOR.store(on, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
    STDOUT_TERMINAL.store(terminal, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------------
// Colour

/// A word printed in a colour when colour is on; honours the formatter's width and alignment
/// (`{:<14}`), padding outside the escape codes so columns stay aligned.
pub struct Painted<'a> {
    text: &'a str,
    style: anstyle::Style,
}

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !COLOR.load(Ordering::Relaxed) {
            return f.pad(self.text);
        }
        let width = f.width().unwrap_or(0);
        let fill = width.saturating_sub(self.text.chars().count());
        let (before, after) = match f.align() {
            Some(fmt::Alignment::Right) => (fill, 0),
            Some(fmt::Alignment::Center) => (fill / 2, fill - fill / 2),
            _ => (0, fill),
        };
        write!(f, "{:before$}{}{}{}{:after$}", "", self.style.render(), self.text, self.style.render_reset(), "")
    }
}

fn paint(text: &str, color: anstyle::AnsiColor) -> Painted<'_> {
    Painted { text, style: anstyle::Style::new().fg_color(Some(color.into())) }
}

/// A positive verdict (`valid`, `Match`, `accept`): green.
pub fn good(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Green)
}

/// A negative verdict or an error (`INVALID`, `Mismatch`, `reject`, `error`): red.
pub fn bad(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Red)
}

/// A warning: yellow.
pub fn warn(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Yellow)
}

/// A verdict, status or severity word in its colour: green for `valid`, `Match`, `accept`
/// (and `accept-via-tvs`), red for `INVALID`, `Mismatch`, `reject`, `error`, yellow for
/// `warning`, plain otherwise.
pub fn verdict(word: &str) -> Painted<'_> {
    match word {
        "valid" | "Match" | "accept" | "accept-via-tvs" => good(word),
        "INVALID" | "Mismatch" | "reject" | "error" => bad(word),
        "warning" => warn(word),
        _ => Painted { text: word, style: anstyle::Style::new() },
    }
}

// ---------------------------------------------------------------------------------------------
// Output, capture and the closed pipe

/// One line a job item printed, kept until it is its turn.
pub enum Line {
    /// For stdout.
    Out(String),
    /// For stderr.
    Err(String),
}

thread_local! {
    static CAPTURE: RefCell<Option<Vec<Line>>> = const { RefCell::new(None) };
}

/// Runs `f`, keeping what it prints through this module instead of writing it.
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<Line>) {
    let before = CAPTURE.with(|c| c.borrow_mut().replace(Vec::new()));
    let r = f();
    let lines = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), before)).unwrap_or_default();
    (r, lines)
}

/// Keeps `line` if this thread captures; gives it back otherwise.
fn captured(line: Line) -> Option<Line> {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(v) => {
            v.push(line);
            None
        }
        None => Some(line),
    })
}

/// Writes lines captured by [`capture`], in order, pausing any progress bar as needed; runs of
/// lines for the same stream go out in one write.
pub fn replay(lines: Vec<Line>) {
    if lines.is_empty() {
        return;
    }
    let terminal = STDOUT_TERMINAL.load(Ordering::Relaxed);
    let needs_pause = terminal || lines.iter().any(|l| matches!(l, Line::Err(_)));
    let write = || {
        let (mut out, mut err) = (String::new(), String::new());
        for l in &lines {
            match l {
                Line::Out(s) => {
                    if !err.is_empty() {
                        write_stderr(&std::mem::take(&mut err));
                    }
                    out.push_str(s);
                }
                Line::Err(s) => {
                    if !out.is_empty() {
                        write_stdout(std::mem::take(&mut out).as_bytes());
                    }
                    err.push_str(s);
                }
            }
        }
        write_stdout(out.as_bytes());
        write_stderr(&err);
    };
    if needs_pause {
        paused(write)
    } else {
        write()
    }
}

/// The payload that unwinds to [`guard`] when stdout is a closed pipe.
struct PipeClosed;

/// The payload that unwinds to [`guard`] when stdout cannot be written otherwise.
struct WriteFailed(String);

/// Set once stdout turned out closed or broken: later writes (from destructors flushing while
/// the program unwinds) are dropped instead of unwinding again.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes to stdout; a closed pipe unwinds quietly to [`guard`].
pub fn write_stdout(bytes: &[u8]) {
    if bytes.is_empty() || STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let r = std::io::stdout().lock().write_all(bytes);
    if let Err(e) = r {
        stdout_failed(e);
    }
}

/// Unwinds to [`guard`] after a failed write to stdout.
fn stdout_failed(e: std::io::Error) {
    STDOUT_GONE.store(true, Ordering::Relaxed);
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::panic::resume_unwind(Box::new(PipeClosed));
    }
    std::panic::resume_unwind(Box::new(WriteFailed(e.to_string())));
}

/// Standard output as a writer (for `csv::Writer` and the like) that ends the program quietly
/// on a closed pipe, as [`outln!`] does.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_stdout(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !STDOUT_GONE.load(Ordering::Relaxed) {
            if let Err(e) = std::io::stdout().flush() {
                stdout_failed(e);
            }
        }
        Ok(())
    }
}

fn write_stderr(s: &str) {
    if s.is_empty() {
        return;
    }
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

/// Prints one line on stdout (captured inside a job item). Use through [`outln!`].
pub fn out_line(args: fmt::Arguments<'_>) {
    let mut s = fmt::format(args);
    s.push('\n');
    if let Some(Line::Out(s)) = captured(Line::Out(s)) {
        if STDOUT_TERMINAL.load(Ordering::Relaxed) {
            paused(|| write_stdout(s.as_bytes()));
        } else {
            write_stdout(s.as_bytes());
        }
    }
}

/// `println!` through [`out_line`]: captured in job items, quiet on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::term::out_line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// Whether a message is a note rather than an error: `--quiet` drops those.
fn is_note(message: &str) -> bool {
    message.starts_with("note:") || message.starts_with("warning:")
}

/// Prints `itlctl: FILE: message` on stderr (captured inside a job item); with `--quiet`,
/// messages that are notes (`note: …`, `warning: …`) are dropped.
pub fn report(path: &str, message: &str) {
    if quiet() && is_note(message) {
        return;
    }
    if let Some(Line::Err(s)) = captured(Line::Err(format!("itlctl: {path}: {message}\n"))) {
        paused(|| write_stderr(&s));
    }
}

/// The text of a panic payload, when it is one.
fn panic_text(p: &(dyn Any + Send)) -> Option<&str> {
    p.downcast_ref::<String>().map(String::as_str).or_else(|| p.downcast_ref::<&str>().copied())
}

/// `println!`'s panic on a failed write: "failed printing to stdout: <error>".
fn print_failure(p: &(dyn Any + Send)) -> Option<&str> {
    panic_text(p).and_then(|t| t.strip_prefix("failed printing to stdout: "))
}

/// Whether a panic payload says stdout is a closed pipe: ours, or `println!`'s
/// "failed printing to stdout: Broken pipe".
fn is_closed_pipe(p: &(dyn Any + Send)) -> bool {
    p.is::<PipeClosed>() || print_failure(p).is_some_and(|e| e.starts_with("Broken pipe"))
}

/// Runs a command so that output into a closed pipe ends it quietly with exit code 0, as for
/// `grep`, and any other failed write to stdout (a full disk) with one line and exit code 2,
/// whether the command printed through this module or with `println!`.
pub fn guard(f: impl FnOnce() -> u8) -> u8 {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if print_failure(info.payload()).is_none() && !info.payload().is::<PipeClosed>() {
                previous(info);
            }
        }));
    });
    STDOUT_GONE.store(false, Ordering::Relaxed);
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(code) => code,
        Err(p) if is_closed_pipe(&*p) => {
            clear_bars();
            0
        }
        Err(p) => {
            let why = match (p.downcast_ref::<WriteFailed>(), print_failure(&*p)) {
                (Some(w), _) => w.0.clone(),
                (None, Some(e)) => e.to_owned(),
                (None, None) => std::panic::resume_unwind(p),
            };
            clear_bars();
            write_stderr(&format!("itlctl: cannot write to standard output: {why}\n"));
            crate::input::FAILED
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Progress

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
fn paused<R>(f: impl FnOnce() -> R) -> R {
    if VISIBLE.load(Ordering::Relaxed) > 0 {
        bars().suspend(f)
    } else {
        f()
    }
}

fn clear_bars() {
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
