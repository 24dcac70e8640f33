//! The reference trust lists (`--itl`, `--ctl`): files or TFTP folders, re-read when they
//! change on disk.

use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::SystemTime;

use itl::devicetlinfo::Served;
use itl::hash::Checksums;

/// One `--itl` / `--ctl` argument.
#[derive(Debug, Clone)]
pub struct Source {
    /// `ITL` or `CTL`.
    pub kind: &'static str,
    /// The TFTP server, or `None` for any.
    pub host: Option<String>,
    /// A file or a folder.
    pub path: PathBuf,
}

impl Source {
    /// Reads `[HOST=]FILE|DIR`, by the library's one rule ([`itl::devicetlinfo::Reference`]).
    pub fn parse(kind: &'static str, arg: &str) -> Source {
        let r = itl::devicetlinfo::Reference::parse(arg);
        Source { kind, host: r.host, path: r.path }
    }

    /// The files it names: itself, or a folder's `ITL*.tlv` / `CTL*.tlv` (the cluster-wide
    /// `ITLFile.tlv` / `CTLFile.tlv` first, then by name), by the library's one rule.
    fn files(&self) -> Vec<PathBuf> {
        let kind = if self.kind == "ITL" { itl::Kind::Itl } else { itl::Kind::Ctl };
        itl::devicetlinfo::reference_files(&self.path, kind).unwrap_or_default()
    }
}

/// A reference file as loaded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// `ITL` or `CTL`.
    pub kind: &'static str,
    /// Its server.
    pub host: Option<String>,
    /// Its path.
    pub file: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// The bytes, for the `/plan` page (a well-formed trust list of at most
    /// [`MAX_REFERENCE`] bytes).
    pub bytes: Arc<[u8]>,
}

/// The references now in force.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// For ITL statuses.
    pub itl: Vec<Served>,
    /// For CTL statuses.
    pub ctl: Vec<Served>,
    /// What was loaded, for `/api/health`.
    pub loaded: Vec<Loaded>,
    /// Problems (unreadable or malformed files).
    pub problems: Vec<String>,
    stamp: Vec<(PathBuf, Option<SystemTime>, u64)>,
}

fn stamp(sources: &[Source]) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    sources
        .iter()
        .flat_map(|s| s.files())
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let t = m.as_ref().and_then(|m| m.modified().ok());
            let len = m.map_or(u64::MAX, |m| m.len());
            (p, t, len)
        })
        .collect()
}

fn label(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The largest reference file read (trust lists are at most 64 KiB on phones).
pub const MAX_REFERENCE: u64 = 4 * 1024 * 1024;
/// How long reading the references may take before the watcher gives up on this round.
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads a reference file: a regular file (a FIFO or a device is refused without opening
/// it, since opening a FIFO blocks) of at most [`MAX_REFERENCE`] bytes.
fn read_limited(p: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let m = std::fs::metadata(p).map_err(|e| format!("cannot read: {e}"))?;
    if !m.is_file() {
        return Err("not a regular file (a FIFO, device or folder is refused)".into());
    }
    if m.len() > MAX_REFERENCE {
        return Err(format!("{} bytes, over the limit of {MAX_REFERENCE}: not a trust list", m.len()));
    }
    let f = std::fs::File::open(p).map_err(|e| format!("cannot read: {e}"))?;
    let mut out = Vec::new();
    f.take(MAX_REFERENCE + 1).read_to_end(&mut out).map_err(|e| format!("cannot read: {e}"))?;
    if out.len() as u64 > MAX_REFERENCE {
        return Err(format!("over the limit of {MAX_REFERENCE} bytes: not a trust list"));
    }
    Ok(out)
}

/// Loads every source.
pub fn load(sources: &[Source]) -> Refs {
    let mut refs = Refs { stamp: stamp(sources), ..Refs::default() };
    for s in sources {
        for f in s.files() {
            let name = label(&f);
            let bytes = match read_limited(&f) {
                Ok(b) => b,
                Err(e) => {
                    refs.problems.push(format!("reference {} {name}: {e}", s.kind));
                    continue;
                }
            };
            if let Err(e) = itl::TrustList::parse(&bytes) {
                refs.problems.push(format!(
                    "reference {} {name}: not a well-formed trust list: {}",
                    s.kind,
                    e.located()
                ));
                continue;
            }
            let checksums = Checksums::of(&bytes);
            refs.loaded.push(Loaded {
                kind: s.kind,
                host: s.host.clone(),
                file: name.clone(),
                sha1: hex::encode(checksums.sha1),
                bytes: bytes.into(),
            });
            let served = Served { host: s.host.clone(), label: name, checksums };
            if s.kind == "ITL" {
                refs.itl.push(served);
            } else {
                refs.ctl.push(served);
            }
        }
    }
    refs
}

impl Refs {
    /// Whether the files on disk differ from those loaded.
    pub fn changed(&self, sources: &[Source]) -> bool {
        stamp(sources) != self.stamp
    }
}

/// The problem shown while reading the references hangs.
fn hung() -> String {
    format!(
        "reading the reference files took more than {} s (a hung share?); the ones loaded before stay in force",
        READ_TIMEOUT.as_secs()
    )
}

/// Loads every source at start, within [`READ_TIMEOUT`]: a read that hangs is left behind
/// on its own thread, the server starts without references (the problem shown), and the
/// watcher loads them once they can be read.
pub fn load_at_start(sources: &[Source]) -> Refs {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let s2 = sources.to_vec();
    let started = std::thread::Builder::new().name("itlctl-refs".into()).spawn(move || {
        let _ = tx.send(load(&s2));
    });
    if started.is_err() {
        return load(sources);
    }
    match rx.recv_timeout(READ_TIMEOUT) {
        Ok(r) => r,
        Err(_) => Refs { problems: vec![hung()], ..Refs::default() },
    }
}

/// Watches the reference files every second and, when they change, loads them again (off
/// the runtime, within [`READ_TIMEOUT`]: a read that hangs, on a stuck network share, is
/// left behind and shown as a problem, and the watcher goes on) and has the writer
/// recompute the statuses.
pub(crate) fn watch(shared: Arc<crate::Shared>, sources: Vec<Source>, tx: SyncSender<crate::ingest::Cmd>) {
    tokio::spawn(async move {
        let mut stuck: Option<tokio::task::JoinHandle<Option<Refs>>> = None;
        let msg = hung();
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let was_stuck = stuck.is_some();
            let mut task = match stuck.take() {
                Some(t) => t,
                None => {
                    let (s2, current) = (sources.clone(), shared.refs());
                    tokio::task::spawn_blocking(move || current.changed(&s2).then(|| load(&s2)))
                }
            };
            let fresh = match tokio::time::timeout(READ_TIMEOUT, &mut task).await {
                Ok(Ok(Some(fresh))) => fresh,
                Ok(_) => {
                    // A hung round that ended with nothing new: its problem goes.
                    if was_stuck {
                        eprintln!("itlctl: the reference files can be read again");
                        set_problem(&shared, &msg, false);
                    }
                    continue;
                }
                Err(_) => {
                    if !was_stuck {
                        eprintln!("itlctl: {msg}");
                    }
                    set_problem(&shared, &msg, true);
                    stuck = Some(task);
                    continue;
                }
            };
            if was_stuck {
                eprintln!("itlctl: the reference files can be read again");
            }
            for p in &fresh.problems {
                eprintln!("itlctl: {p}");
            }
            if let Ok(mut w) = shared.refs.write() {
                *w = Arc::new(fresh);
            }
            let _ = crate::ingest::send(&tx, crate::ingest::Cmd::Recompute).await;
        }
    });
}

/// Adds (`on`) or removes the watcher's own problem `msg` in the references in force.
fn set_problem(shared: &crate::Shared, msg: &str, on: bool) {
    let current = shared.refs();
    let has = current.problems.iter().any(|p| p == msg);
    if has == on {
        return;
    }
    let mut r = (*current).clone();
    if on {
        r.problems.push(msg.to_owned());
    } else {
        r.problems.retain(|p| p != msg);
    }
    if let Ok(mut w) = shared.refs.write() {
        *w = Arc::new(r);
    }
}
