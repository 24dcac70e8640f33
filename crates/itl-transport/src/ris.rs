//! CUCM's RisPort70 (`SelectCmDevice`): every phone CUCM knows and its address, over HTTPS
//! with basic authentication, paged and throttle-aware.
//!
//! STUB (issue 25): the `ris` helper fills this in; the names below are the interface the
//! CLI, `serve` and the Python package build on. Keep them.

use crate::Error;

/// Where and how to ask.
#[derive(Clone)]
pub struct Options {
    /// `https://cucm-pub` or `https://cucm-pub:8443` (the service path is added).
    pub url: String,
    /// The RIS user.
    pub user: String,
    /// Its password (never printed: `Debug` hides it).
    pub password: String,
    /// PEM of a CA, or of CUCM's own Tomcat certificate (then pinned), added to the system roots.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options").field("url", &self.url).field("user", &self.user).finish_non_exhaustive()
    }
}

/// One phone as RIS lists it (its newest entry over all nodes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RisPhone {
    /// Device name (`SEP…`).
    pub name: String,
    /// Its IP address, as RIS gives it.
    pub address: String,
    /// RIS's `TimeStamp` of that entry (Unix seconds).
    pub timestamp: i64,
}

/// Every phone (`DeviceClass` Phone) CUCM knows, once each.
pub fn list_phones(opts: &Options) -> Result<Vec<RisPhone>, Error> {
    let _ = opts;
    Ok(Vec::new())
}
