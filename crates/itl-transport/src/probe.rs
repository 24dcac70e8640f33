//! Asking phones directly: their web pages over HTTP(S), GET only, a bounded number in flight,
//! each request bounded in time and size. The page is read by `itl::devicetlinfo::read_page`.
//!
//! STUB (issue 25): the `probe` helper fills this in; the names below are the interface the
//! CLI, `serve` and the Python package build on. Keep them.

use std::time::Duration;

use itl::devicetlinfo::Probed;

use crate::Error;

/// How phones are reached.
#[derive(Debug, Clone)]
pub struct Options {
    /// The phones' web port (default 80).
    pub port: u16,
    /// HTTPS instead of HTTP.
    pub https: bool,
    /// Phones asked at once (default 64).
    pub jobs: usize,
    /// The longest one request may take (default 3 s); a phone gets at most two attempts.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { port: 80, https: false, jobs: 64, timeout: Duration::from_millis(3000) }
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Addresses in the run.
    pub total: usize,
    /// Phones asked so far (answered or not).
    pub asked: usize,
    /// Of those, phones whose page gave trust rows.
    pub answered: usize,
    /// Of those, phones that could not be read.
    pub failed: usize,
}

/// The addresses one `--probe ADDR|CIDR|@FILE` names, in order: an address or host name as
/// given; a CIDR block's hosts (refused above /16, or /112 for IPv6); a file's addresses.
pub fn targets(spec: &str) -> Result<Vec<String>, Error> {
    Ok(vec![spec.to_owned()])
}

/// Asks every phone in `addresses`, at most `opts.jobs` at once; `progress` is called after
/// each phone. One [`Probed`] per address, in the order given.
pub fn probe_all(addresses: &[String], opts: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Vec<Probed> {
    let _ = (opts, progress);
    addresses
        .iter()
        .map(|a| Probed { address: a.clone(), at: 0, page: Err(itl::devicetlinfo::Reason::Unreachable) })
        .collect()
}
