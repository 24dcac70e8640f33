//! The terminal conventions of docs/cli.md, in one place, one concern a module:
//! - [`color`]: verdict words in colour, only where colour is wanted (`--color`, `NO_COLOR`);
//! - [`out`]: what commands print ([`outln!`], [`report`]) through one buffer, kept in order
//!   while worker threads run job items, and `--quiet`;
//! - [`pipe`]: a closed pipe ends the program quietly (exit 0), any other failed write to
//!   stdout with one line (exit 2);
//! - [`progress`]: progress bars, on stderr only when it is a terminal.

pub mod color;
pub mod out;
pub mod pipe;
pub mod progress;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

pub use color::{bad, good, verdict, ColorChoice};
pub use out::{capture, out_fmt, replay, report, write_stdout, Line, Stdout};
pub(crate) use out::{out, outln};
pub use pipe::guard;
pub use progress::{fetch_bar, progress_reader, Progress, MANY_FILES};

static QUIET: AtomicBool = AtomicBool::new(false);
static STDOUT_TERMINAL: AtomicBool = AtomicBool::new(false);

/// Sets the conventions for this run from `--color` and `--quiet`.
pub fn configure(color: ColorChoice, quiet: bool) {
    let terminal = std::io::stdout().is_terminal();
    color::set(color, terminal);
    QUIET.store(quiet, Ordering::Relaxed);
    STDOUT_TERMINAL.store(terminal, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether stdout is a terminal (then a progress bar is paused around every line).
fn stdout_terminal() -> bool {
    STDOUT_TERMINAL.load(Ordering::Relaxed)
}
