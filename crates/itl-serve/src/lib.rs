//! `itlctl serve`: a local web page for trust lists, and a live fleet view fed by CUCM's
//! remote syslog (the contract is docs/serve-api.md).
//!
//! Every format fact comes from the `itl` library: the CiscoLog reader
//! ([`itl::devicetlinfo::syslog`]), the DeviceTLInfo reader and statuses ([`itl::devicetlinfo`]), the
//! `show`/`lint`/`hash`/`diff` text and JSON. This crate only receives, stores and renders.
#![forbid(unsafe_code)]
// Handlers return `Result<_, Response>`: the error is the HTTP answer itself.
#![allow(clippy::result_large_err)]

mod api;
mod check;
mod http;
mod ingest;
mod listen;
mod metrics;
mod pages;
mod plan_page;
mod probe;
mod probe_view;
mod refs;
mod reply;
mod rx;
/// The fleet database; public for the benchmarks (`benches/`), not a stable API.
#[doc(hidden)]
pub mod store;
#[cfg(test)]
mod tests;
mod upload;

use std::net::SocketAddr;
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, RwLock};

pub use listen::Limits;

/// The options of `itlctl serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--listen ADDR:PORT`.
    pub listen: String,
    /// `--db PATH` (`:memory:` keeps nothing).
    pub db: String,
    /// `--syslog udp://|tcp://|tls://ADDR:PORT`.
    pub syslog: Vec<String>,
    /// `--syslog-cert KEY_AND_CERT.pem`.
    pub syslog_cert: Option<String>,
    /// `--itl [HOST=]FILE|DIR`.
    pub itl: Vec<String>,
    /// `--ctl [HOST=]FILE|DIR`.
    pub ctl: Vec<String>,
    /// `--token` (or `ITLCTL_TOKEN`).
    pub token: Option<String>,
    /// `--keep-days`.
    pub keep_days: u32,
    /// `--host NAME`: names the page may be opened by, besides loopback names and the
    /// listen address (checked when no token is set).
    pub hosts: Vec<String>,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// Phones asked directly, on a schedule (`--probe`, `--ris`, …).
    pub probe: ProbeOptions,
}

/// The options of `itlctl serve` that ask phones directly (docs/serve-operations.md).
#[derive(Debug, Clone, Default)]
pub struct ProbeOptions {
    /// `--probe ADDR|CIDR|@FILE`.
    pub targets: Vec<String>,
    /// `--ris URL`.
    pub ris: Option<String>,
    /// `--ris-user USER`.
    pub ris_user: Option<String>,
    /// `--ris-ca PEM`.
    pub ris_ca: Option<String>,
    /// `--ris-password-file FILE`: the RIS password, read at start (else `ITLCTL_RIS_PASSWORD`).
    pub ris_password_file: Option<String>,
    /// `--probe-every DURATION` (`6h` when not given; `0`: once at start).
    pub every: Option<String>,
    /// `--phone-port N` (default 80, 443 with `--phone-https`).
    pub phone_port: Option<u16>,
    /// `--phone-https`.
    pub phone_https: bool,
    /// `--jobs N`: phones asked at once (default 64).
    pub jobs: Option<usize>,
    /// `--timeout-ms MS`: the longest one request to a phone may take (default 3000).
    pub timeout_ms: Option<u64>,
}

/// The settings of `itlctl serve` as given: on the command line, or in the TOML file of
/// `--config FILE`, under the same names as the flags (`listen`, `db`, `syslog`,
/// `syslog-cert`, `itl`, `ctl`, `token`, `keep-days`, `host`, `probe`, `ris`, `ris-user`,
/// `ris-ca`, `ris-password-file`, `probe-every`, `phone-port`, `phone-https`, `jobs`,
/// `timeout-ms`) plus a `[limits]` table ([`Limits`]). A sample is `docs/serve.example.toml`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// `--listen` (default `127.0.0.1:8080`).
    pub listen: Option<String>,
    /// `--db` (default `itlctl.db`).
    pub db: Option<String>,
    /// `--syslog`.
    #[serde(default)]
    pub syslog: Vec<String>,
    /// `--syslog-cert`.
    pub syslog_cert: Option<String>,
    /// `--itl`.
    #[serde(default)]
    pub itl: Vec<String>,
    /// `--ctl`.
    #[serde(default)]
    pub ctl: Vec<String>,
    /// `--token`.
    pub token: Option<String>,
    /// `--keep-days` (default 90).
    pub keep_days: Option<u32>,
    /// `--host`.
    #[serde(default)]
    pub host: Vec<String>,
    /// Connection limits and timeouts (only in the file).
    pub limits: Option<Limits>,
    /// `--probe`.
    #[serde(default)]
    pub probe: Vec<String>,
    /// `--ris`.
    pub ris: Option<String>,
    /// `--ris-user`.
    pub ris_user: Option<String>,
    /// `--ris-ca`.
    pub ris_ca: Option<String>,
    /// `--ris-password-file`: a file holding the RIS password (a service has no terminal).
    pub ris_password_file: Option<String>,
    /// `--probe-every` (default `6h`; `0`: once at start).
    pub probe_every: Option<String>,
    /// `--phone-port` (default 80, 443 with `--phone-https`).
    pub phone_port: Option<u16>,
    /// `--phone-https`.
    pub phone_https: Option<bool>,
    /// `--jobs` (default 64).
    pub jobs: Option<usize>,
    /// `--timeout-ms` (default 3000).
    pub timeout_ms: Option<u64>,
}

impl Options {
    /// The options from the command line `cli` and, with `file`, the TOML file it names:
    /// what the command line gives wins (a list given there replaces the file's).
    pub fn from_config(cli: Config, file: Option<&str>) -> Result<Options, String> {
        let f: Config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("--config {path}: cannot read: {e}"))?;
                toml::from_str(&text).map_err(|e| format!("--config {path}: {e}"))?
            }
            None => Config::default(),
        };
        let list = |a: Vec<String>, b: Vec<String>| if a.is_empty() { b } else { a };
        Ok(Options {
            listen: cli.listen.or(f.listen).unwrap_or_else(|| "127.0.0.1:8080".into()),
            db: cli.db.or(f.db).unwrap_or_else(|| "itlctl.db".into()),
            syslog: list(cli.syslog, f.syslog),
            syslog_cert: cli.syslog_cert.or(f.syslog_cert),
            itl: list(cli.itl, f.itl),
            ctl: list(cli.ctl, f.ctl),
            token: cli.token.or(f.token),
            keep_days: cli.keep_days.or(f.keep_days).unwrap_or(90),
            hosts: list(cli.host, f.host),
            limits: cli.limits.or(f.limits).unwrap_or_default(),
            probe: ProbeOptions {
                targets: list(cli.probe, f.probe),
                ris: cli.ris.or(f.ris),
                ris_user: cli.ris_user.or(f.ris_user),
                ris_ca: cli.ris_ca.or(f.ris_ca),
                ris_password_file: cli.ris_password_file.or(f.ris_password_file),
                every: cli.probe_every.or(f.probe_every),
                phone_port: cli.phone_port.or(f.phone_port),
                phone_https: cli.phone_https.or(f.phone_https).unwrap_or(false),
                jobs: cli.jobs.or(f.jobs),
                timeout_ms: cli.timeout_ms.or(f.timeout_ms),
            },
        })
    }
}

/// State shared by the web server, the receivers and the writer.
pub(crate) struct Shared {
    refs: RwLock<Arc<refs::Refs>>,
    pool: store::Pool,
    token: Option<String>,
    db_label: String,
    /// Whether writes fail, what is held and what was lost.
    writer: ingest::WriterState,
    /// The scheduled probes: configured or not, the current and the last run.
    probe: probe::State,
}

impl Shared {
    /// The references in force now.
    pub(crate) fn refs(&self) -> Arc<refs::Refs> {
        self.refs.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// What is wrong now, in words an administrator acts on: writes that fail, reports
    /// lost, reference files that cannot be used. Empty when all is well.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = self.writer.problems(jiff::Timestamp::now().as_millisecond());
        out.extend(self.refs().problems.iter().cloned());
        out.extend(self.probe.problems());
        out
    }
}

/// The state of every HTTP handler: the shared state and the writer's queue.
#[derive(Clone)]
pub(crate) struct App {
    shared: Arc<Shared>,
    tx: SyncSender<ingest::Cmd>,
    /// The Host names accepted without a token.
    hosts: Arc<http::Hosts>,
    /// Limits and timeouts.
    limits: Limits,
    /// The memory for request bodies, in KiB, over every request.
    bodies: Arc<tokio::sync::Semaphore>,
}

/// `?status=`, `?q=` and `?page=` of `/fleet` and `/api/devices`.
#[derive(serde::Deserialize, Default, Clone)]
pub(crate) struct DevicesQuery {
    status: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

impl DevicesQuery {
    /// The database filter it asks for.
    fn filter(&self) -> store::Filter {
        // No device name is longer than this: a longer search matches nothing, and would
        // only make SQLite's pattern too long.
        let q = self.q.as_deref().filter(|s| !s.is_empty()).map(|q| {
            let mut end = q.len().min(check::MAX_DEVICE + 1);
            while !q.is_char_boundary(end) {
                end -= 1;
            }
            q[..end].to_owned()
        });
        store::Filter { status: self.status.clone().filter(|s| !s.is_empty()), q }
    }
}

fn fail(msg: &str) -> u8 {
    eprintln!("itlctl: serve: {msg}");
    2
}

enum Endpoint {
    Udp(SocketAddr),
    Tcp(SocketAddr),
    Tls(SocketAddr),
}

fn endpoint(s: &str) -> Result<Endpoint, String> {
    let (scheme, addr) =
        s.split_once("://").ok_or_else(|| format!("--syslog {s}: write udp://, tcp:// or tls://ADDR:PORT"))?;
    let a: SocketAddr = addr.parse().map_err(|_| format!("--syslog {s}: {addr} is not ADDR:PORT"))?;
    match scheme {
        "udp" => Ok(Endpoint::Udp(a)),
        "tcp" => Ok(Endpoint::Tcp(a)),
        "tls" => Ok(Endpoint::Tls(a)),
        _ => Err(format!("--syslog {s}: the scheme is udp, tcp or tls")),
    }
}

fn tls_acceptor(pem: &str) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bytes = std::fs::read(pem).map_err(|e| format!("--syslog-cert {pem}: cannot read: {e}"))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--syslog-cert {pem}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("--syslog-cert {pem}: holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| format!("--syslog-cert {pem}: no private key: {e}"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let cfg = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("--syslog-cert {pem}: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}

/// Runs the server until SIGINT or SIGTERM; returns the exit code (2 for a bad option).
pub fn run(opts: Options) -> u8 {
    let token = opts.token.clone().or_else(|| std::env::var("ITLCTL_TOKEN").ok()).filter(|t| !t.is_empty());
    let listen: SocketAddr = match opts.listen.parse() {
        Ok(a) => a,
        Err(_) => return fail(&format!("--listen {}: not ADDR:PORT (for example 127.0.0.1:8080)", opts.listen)),
    };
    if !listen.ip().is_loopback() && token.is_none() {
        return fail(&format!(
            "--listen {listen} is not a loopback address: give --token TOKEN (or set ITLCTL_TOKEN) so only you can use it"
        ));
    }
    let limits = opts.limits.within_file_limit();
    let mut endpoints = Vec::new();
    for s in &opts.syslog {
        match endpoint(s) {
            Ok(e) => endpoints.push(e),
            Err(e) => return fail(&e),
        }
    }
    let tls = if endpoints.iter().any(|e| matches!(e, Endpoint::Tls(_))) {
        let Some(pem) = &opts.syslog_cert else {
            return fail("tls:// needs --syslog-cert KEY_AND_CERT.pem");
        };
        match tls_acceptor(pem) {
            Ok(a) => Some(Arc::new(a)),
            Err(e) => return fail(&e),
        }
    } else {
        None
    };
    let sources: Vec<refs::Source> = opts
        .itl
        .iter()
        .map(|a| refs::Source::parse("ITL", a))
        .chain(opts.ctl.iter().map(|a| refs::Source::parse("CTL", a)))
        .collect();
    let loaded = refs::load_at_start(&sources);
    for p in &loaded.problems {
        eprintln!("itlctl: {p}");
    }
    let plan = match probe::Plan::new(&opts.probe) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let loc = store::Location::new(&opts.db);
    let conn = match store::open_writer(&loc) {
        Ok(c) => c,
        Err(e) => return fail(&format!("{}: {e}", opts.db)),
    };
    let shared = Arc::new(Shared {
        refs: RwLock::new(Arc::new(loaded)),
        pool: store::Pool::new(loc),
        token,
        db_label: opts.db.clone(),
        writer: ingest::WriterState::default(),
        probe: probe::State::new(plan.as_ref()),
    });
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start: {e}")),
    };
    // A file size limit (`LimitFSIZE=`, `ulimit -f`) makes a write past it fail like a full
    // disk (held and shown) instead of killing the process with SIGXFSZ.
    #[cfg(unix)]
    rt.block_on(async {
        let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGXFSZ));
    });
    // The writer recomputes the stored statuses against the references loaded now.
    let (tx, rx) = std::sync::mpsc::sync_channel::<ingest::Cmd>(4096);
    let _ = tx.send(ingest::Cmd::Recompute);
    let writer = {
        let shared = shared.clone();
        let keep = opts.keep_days;
        match std::thread::Builder::new().name("itlctl-db".into()).spawn(move || ingest::run(conn, rx, shared, keep)) {
            Ok(w) => w,
            Err(e) => return fail(&format!("cannot start: {e}")),
        }
    };
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The probe thread's way to the writer, taken back at the end: a probe run still under
    // way then cannot keep the writer from stopping.
    let probe_tx = Arc::new(std::sync::Mutex::new(Some(tx.clone())));
    let mut plan = plan;
    let mut udp_threads = Vec::new();
    let code = rt.block_on(async {
        let http = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(e) => return fail(&format!("cannot listen on {listen}: {e}")),
        };
        let tcp_shared = rx::TcpShared::new(limits);
        let mut lines = Vec::new();
        for e in &endpoints {
            match e {
                Endpoint::Udp(a) => match rx::bind_udp(*a) {
                    Ok(s) => {
                        lines.push(format!("udp://{}", s.local_addr().unwrap_or(*a)));
                        match rx::udp(s, tx.clone(), stop.clone()) {
                            Ok(t) => udp_threads.push(t),
                            Err(err) => return fail(&format!("cannot start the udp://{a} receiver: {err}")),
                        }
                    }
                    Err(err) => return fail(&format!("cannot listen on udp://{a}: {err}")),
                },
                Endpoint::Tcp(a) | Endpoint::Tls(a) => match tokio::net::TcpListener::bind(a).await {
                    Ok(l) => {
                        let is_tls = matches!(e, Endpoint::Tls(_));
                        let scheme = if is_tls { "tls" } else { "tcp" };
                        lines.push(format!("{scheme}://{}", l.local_addr().unwrap_or(*a)));
                        let tls = if is_tls { tls.clone() } else { None };
                        tokio::spawn(rx::tcp(l, tx.clone(), tls, tcp_shared.clone()));
                    }
                    Err(err) => return fail(&format!("cannot listen on {a}: {err}")),
                },
            }
        }
        let phones = shared.pool.with(store::health).map(|h| h.0).unwrap_or(0);
        let local = http.local_addr().unwrap_or(listen);
        println!("itlctl: serving http://{local}/ ({}, {phones} phones)", shared.db_label);
        for l in lines {
            println!("itlctl: syslog {l}");
        }
        refs::watch(shared.clone(), sources, tx.clone());
        if let Some(plan) = plan.take() {
            println!("itlctl: {}", plan.describe());
            if let Err(e) = probe::start(plan, shared.clone(), probe_tx.clone(), stop.clone()) {
                return fail(&format!("cannot start the probes: {e}"));
            }
        }
        let hosts = http::Hosts::new(local, &opts.hosts);
        let bodies = Arc::new(tokio::sync::Semaphore::new(upload::MAX_BODIES / 1024));
        let app = http::router(App { shared: shared.clone(), tx: tx.clone(), hosts: Arc::new(hosts), limits, bodies });
        let (stop_http, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown().await;
            let _ = stop_http.send(true);
        });
        listen::serve_http(http, app, limits, stopped).await;
        0
    });
    // Dropping the runtime ends the TCP receivers, `stop` the UDP ones; then the writer
    // commits and stops.
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in udp_threads {
        let _ = t.join();
    }
    if let Ok(mut p) = probe_tx.lock() {
        p.take();
    }
    drop(tx);
    let _ = writer.join();
    code
}

async fn shutdown() {
    let int = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => return int.await.unwrap_or(()),
        };
        tokio::select! {
            _ = int => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = int.await;
    }
}
