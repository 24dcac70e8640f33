//! What commands print: [`outln!`] on stdout, [`report`] on stderr. While a worker thread runs
//! a job item (see `jobs.rs`), what it prints is captured and later written, in argument
//! order, by the calling thread.

use std::cell::RefCell;
use std::fmt;
use std::io::Write;

use super::pipe::{stdout_failed, stdout_gone};
use super::progress::paused;

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

/// Writes to stdout; a closed pipe unwinds quietly to [`super::guard`].
pub fn write_stdout(bytes: &[u8]) {
    if bytes.is_empty() || stdout_gone() {
        return;
    }
    let r = std::io::stdout().lock().write_all(bytes);
    if let Err(e) = r {
        stdout_failed(e);
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
        if !stdout_gone() {
            if let Err(e) = std::io::stdout().flush() {
                stdout_failed(e);
            }
        }
        Ok(())
    }
}

/// Writes to stderr; a failure there has nowhere to be reported, so it is dropped.
pub(super) fn write_stderr(s: &str) {
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
        if super::stdout_terminal() {
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
    if super::quiet() && is_note(message) {
        return;
    }
    if let Some(Line::Err(s)) = captured(Line::Err(format!("itlctl: {path}: {message}\n"))) {
        paused(|| write_stderr(&s));
    }
}
