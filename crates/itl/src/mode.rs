//! How strictly to read, and where lenient mode keeps what it forgave. Below the header and
//! record parsers, which use it.

use crate::error::{Error, Result};

/// How strictly to read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reject anything CUCM would not write: trailing bytes, containers whose contents do
    /// not add up, duplicate tags, bad UTF-8 in names, missing mandatory header tags.
    #[default]
    Strict,
    /// Recover from those faults and report them in [`TrustList::warnings`](crate::TrustList::warnings). Faults that
    /// leave nothing to read (a header that cannot be parsed) are still errors.
    Lenient,
}

/// Collects the faults that lenient mode forgives.
#[derive(Debug)]
pub(crate) struct Sink {
    mode: Mode,
    pub(crate) warnings: Vec<Error>,
}

impl Sink {
    pub(crate) fn new(mode: Mode) -> Self {
        Sink { mode, warnings: Vec::new() }
    }

    /// `Ok(true)` when `r` is fine, `Ok(false)` when it is a forgiven fault, `Err` in strict mode.
    pub(crate) fn check(&mut self, r: Result<()>) -> Result<bool> {
        match (r, self.mode) {
            (Ok(()), _) => Ok(true),
            (Err(e), Mode::Strict) => Err(e),
            (Err(e), Mode::Lenient) => {
                self.warnings.push(e);
                Ok(false)
            }
        }
    }
}
