//! What commands print: [`outln!`] and [`out!`] on stdout, [`report`] on stderr.
//!
//! Stdout goes through one buffer, written out in one system call when the command ends, when
//! it holds [`CAPACITY`] bytes, before anything is written to stderr (so that the two streams
//! keep their order when they share a file), and after every line when stdout is a terminal.
//! While a worker thread runs a job item (see `jobs.rs`), what it prints is captured instead
//! and later written, in argument order, by the calling thread.

use std::cell::RefCell;
use std::fmt;
use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::pipe::{stdout_failed, stdout_gone};
use super::progress::paused;

/// Stdout's buffer is written out when it holds this much.
pub const CAPACITY: usize = 64 * 1024;

/// Stdout's one buffer.
static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn buffer() -> MutexGuard<'static, Vec<u8>> {
    BUFFER.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `b` out (one locked write and a flush) and empties it; a failed write unwinds to
/// [`super::guard`].
fn drain(mut b: MutexGuard<'static, Vec<u8>>) {
    if b.is_empty() || stdout_gone() {
        b.clear();
        return;
    }
    let mut out = std::io::stdout().lock();
    let r = out.write_all(&b).and_then(|()| out.flush());
    b.clear();
    drop(out);
    drop(b);
    if let Err(e) = r {
        stdout_failed(e);
    }
}

/// Writes what stdout's buffer holds; a closed pipe unwinds quietly to [`super::guard`].
pub fn flush_stdout() {
    drain(buffer());
}

/// Forgets what stdout's buffer holds (a new run in the same process starts empty).
pub(super) fn discard_stdout() {
    buffer().clear();
}

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

/// Keeps the line `make` gives if this thread captures, and says so.
fn captured(make: impl FnOnce() -> Line) -> bool {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(v) => {
            v.push(make());
            true
        }
        None => false,
    })
}

/// Writes lines captured by [`capture`], in order, pausing any progress bar as needed; runs of
/// lines for the same stream go out together.
pub fn replay(lines: Vec<Line>) {
    if lines.is_empty() {
        return;
    }
    let needs_pause = super::stdout_terminal() || lines.iter().any(|l| matches!(l, Line::Err(_)));
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

/// Writes to stdout (through its buffer); a closed pipe unwinds quietly to [`super::guard`].
pub fn write_stdout(bytes: &[u8]) {
    if bytes.is_empty() || stdout_gone() {
        return;
    }
    let mut b = buffer();
    b.extend_from_slice(bytes);
    if b.len() >= CAPACITY || super::stdout_terminal() {
        drain(b);
    }
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
        flush_stdout();
        Ok(())
    }
}

/// Writes to stderr, after what stdout's buffer holds; a failure there has nowhere to be
/// reported, so it is dropped.
pub(super) fn write_stderr(s: &str) {
    if s.is_empty() {
        return;
    }
    flush_stdout();
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

/// Prints on stdout, with a newline when `newline` (captured inside a job item). Use through
/// [`outln!`] or [`out!`].
pub fn out_fmt(args: fmt::Arguments<'_>, newline: bool) {
    let line = || {
        let mut s = fmt::format(args);
        if newline {
            s.push('\n');
        }
        Line::Out(s)
    };
    if captured(line) || stdout_gone() {
        return;
    }
    let write = || {
        let mut b = buffer();
        // A `Display` that fails has printed what it could, as `print!` would have.
        let _ = b.write_fmt(args);
        if newline {
            b.push(b'\n');
        }
        if b.len() >= CAPACITY || super::stdout_terminal() {
            drain(b);
        }
    };
    if super::stdout_terminal() {
        paused(write)
    } else {
        write()
    }
}

/// `println!` through [`out_fmt`]: buffered, captured in job items, quiet on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::term::out_fmt(format_args!($($arg)*), true)
    };
}
pub(crate) use outln;

/// `print!` through [`out_fmt`]: buffered, captured in job items, quiet on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::term::out_fmt(format_args!($($arg)*), false)
    };
}
pub(crate) use out;

/// Whether a message is a note rather than an error: `--quiet` drops those.
fn is_note(message: &str) -> bool {
    message.starts_with("note:") || message.starts_with("warning:")
}

/// Prints `itlctl: FILE: message` on stderr (captured inside a job item); with `--quiet`,
/// messages that are notes (`note: …`, `warning: …`) are dropped.
pub fn report(path: &str, message: &str) {
    if super::quiet() && is_note(message) {
        return;
    }
    let line = || format!("itlctl: {path}: {message}\n");
    if !captured(|| Line::Err(line())) {
        paused(|| write_stderr(&line()));
    }
}
