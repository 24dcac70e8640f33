//! CUCM's RisPort70 (`SelectCmDevice`): every phone CUCM knows and its address, over HTTPS
//! with basic authentication, paged and throttle-aware.
//!
//! One listing is a series of `selectCmDevice` requests to
//! `https://CUCM:8443/realtimeservice2/services/RISService70`, each for at most 1000 devices
//! of class Phone, the next one continuing from the `StateInfo` the previous answer returned,
//! until an answer holds fewer than 1000 devices or no new `StateInfo`. Answers are read as
//! they arrive (`ris/soap.rs`); only the result rows stay in memory. A phone listed by several
//! nodes is kept once, its entry with the newest `TimeStamp` (among entries that give an
//! address). Pages are paced ([`Control::pace`]); a throttled or failed request is retried
//! after 1 s, 2 s, 4 s, 8 s (at most 5 attempts). TLS, with pinning: `ris/tls.rs`.
//!
//! What the RIS user needs, what a listing costs CUCM and how pinning works: `docs/ris.md`.

mod soap;
mod tls;

use std::collections::hash_map::Entry as Slot;
use std::collections::HashMap;
use std::io::BufReader;
use std::time::Duration;

use base64::Engine as _;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector as _, TcpConnector};

use crate::{Error, ErrorKind};

/// The environment variable the RIS password is read from (the password is never an argument).
pub const PASSWORD_VAR: &str = "ITLCTL_RIS_PASSWORD";

/// The service path on CUCM, added to a URL that gives none.
pub const SERVICE_PATH: &str = "/realtimeservice2/services/RISService70";
/// CUCM's port for RIS (Tomcat), used when the URL names none.
pub const DEFAULT_PORT: u16 = 8443;
/// Attempts of one request when CUCM throttles or fails it.
pub const ATTEMPTS: u32 = 5;
/// The first pause before a retry; each further one doubles it.
pub const FIRST_RETRY_WAIT: Duration = Duration::from_secs(1);

/// Most pages one listing follows (a million devices) before giving up.
const MAX_PAGES: usize = 1000;
/// Largest answer accepted (a 1000-device answer is about 2 MB).
const BODY_MAX: u64 = 64 << 20;
/// Most distinct phones one listing keeps (CUCM clusters hold at most some 80,000 devices).
const MAX_PHONES: usize = 1_000_000;

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
        f.debug_struct("Options").field("url", &shown_url(&self.url)).field("user", &self.user).finish_non_exhaustive()
    }
}

/// `url` as it may be printed: without a user or password written into it (which
/// [`list_phones`] refuses, but a caller's message may still quote).
pub fn shown_url(url: &str) -> String {
    match url.rsplit_once('@') {
        None => url.to_owned(),
        Some((before, host)) => match before.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…@{host}"),
            None => format!("…@{host}"),
        },
    }
}

/// Checks `url` as [`list_phones`] will, without asking anything (for a server that
/// refuses a bad URL at start).
pub fn check_url(url: &str) -> Result<(), Error> {
    endpoint(url).map(|_| ())
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

/// How far a listing has come, reported after each answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Answers (pages) read.
    pub pages: usize,
    /// Device entries in them, every node and class counted.
    pub entries: usize,
    /// Distinct phones so far.
    pub phones: usize,
}

/// How a listing waits and reports. [`Control::default`] sleeps for real, reports nothing,
/// bounds each request to 60 s and paces pages 4 s apart; tests pass a recording `sleep`.
pub struct Control<'a> {
    /// Waits this long (between pages, before a retry).
    pub sleep: &'a (dyn Fn(Duration) + Sync),
    /// Called after each answer.
    pub progress: &'a (dyn Fn(Progress) + Sync),
    /// The longest one request may take (connect, send, the whole answer).
    pub timeout: Duration,
    /// The pause between two pages. CUCM allows 15 RIS requests a minute by default, shared
    /// by every RIS client of the cluster; 4 s keeps a listing at that rate.
    pub pace: Duration,
}

fn real_sleep(d: Duration) {
    std::thread::sleep(d);
}

fn no_progress(_: Progress) {}

impl Default for Control<'static> {
    fn default() -> Self {
        Control {
            sleep: &real_sleep,
            progress: &no_progress,
            timeout: Duration::from_secs(60),
            pace: Duration::from_secs(4),
        }
    }
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").field("timeout", &self.timeout).field("pace", &self.pace).finish_non_exhaustive()
    }
}

/// Every phone (`DeviceClass` Phone) CUCM knows, once each, sorted by name.
pub fn list_phones(opts: &Options) -> Result<Vec<RisPhone>, Error> {
    list_phones_with(opts, &Control::default())
}

/// [`list_phones`] with the waits, progress reports and bounds of `ctl`.
pub fn list_phones_with(opts: &Options, ctl: &Control<'_>) -> Result<Vec<RisPhone>, Error> {
    let ep = endpoint(&opts.url)?;
    let extra = match &opts.ca_pem {
        Some(pem) => tls::certificates(pem).map_err(|m| Error::new(ErrorKind::Tls, m))?,
        None => Vec::new(),
    };
    let tls_config = tls::client_config(&extra).map_err(|m| Error::new(ErrorKind::Tls, m))?;
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(ctl.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("itlctl/", env!("CARGO_PKG_VERSION")))
        .build();
    let connector = ().chain(TcpConnector::default()).chain(tls::Connector { config: tls_config });
    let agent = ureq::Agent::with_parts(config, connector, DefaultResolver::default());
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", opts.user, opts.password))
    );
    let ask = Ask { agent: &agent, ep: &ep, auth: &auth, user: &opts.user, ctl };

    let mut phones: HashMap<String, RisPhone> = HashMap::new();
    let mut state = String::new();
    let mut progress = Progress::default();
    loop {
        if progress.pages > 0 && !ctl.pace.is_zero() {
            (ctl.sleep)(ctl.pace);
        }
        let page = ask.page(&state, &mut |e| merge(&mut phones, e))?;
        progress.pages += 1;
        progress.entries += page.entries;
        progress.phones = phones.len();
        (ctl.progress)(progress);
        if phones.len() > MAX_PHONES {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("RIS at {} listed more than {MAX_PHONES} phones; stopped: check the URL", ep.place),
            ));
        }
        if page.entries < soap::MAX_RETURNED || page.state_info.is_empty() || page.state_info == state {
            break;
        }
        if progress.pages >= MAX_PAGES {
            return Err(Error::new(
                ErrorKind::Soap,
                format!(
                    "RIS at {} kept answering full pages past {MAX_PAGES} requests ({} entries); stopped: check the CUCM's RIS service",
                    ep.place, progress.entries
                ),
            ));
        }
        state = page.state_info;
    }
    let mut out: Vec<RisPhone> = phones.into_values().collect();
    out.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Keeps `e` if it is a phone with an address and newer than what is kept for its name.
fn merge(phones: &mut HashMap<String, RisPhone>, e: soap::Entry) {
    if e.name.is_empty() || e.address.is_empty() {
        return;
    }
    if !e.class.is_empty() && !e.class.eq_ignore_ascii_case("Phone") {
        return;
    }
    match phones.entry(e.name) {
        Slot::Occupied(mut o) => {
            if e.timestamp > o.get().timestamp {
                let p = o.get_mut();
                p.address = e.address;
                p.timestamp = e.timestamp;
            }
        }
        Slot::Vacant(v) => {
            let name = v.key().clone();
            v.insert(RisPhone { name, address: e.address, timestamp: e.timestamp });
        }
    }
}

/// The service URL and `host:port` for messages.
struct Endpoint {
    url: String,
    place: String,
}

/// `https://HOST[:PORT][/path]` (scheme optional) → the service URL: port 8443 when none is
/// given, the service path when none is given. No user or password in it.
fn endpoint(raw: &str) -> Result<Endpoint, Error> {
    let raw = raw.trim();
    let full = if raw.contains("://") { raw.to_owned() } else { format!("https://{raw}") };
    let bad = |why: String| Error::new(ErrorKind::Url, why);
    let mut u = url::Url::parse(&full)
        .map_err(|e| bad(format!("cannot read the RIS URL {raw:?} ({e}): give https://CUCM or https://CUCM:8443")))?;
    if u.scheme() != "https" {
        return Err(bad(format!("the RIS URL {raw:?} is not https: CUCM serves RIS over HTTPS (https://CUCM:8443)")));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad(
            "the RIS URL must not carry a user or password: name the user apart, the password is never an argument"
                .into(),
        ));
    }
    let host = match u.host_str() {
        Some(h) if !h.is_empty() => h.to_owned(),
        _ => return Err(bad(format!("the RIS URL {raw:?} names no host: give https://CUCM or https://CUCM:8443"))),
    };
    if u.port().is_none() && !explicit_port(&full) {
        u.set_port(Some(DEFAULT_PORT)).map_err(|()| bad(format!("cannot set the port of the RIS URL {raw:?}")))?;
    }
    if matches!(u.path(), "" | "/") {
        u.set_path(SERVICE_PATH);
    }
    u.set_fragment(None);
    let port = u.port_or_known_default().unwrap_or(DEFAULT_PORT);
    Ok(Endpoint { url: u.into(), place: format!("{host}:{port}") })
}

/// Whether the authority of `url` (after `://`) gives a port, even the scheme's default one
/// (which the `url` crate drops).
fn explicit_port(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rfind(']') {
        Some(i) => authority[i..].contains(':'),
        None => authority.contains(':'),
    }
}

/// One request's outcome when it is not an answer.
enum Fail {
    /// Retrying cannot help (wrong password, certificate, URL).
    Final(Error),
    /// Retry after a pause (at least `after`, when the server asked for one).
    Retry(Error, Option<Duration>),
}

/// What every request of a listing shares.
struct Ask<'a> {
    agent: &'a ureq::Agent,
    ep: &'a Endpoint,
    auth: &'a str,
    user: &'a str,
    ctl: &'a Control<'a>,
}

impl Ask<'_> {
    /// One page, retried as the module says.
    fn page(&self, state: &str, each: &mut dyn FnMut(soap::Entry)) -> Result<soap::Page, Error> {
        let mut wait = FIRST_RETRY_WAIT;
        let mut attempt = 1;
        loop {
            match self.once(state, each) {
                Ok(p) => return Ok(p),
                Err(Fail::Final(e)) => return Err(e),
                Err(Fail::Retry(e, after)) => {
                    if attempt >= ATTEMPTS {
                        return Err(Error::new(e.kind(), format!("{e} (still so after {ATTEMPTS} attempts)")));
                    }
                    (self.ctl.sleep)(wait.max(after.unwrap_or_default()));
                    wait *= 2;
                    attempt += 1;
                }
            }
        }
    }

    fn once(&self, state: &str, each: &mut dyn FnMut(soap::Entry)) -> Result<soap::Page, Fail> {
        let place = &self.ep.place;
        let resp = self
            .agent
            .post(&self.ep.url)
            .header("Authorization", self.auth)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"selectCmDevice\"")
            .send(soap::request(state))
            .map_err(|e| transport_failure(&e, place))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(120)));
        match status {
            401 => {
                return Err(Fail::Final(Error::new(
                    ErrorKind::Auth,
                    format!("RIS at {place} refused user {:?} (HTTP 401): check the user name and password", self.user),
                )))
            }
            403 => {
                return Err(Fail::Final(Error::new(
                    ErrorKind::Auth,
                    format!(
                        "RIS at {place} denied user {:?} (HTTP 403): give it the Standard CCM Admin Users and Standard SERVICEABILITY Read Only roles",
                        self.user
                    ),
                )))
            }
            404 => {
                return Err(Fail::Final(Error::new(
                    ErrorKind::Server,
                    format!("no RIS service at {} (HTTP 404): check the host and port (CUCM serves RIS on 8443)", self.ep.url),
                )))
            }
            503 => {
                return Err(Fail::Retry(
                    Error::new(ErrorKind::Server, format!("RIS at {place} is busy or throttling (HTTP 503)")),
                    retry_after,
                ))
            }
            200 | 500 => {}
            other => {
                return Err(Fail::Final(Error::new(
                    ErrorKind::Server,
                    format!("RIS at {place} answered HTTP {other}: check the URL and that the Cisco RIS Data Collector service runs"),
                )))
            }
        }
        let body = resp.into_body().into_with_config().limit(BODY_MAX).reader();
        let page = match soap::read_page(BufReader::with_capacity(64 << 10, body), each) {
            Ok(p) => p,
            Err(soap::ReadError::Io(e)) => return Err(body_failure(e, place)),
            Err(soap::ReadError::Xml(why)) => {
                let e = Error::new(
                    ErrorKind::Soap,
                    format!("RIS at {place} sent an answer that is not RIS XML ({why}): check the URL"),
                );
                return Err(if status == 500 { Fail::Retry(e, None) } else { Fail::Final(e) });
            }
        };
        if let Some((code, text)) = &page.fault {
            let text = one_line(text);
            if soap::is_throttle(code, &text) {
                return Err(Fail::Retry(
                    Error::new(
                        ErrorKind::Server,
                        format!("RIS at {place} throttles requests ({text}): wait a minute, or raise the enterprise parameter Allowed Device Queries Per Minute"),
                    ),
                    retry_after,
                ));
            }
            return Err(Fail::Retry(
                Error::new(ErrorKind::Soap, format!("RIS at {place} answered a SOAP fault: {} {text}", one_line(code))),
                None,
            ));
        }
        if !page.answered {
            let e = Error::new(
                ErrorKind::Soap,
                format!("RIS at {place} answered without a selectCmDevice result: check the URL"),
            );
            return Err(if status == 500 { Fail::Retry(e, None) } else { Fail::Final(e) });
        }
        if status == 500 {
            return Err(Fail::Retry(Error::new(ErrorKind::Server, format!("RIS at {place} answered HTTP 500")), None));
        }
        Ok(page)
    }
}

/// A request that got no HTTP answer.
fn transport_failure(e: &ureq::Error, place: &str) -> Fail {
    match e {
        ureq::Error::Rustls(r) => Fail::Final(Error::new(
            ErrorKind::Tls,
            format!("the TLS certificate of {place} did not verify ({r}): pass CUCM's Tomcat certificate or the CA that signed it (--ris-ca PEM)"),
        )),
        ureq::Error::Tls(r) => Fail::Final(Error::new(ErrorKind::Tls, format!("TLS to {place} failed: {r}"))),
        ureq::Error::HostNotFound => Fail::Final(Error::new(
            ErrorKind::Resolve,
            format!("cannot resolve the RIS host of {place}: check the name in the URL"),
        )),
        ureq::Error::BadUri(u) => Fail::Final(Error::new(ErrorKind::Url, format!("bad RIS URL: {u}"))),
        other => Fail::Retry(
            Error::new(ErrorKind::Network, format!("cannot reach RIS at {place} ({other}): check the host, the port (8443) and the network")),
            None,
        ),
    }
}

/// A read of the answer body that broke.
fn body_failure(e: std::io::Error, place: &str) -> Fail {
    if let Some(ureq::Error::BodyExceedsLimit(n)) = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
        return Fail::Final(Error::new(
            ErrorKind::TooLarge,
            format!("RIS at {place} sent an answer larger than {n} bytes"),
        ));
    }
    Fail::Retry(Error::new(ErrorKind::Network, format!("the answer of RIS at {place} broke off ({e})")), None)
}

/// `s` on one line, at most 300 characters.
fn one_line(s: &str) -> String {
    let mut out: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((i, _)) = out.char_indices().nth(300) {
        out.truncate(i);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_adds_port_and_path() {
        let e = endpoint("https://cucm-pub").unwrap();
        assert_eq!(e.url, "https://cucm-pub:8443/realtimeservice2/services/RISService70");
        assert_eq!(e.place, "cucm-pub:8443");
        assert_eq!(
            endpoint("https://cucm-pub:8443/").unwrap().url,
            "https://cucm-pub:8443/realtimeservice2/services/RISService70"
        );
        assert_eq!(
            endpoint("cucm-pub:9443").unwrap().url,
            "https://cucm-pub:9443/realtimeservice2/services/RISService70"
        );
        assert_eq!(endpoint("https://cucm-pub:443").unwrap().place, "cucm-pub:443");
        assert_eq!(endpoint("https://[2001:db8::1]").unwrap().place, "[2001:db8::1]:8443");
        assert_eq!(endpoint("https://[2001:db8::1]:443").unwrap().place, "[2001:db8::1]:443");
        assert_eq!(endpoint("https://h/custom/RIS").unwrap().url, "https://h:8443/custom/RIS");
    }

    #[test]
    fn endpoint_refuses_http_credentials_and_no_host() {
        assert_eq!(endpoint("http://cucm").err().map(|e| e.kind()), Some(ErrorKind::Url));
        let e = endpoint("https://admin:s3cret@cucm").err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Url);
        assert!(!e.to_string().contains("s3cret"));
        assert!(endpoint("https://").is_err());
    }

    #[test]
    fn newest_entry_with_an_address_wins_and_other_classes_are_skipped() {
        let mut m = HashMap::new();
        let e = |n: &str, c: &str, t: i64, a: &str| soap::Entry {
            name: n.into(),
            class: c.into(),
            timestamp: t,
            address: a.into(),
        };
        merge(&mut m, e("SEPA", "Phone", 10, "10.0.0.1"));
        merge(&mut m, e("SEPA", "Phone", 20, "10.0.0.2"));
        merge(&mut m, e("SEPA", "Phone", 15, "10.0.0.3"));
        merge(&mut m, e("SEPA", "Phone", 30, ""));
        merge(&mut m, e("GW1", "Gateway", 40, "10.0.0.9"));
        assert_eq!(m.len(), 1);
        assert_eq!(m["SEPA"], RisPhone { name: "SEPA".into(), address: "10.0.0.2".into(), timestamp: 20 });
    }

    #[test]
    fn a_url_with_credentials_is_never_shown_whole() {
        assert_eq!(shown_url("https://admin:s3cret@cucm:8443"), "https://…@cucm:8443");
        assert_eq!(shown_url("admin:s3cret@cucm"), "…@cucm");
        assert_eq!(shown_url("https://cucm"), "https://cucm");
        assert!(check_url("https://admin:s3cret@cucm").unwrap_err().to_string().find("s3cret").is_none());
        assert!(check_url("https://cucm").is_ok());
    }

    #[test]
    fn options_debug_hides_the_password() {
        let o = Options { url: "https://c".into(), user: "u".into(), password: "hunter2".into(), ca_pem: None };
        assert!(!format!("{o:?}").contains("hunter2"));
    }
}
