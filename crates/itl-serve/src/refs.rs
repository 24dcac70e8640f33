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
    /// Reads `[HOST=]FILE|DIR`.
    pub fn parse(kind: &'static str, arg: &str) -> Source {
        let (host, file) = match arg.split_once('=') {
            Some((h, f)) if !h.is_empty() && !h.contains(['/', '\\']) => (Some(h.to_owned()), f),
            _ => (None, arg),
        };
        Source { kind, host, path: file.into() }
    }

    /// The files it names: itself, or a folder's `ITL*.tlv` / `CTL*.tlv` (the cluster-wide
    /// `ITLFile.tlv` / `CTLFile.tlv` first, then by name).
    fn files(&self) -> Vec<PathBuf> {
        if !self.path.is_dir() {
            return vec![self.path.clone()];
        }
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.path)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                        n.len() > 7
                            && n[..3].eq_ignore_ascii_case(self.kind)
                            && n[n.len() - 4..].eq_ignore_ascii_case(".tlv")
                    })
                    .collect()
            })
            .unwrap_or_default();
        let main = format!("{}file.tlv", self.kind.to_ascii_lowercase());
        v.sort_by_key(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
            (n != main, n)
        });
        v
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

/// Loads every source.
pub fn load(sources: &[Source]) -> Refs {
    let mut refs = Refs { stamp: stamp(sources), ..Refs::default() };
    for s in sources {
        for f in s.files() {
            let name = label(&f);
            let bytes = match std::fs::read(&f) {
                Ok(b) => b,
                Err(e) => {
                    refs.problems.push(format!("{name}: cannot read: {e}"));
                    continue;
                }
            };
            if let Err(e) = itl::TrustList::parse(&bytes) {
                refs.problems.push(format!("{name}: not a well-formed trust list: {}", e.located()));
                continue;
            }
            let checksums = Checksums::of(&bytes);
            refs.loaded.push(Loaded {
                kind: s.kind,
                host: s.host.clone(),
                file: name.clone(),
                sha1: hex::encode(checksums.sha1),
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

/// Watches the reference files every second and, when they change, loads them again (off
/// the runtime) and has the writer recompute the statuses.
pub(crate) fn watch(shared: Arc<crate::Shared>, sources: Vec<Source>, tx: SyncSender<crate::ingest::Cmd>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            if shared.refs().changed(&sources) {
                let s2 = sources.clone();
                let Ok(fresh) = tokio::task::spawn_blocking(move || load(&s2)).await else { continue };
                for p in &fresh.problems {
                    eprintln!("itlctl: {p}");
                }
                if let Ok(mut w) = shared.refs.write() {
                    *w = Arc::new(fresh);
                }
                let _ = crate::ingest::send(&tx, crate::ingest::Cmd::Recompute).await;
            }
        }
    });
}
