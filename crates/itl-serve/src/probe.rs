//! Scheduled probes: the phones of `--probe` and `--ris` asked on their own web pages every
//! `--probe-every`, on a thread of their own (the probe engine blocks; the web page and the
//! syslog receivers never wait for it), never more than `--jobs` at once. Answers go to the
//! writer like reports ([`crate::ingest::Cmd::Probes`]); how they are stored is in
//! [`crate::store::add_probes`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use itl::devicetlinfo::{Probed, Reason};
use itl_transport::probe::{self as engine, Progress};
use itl_transport::ris;
use serde::Serialize;

use crate::ingest::Cmd;
use crate::{ProbeOptions, Shared};

pub use itl_transport::ris::PASSWORD_VAR;
/// `--probe-every` when not given.
const DEFAULT_EVERY: Duration = Duration::from_secs(6 * 3600);
/// The shortest `--probe-every` (other than `0`): phones are not a load test.
const MIN_EVERY: Duration = Duration::from_secs(60);

/// What to ask, how, and how often: the options checked at start.
#[derive(Debug)]
pub struct Plan {
    /// `--probe` as given (re-read each run: an `@FILE` may change).
    targets: Vec<String>,
    /// `--ris` with its user, password and CA.
    ris: Option<ris::Options>,
    /// How phones are reached.
    phone: engine::Options,
    /// `None`: once at start.
    every: Option<Duration>,
}

/// `6h`, `30m`, `1h30m`, `90s`, `1d`; `0` is `None` (once).
fn duration(s: &str) -> Result<Option<Duration>, String> {
    let t = s.trim();
    if t == "0" {
        return Ok(None);
    }
    let bad = || format!("--probe-every {s}: write a duration such as 6h, 30m or 1h30m (0: once at start)");
    let d: jiff::SignedDuration = t.parse().map_err(|_| bad())?;
    let d = Duration::try_from(d).map_err(|_| bad())?;
    if d < MIN_EVERY {
        return Err(format!(
            "--probe-every {s}: at least 1m (or 0: once at start), so the phones are not asked without pause"
        ));
    }
    Ok(Some(d))
}

impl Plan {
    /// The plan `o` asks for, checked (every `--probe` resolved once, the RIS password and
    /// CA read), or `None` when nothing is to be probed.
    pub fn new(o: &ProbeOptions) -> Result<Option<Plan>, String> {
        if o.targets.is_empty() && o.ris.is_none() {
            return Ok(None);
        }
        for t in &o.targets {
            engine::targets(t).map_err(|e| format!("--probe {t}: {e}"))?;
        }
        let ris = match &o.ris {
            None => None,
            Some(url) => {
                ris::check_url(url).map_err(|e| format!("--ris: {e}"))?;
                let user = o.ris_user.clone().ok_or("--ris needs --ris-user USER")?;
                let password = match &o.ris_password_file {
                    Some(f) => {
                        let text = std::fs::read_to_string(f)
                            .map_err(|e| format!("--ris-password-file {f}: cannot read: {e}"))?;
                        text.trim_end_matches(['\r', '\n']).to_owned()
                    }
                    None => std::env::var(PASSWORD_VAR).map_err(|_| {
                        format!(
                            "--ris: set the RIS password in the environment variable {PASSWORD_VAR} \
                             or give --ris-password-file FILE (a service has no terminal to ask on)"
                        )
                    })?,
                };
                if password.is_empty() {
                    return Err("--ris: the RIS password is empty".into());
                }
                let ca_pem = match &o.ris_ca {
                    Some(f) => Some(std::fs::read(f).map_err(|e| format!("--ris-ca {f}: cannot read: {e}"))?),
                    None => None,
                };
                Some(ris::Options { url: url.clone(), user, password, ca_pem })
            }
        };
        let d = engine::Options::default();
        let jobs = o.jobs.unwrap_or(d.jobs);
        if jobs == 0 {
            return Err("--jobs 0: ask at least one phone at a time".into());
        }
        let timeout_ms = o.timeout_ms.unwrap_or(3000);
        if timeout_ms == 0 {
            return Err("--timeout-ms 0: give the phones some time (the default is 3000)".into());
        }
        let phone = engine::Options {
            port: o.phone_port.unwrap_or(engine::default_port(o.phone_https)),
            https: o.phone_https,
            jobs,
            timeout: Duration::from_millis(timeout_ms),
        };
        let every = match &o.every {
            Some(s) => duration(s)?,
            None => Some(DEFAULT_EVERY),
        };
        Ok(Some(Plan { targets: o.targets.clone(), ris, phone, every }))
    }

    /// The start-up line: what is asked, how often.
    pub fn describe(&self) -> String {
        let mut what = Vec::new();
        if !self.targets.is_empty() {
            what.push(format!("{} --probe", self.targets.len()));
        }
        if let Some(r) = &self.ris {
            what.push(format!("RIS {}", ris::shown_url(&r.url)));
        }
        let when = match self.every {
            None => "once".to_owned(),
            Some(d) => {
                format!("every {}", jiff::SignedDuration::try_from(d).map(|d| format!("{d:#}")).unwrap_or_default())
            }
        };
        format!("probing {} {when}, at most {} phones at once", what.join(" and "), self.phone.jobs)
    }
}

/// One run's counts, as `devices --json`'s `probe` object has them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Addresses asked.
    pub asked: u64,
    /// Phones whose page gave trust rows.
    pub answered: u64,
    /// No connection, refused, timed out.
    pub unreachable: u64,
    /// An HTTP error status.
    pub no_web_access: u64,
    /// An answer without trust rows.
    pub not_understood: u64,
}

impl Counts {
    fn add(&mut self, p: &Probed) {
        self.asked += 1;
        match &p.page {
            Ok(page) if page.has_trust_rows() => self.answered += 1,
            Ok(_) | Err(Reason::NotUnderstood) => self.not_understood += 1,
            Err(Reason::Unreachable) => self.unreachable += 1,
            Err(Reason::NoWebAccess) => self.no_web_access += 1,
        }
    }

    fn plus(&mut self, o: &Counts) {
        self.asked += o.asked;
        self.answered += o.answered;
        self.unreachable += o.unreachable;
        self.no_web_access += o.no_web_access;
        self.not_understood += o.not_understood;
    }

    /// Phones that could not be read.
    pub fn failed(&self) -> u64 {
        self.unreachable + self.no_web_access + self.not_understood
    }
}

/// One run: when, what it found, what went wrong.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Run {
    /// Start, RFC 3339.
    pub started: String,
    /// End, RFC 3339 (none while it runs).
    pub ended: Option<String>,
    /// Addresses in the run (from `--probe` and RIS, each once).
    pub total: u64,
    /// The counts so far.
    #[serde(flatten)]
    pub counts: Counts,
    /// Phones RIS listed (none without `--ris`, or when RIS failed).
    pub ris_listed: Option<u64>,
    /// What could not be used: a RIS request that failed, an `@FILE` no longer readable.
    pub errors: Vec<String>,
}

/// The probe state of `/api/health`, `/fleet` and `/metrics`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// Seconds between runs (none: once at start).
    pub every_s: Option<u64>,
    /// The run under way.
    pub running: Option<Run>,
    /// The last run that ended.
    pub last: Option<Run>,
    /// When the next run starts, RFC 3339.
    pub next: Option<String>,
    /// Runs ended since the server started.
    pub runs: u64,
    /// Every phone asked since the server started, by result.
    pub total: Counts,
}

/// The shared probe state: `None` when nothing is probed.
#[derive(Debug, Default)]
pub struct State {
    status: Option<Mutex<Status>>,
}

fn now_text() -> String {
    jiff::Timestamp::now().round(jiff::Unit::Second).map(|t| t.to_string()).unwrap_or_default()
}

impl State {
    /// The state for `plan` (none: nothing is probed).
    pub fn new(plan: Option<&Plan>) -> State {
        State {
            status: plan.map(|p| Mutex::new(Status { every_s: p.every.map(|d| d.as_secs()), ..Status::default() })),
        }
    }

    /// The state now, or `None` when nothing is probed.
    pub fn status(&self) -> Option<Status> {
        self.status.as_ref().map(|m| m.lock().map(|s| s.clone()).unwrap_or_default())
    }

    fn update(&self, f: impl FnOnce(&mut Status)) {
        if let Some(m) = &self.status {
            if let Ok(mut s) = m.lock() {
                f(&mut s);
            }
        }
    }

    /// What went wrong in the last run, for `/api/health` and `/fleet`.
    pub fn problems(&self) -> Vec<String> {
        let Some(s) = self.status() else { return Vec::new() };
        s.last.map(|r| r.errors.iter().map(|e| format!("probes: {e}")).collect()).unwrap_or_default()
    }
}

/// Starts the probe thread: a run at once, then one every `plan.every` until `stop`.
/// `tx` is the way to the writer; the thread ends when it is taken away.
pub fn start(
    plan: Plan,
    shared: Arc<Shared>,
    tx: Arc<Mutex<Option<SyncSender<Cmd>>>>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    std::thread::Builder::new().name("itlctl-probe".into()).spawn(move || loop {
        if !run_once(&plan, &shared.probe, &tx, &stop) {
            return;
        }
        let Some(every) = plan.every else { return };
        let next = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::try_from(every).unwrap_or_default())
            .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
            .ok();
        shared.probe.update(|s| s.next = next);
        let Some(until) = Instant::now().checked_add(every) else { return };
        while Instant::now() < until {
            if stop.load(Ordering::Relaxed) || tx.lock().map(|t| t.is_none()).unwrap_or(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(250).min(until.saturating_duration_since(Instant::now())));
        }
    })?;
    Ok(())
}

/// The longest model name or TVS name kept, and the most TVS rows: the page reader's.
use itl::devicetlinfo::page::{MAX_TVS, MAX_VALUE_BYTES as MAX_NAME};

/// `p` with what its page says checked as a report is ([`crate::check::report`]): a page
/// whose device name, TFTP server or signatures could not be a report's is not understood;
/// a model or TVS name with control characters or too long is left out.
fn checked(mut p: Probed) -> Probed {
    let name_ok = |s: &String| s.len() <= MAX_NAME && !s.chars().any(|c| c.is_control());
    if let Ok(page) = &mut p.page {
        if page.has_trust_rows() {
            let mut r = page.to_report(&p.address);
            if r.device_name.is_none() {
                r.device_name = Some(p.address.clone());
            }
            if !crate::check::report(&mut r) {
                p.page = Err(Reason::NotUnderstood);
                return p;
            }
            page.model = page.model.take().filter(name_ok);
            page.tvs.retain(name_ok);
            page.tvs.truncate(MAX_TVS);
        }
    }
    p
}

/// Addresses asked per call of the engine: the answers are stored as each slice ends, and a
/// stop is seen between slices.
fn slice_len(jobs: usize) -> usize {
    jobs.saturating_mul(4).clamp(64, 4096)
}

/// Hands `cmd` to the writer; `false` when the writer is gone (the server is stopping).
fn send(tx: &Mutex<Option<SyncSender<Cmd>>>, cmd: Cmd) -> bool {
    match tx.lock() {
        Ok(t) => t.as_ref().is_some_and(|t| t.send(cmd).is_ok()),
        Err(_) => false,
    }
}

/// One run. Returns `false` when the server is stopping.
pub(crate) fn run_once(plan: &Plan, state: &State, tx: &Mutex<Option<SyncSender<Cmd>>>, stop: &AtomicBool) -> bool {
    let mut run = Run { started: now_text(), ..Run::default() };
    state.update(|s| {
        s.running = Some(run.clone());
        s.next = None;
    });
    let mut addresses = Vec::new();
    for t in &plan.targets {
        match engine::targets(t) {
            Ok(a) => addresses.extend(a),
            Err(e) => run.errors.push(format!("--probe {t}: {e}")),
        }
    }
    if let Some(r) = &plan.ris {
        match ris::list_phones(r) {
            Ok(phones) => {
                run.ris_listed = Some(phones.len() as u64);
                addresses.extend(phones.into_iter().map(|p| p.address).filter(|a| !a.is_empty()));
            }
            Err(e) => run.errors.push(format!("RIS {}: {e}", ris::shown_url(&r.url))),
        }
    }
    let mut seen = std::collections::HashSet::new();
    // An address is a report's field too: no control characters, no longer than a host name.
    addresses.retain(|a| a.len() <= MAX_NAME && !a.chars().any(char::is_control) && seen.insert(a.clone()));
    drop(seen);
    run.total = addresses.len() as u64;
    state.update(|s| s.running = Some(run.clone()));
    let mut done = Counts::default();
    for slice in addresses.chunks(slice_len(plan.phone.jobs)) {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let base = done;
        let progress = |p: Progress| {
            state.update(|s| {
                if let Some(r) = &mut s.running {
                    r.counts.asked = base.asked + p.asked as u64;
                    r.counts.answered = base.answered + p.answered as u64;
                }
            })
        };
        let answers: Vec<Probed> = engine::probe_all(slice, &plan.phone, &progress).into_iter().map(checked).collect();
        let mut c = Counts::default();
        for a in &answers {
            c.add(a);
        }
        done.plus(&c);
        run.counts = done;
        state.update(|s| s.running = Some(run.clone()));
        if !send(tx, Cmd::Probes(answers)) {
            return false;
        }
    }
    // The run ends when its rows can be read: `/api/health` never shows a run whose answers
    // the writer still holds.
    let (ack, written) = std::sync::mpsc::sync_channel(1);
    if !send(tx, Cmd::Sync(ack)) {
        return false;
    }
    loop {
        match written.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(()) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => {}
            Err(_) => return false,
        }
    }
    run.ended = Some(now_text());
    for e in &run.errors {
        eprintln!("itlctl: probes: {e}");
    }
    state.update(|s| {
        s.running = None;
        s.runs += 1;
        s.total.plus(&run.counts);
        s.last = Some(run);
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_could_not_be_a_report_is_not_understood() {
        let page = |device: &str, itl: &str| itl::devicetlinfo::PhonePage {
            device_name: Some(device.into()),
            itl_signature: Some(itl.into()),
            model: Some("CP-7841\u{7}".into()),
            tvs: vec!["cucm-pub".into(), "x".repeat(300)],
            ..Default::default()
        };
        let one = |p| checked(Probed { address: "10.0.0.1".into(), at: 0, page: Ok(p) });
        let sha1 = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
        let good = one(page("SEP5006AB806306", sha1)).page.unwrap();
        assert_eq!((good.model, good.tvs), (None, vec!["cucm-pub".to_owned()]));
        assert_eq!(one(page("SEP<script>", sha1)).page, Err(Reason::NotUnderstood));
        assert_eq!(one(page("SEP1", "28 0A D9")).page, Err(Reason::NotUnderstood), "a cut signature");
    }

    #[test]
    fn durations() {
        assert_eq!(duration("0").unwrap(), None);
        assert_eq!(duration("6h").unwrap(), Some(Duration::from_secs(21_600)));
        assert_eq!(duration("1h30m").unwrap(), Some(Duration::from_secs(5_400)));
        assert_eq!(duration("90s").unwrap(), Some(Duration::from_secs(90)));
        assert!(duration("5s").unwrap_err().contains("at least 1m"));
        assert!(duration("soon").unwrap_err().contains("--probe-every soon"));
        assert!(duration("-6h").is_err());
    }

    #[test]
    fn a_ris_without_a_password_names_the_variable() {
        // The variable is not set by the test environment for this name.
        if std::env::var(PASSWORD_VAR).is_ok() {
            return;
        }
        let o =
            ProbeOptions { ris: Some("https://cucm".into()), ris_user: Some("u".into()), ..ProbeOptions::default() };
        let e = Plan::new(&o).unwrap_err();
        assert!(e.contains(PASSWORD_VAR), "{e}");
        let o = ProbeOptions { ris: Some("https://cucm".into()), ..ProbeOptions::default() };
        assert!(Plan::new(&o).unwrap_err().contains("--ris-user"));
    }

    #[test]
    fn the_config_file_takes_the_probe_settings_under_the_flags_names() {
        let dir = std::env::temp_dir().join(format!("itlctl-probe-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("serve.toml");
        std::fs::write(
            &f,
            "probe = [\"10.1.20.0/24\", \"@phones.txt\"]\nris = \"https://cucm-pub\"\nris-user = \"r\"\n\
             ris-ca = \"ca.pem\"\nris-password-file = \"pw\"\nprobe-every = \"0\"\nphone-port = 8080\n\
             phone-https = true\njobs = 8\ntimeout-ms = 500\n",
        )
        .unwrap();
        let cli = crate::Config { jobs: Some(16), ..Default::default() };
        let o = crate::Options::from_config(cli, Some(f.to_str().unwrap())).unwrap().probe;
        assert_eq!(o.targets, ["10.1.20.0/24", "@phones.txt"]);
        assert_eq!(
            (o.ris.as_deref(), o.ris_user.as_deref(), o.ris_ca.as_deref()),
            (Some("https://cucm-pub"), Some("r"), Some("ca.pem"))
        );
        assert_eq!((o.ris_password_file.as_deref(), o.every.as_deref()), (Some("pw"), Some("0")));
        assert_eq!((o.phone_port, o.phone_https, o.jobs, o.timeout_ms), (Some(8080), true, Some(16), Some(500)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_password_file_is_read_and_never_shown() {
        let dir = std::env::temp_dir().join(format!("itlctl-ris-pw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw");
        std::fs::write(&f, "s3cret-Pa55\n").unwrap();
        let o = ProbeOptions {
            ris: Some("https://cucm".into()),
            ris_user: Some("u".into()),
            ris_password_file: Some(f.to_string_lossy().into_owned()),
            ..ProbeOptions::default()
        };
        let plan = Plan::new(&o).unwrap().unwrap();
        assert_eq!(plan.ris.as_ref().unwrap().password, "s3cret-Pa55");
        assert!(!format!("{plan:?}").contains("s3cret"));
        assert!(!plan.describe().contains("s3cret"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
