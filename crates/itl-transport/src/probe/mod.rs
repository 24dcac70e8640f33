//! Asking phones directly: their web pages over HTTP(S), GET only, a bounded number in flight,
//! each request bounded in time and size. The page is read by `itl::devicetlinfo::read_page`.
//!
//! A probe of one phone GETs the network setup page of each model family in
//! [`itl::devicetlinfo::PAGE_PATHS`] until one answers with a page (an HTTP error status moves
//! on to the next family), then that family's device information page for the model. Every
//! request is bounded by [`Options::timeout`] (connect, headers and body), every phone by
//! twice that; a phone gets a second attempt only after a connection failure or a timeout.
//! Redirects are followed only on the phone's own address (at most three); bodies are cut at
//! 1 MiB. The outcome per phone is its [`PhonePage`](itl::devicetlinfo::PhonePage) or a [`Reason`]:
//! - `unreachable`: no connection, refused, reset or timed out, twice;
//! - `no-web-access`: an HTTP error status on every page asked;
//! - `not-understood`: pages without trust rows, a redacted signature (a trust row that is
//!   neither a hash nor `Not Installed`), a redirect off the phone, over 1 MiB, not HTTP.
//!
//! HTTPS (`--phone-https`): the phone's certificate is **not verified**. Phones present a
//! self-signed or CAPF-issued certificate whose name is rarely the address asked, so
//! verification would fail on nearly every phone and there is no CA to pin. The probe sends
//! nothing secret (no credentials, no cookies) and only reads; what an attacker in the path
//! could do is show a false page for that phone, the same as forging its DeviceTLInfo
//! syslog alarm, which travels unauthenticated over UDP. HTTPS therefore protects the page
//! from passive eavesdropping only. This applies to phone probes alone: the RIS client
//! verifies CUCM's certificate.
//!
//! Concurrency: at most [`Options::jobs`] threads, each asking one phone at a time; memory
//! is the result rows and the pages in flight.

mod phone;
mod targets;

pub use phone::{MAX_PAGE_BYTES, USER_AGENT};
pub use targets::{MAX_FILE_BYTES, MAX_TARGETS, MIN_PREFIX_V4, MIN_PREFIX_V6};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use std::time::Duration;

use itl::devicetlinfo::{Probed, Reason};

use crate::Error;

/// How phones are reached.
#[derive(Debug, Clone)]
pub struct Options {
    /// The phones' web port: [`default_port`] when the caller was given none.
    pub port: u16,
    /// HTTPS instead of HTTP.
    pub https: bool,
    /// Phones asked at once (default 64).
    pub jobs: usize,
    /// The longest one request may take (default 3 s, at most [`MAX_TIMEOUT`]); a phone gets
    /// at most two attempts.
    pub timeout: Duration,
}

/// The longest request timeout a probe takes; a longer one is cut to this.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);

/// The phones' web port when none is given: 80, or 443 for phones whose web access is set
/// to HTTPS only.
pub fn default_port(https: bool) -> u16 {
    if https {
        443
    } else {
        80
    }
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
///
/// A file holds one entry a line (`#` starts a comment; an entry may also be a block), or is
/// a CSV export with an `IPAddress`, `IP Address`, `ip` or `IPv4 Address` column (any case;
/// comma, semicolon or tab separated; rows with an empty address are skipped). Errors
/// ([`ErrorKind::Input`](crate::ErrorKind::Input)) name the entry, and for a file its path
/// and line; nothing is asked of any phone here.
///
/// ```
/// let hosts = itl_transport::probe::targets("10.1.20.0/30").unwrap();
/// assert_eq!(hosts, ["10.1.20.1", "10.1.20.2"]);
/// assert!(itl_transport::probe::targets("10.0.0.0/8").is_err());
/// ```
pub fn targets(spec: &str) -> Result<Vec<String>, Error> {
    targets::targets(spec)
}

/// Asks every phone in `addresses`, at most `opts.jobs` at once; `progress` is called after
/// each phone. One [`Probed`] per address, in the order given.
pub fn probe_all(addresses: &[String], opts: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Vec<Probed> {
    let client = phone::Client::new(opts);
    let next = AtomicUsize::new(0);
    let counts = Mutex::new(Progress { total: addresses.len(), ..Progress::default() });
    let slots: Vec<OnceLock<Probed>> = addresses.iter().map(|_| OnceLock::new()).collect();
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let (Some(address), Some(slot)) = (addresses.get(i), slots.get(i)) else { break };
        let page = phone::probe(&client, address);
        {
            let mut p = counts.lock().unwrap_or_else(PoisonError::into_inner);
            p.asked += 1;
            if page.is_ok() {
                p.answered += 1;
            } else {
                p.failed += 1;
            }
            progress(*p);
        }
        let _ = slot.set(Probed { address: address.clone(), at: unix_now(), page });
    };
    let threads = opts.jobs.max(1).min(addresses.len());
    std::thread::scope(|s| {
        for _ in 1..threads {
            // A thread that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().name("itlctl-probe".into()).spawn_scoped(s, worker);
        }
        worker();
    });
    slots
        .into_iter()
        .zip(addresses)
        .map(|(slot, a)| {
            slot.into_inner().unwrap_or_else(|| Probed {
                address: a.clone(),
                at: unix_now(),
                page: Err(Reason::Unreachable),
            })
        })
        .collect()
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Asks one phone (what [`probe_all`] does for each address), for a caller with its own
/// scheduling.
pub fn probe_one(address: &str, opts: &Options) -> Probed {
    let page = phone::probe(&phone::Client::new(opts), address);
    Probed { address: address.to_owned(), at: unix_now(), page }
}
