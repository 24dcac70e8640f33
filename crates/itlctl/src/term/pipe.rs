//! A closed pipe ends the program quietly with exit code 0, as for `grep`; any other failed
//! write to stdout (a full disk) with one line and exit code 2. A failed write unwinds to
//! [`guard`], whether the command printed through [`super::out`] or with `println!`.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use super::out::{discard_stdout, flush_stdout, write_stderr};
use super::progress::clear_bars;

/// The payload that unwinds to [`guard`] when stdout is a closed pipe.
struct PipeClosed;

/// The payload that unwinds to [`guard`] when stdout cannot be written otherwise.
struct WriteFailed(String);

/// Set once stdout turned out closed or broken: later writes (from destructors flushing while
/// the program unwinds) are dropped instead of unwinding again.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Whether stdout turned out closed or broken.
pub(super) fn stdout_gone() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
}

/// Unwinds to [`guard`] after a failed write to stdout.
pub(super) fn stdout_failed(e: std::io::Error) {
    STDOUT_GONE.store(true, Ordering::Relaxed);
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::panic::resume_unwind(Box::new(PipeClosed));
    }
    std::panic::resume_unwind(Box::new(WriteFailed(e.to_string())));
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

/// Runs a command so that output into a closed pipe ends it quietly with exit code 0, and any
/// other failed write to stdout with one line and exit code 2.
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
    discard_stdout();
    let run = || {
        let code = f();
        flush_stdout();
        code
    };
    match std::panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(code) => code,
        Err(p) if is_closed_pipe(&*p) => {
            clear_bars();
            crate::exit::OK
        }
        Err(p) => {
            let why = match (p.downcast_ref::<WriteFailed>(), print_failure(&*p)) {
                (Some(w), _) => w.0.clone(),
                (None, Some(e)) => e.to_owned(),
                (None, None) => std::panic::resume_unwind(p),
            };
            clear_bars();
            write_stderr(&format!("itlctl: cannot write to standard output: {why}\n"));
            crate::exit::FAILED
        }
    }
}
