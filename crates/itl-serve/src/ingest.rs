//! The one writer: batches of reports from the receivers and the API, committed in one
//! transaction each, as soon as the previous commit is done (so a UDP report is committed
//! well within a second, and a burst makes bigger batches, not a queue).
//!
//! A write that fails (the database locked by another process beyond the busy timeout,
//! read-only, a full disk) loses nothing silently: the syslog batches are held and retried
//! every second, up to [`MAX_HELD`] reports; beyond that the oldest are dropped and counted
//! as lost. An HTTP batch is answered with the error at once (its sender still holds it).
//! While writes fail, `/api/health` says so and `/fleet` shows why; one log line marks the
//! failure and one its end.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use itl::devicetlinfo::Report;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use crate::store;
use crate::Shared;

/// Reports (with how they came) and counts, from one receiver.
#[derive(Debug, Default)]
pub struct Batch {
    /// The reports.
    pub reports: Vec<(Report, &'static str)>,
    /// Messages that were not reports.
    pub other: u64,
    /// Messages that could not be read.
    pub skipped: u64,
    /// Told once the batch is committed (or, failing that, why not).
    pub ack: Option<oneshot::Sender<Result<(), String>>>,
    /// Held and retried when a write fails (syslog); otherwise the error goes to `ack` at once.
    pub retry: bool,
}

impl Batch {
    /// Whether there is anything to store.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty() && self.other == 0 && self.skipped == 0
    }
}

/// What the writer is asked.
#[derive(Debug)]
pub enum Cmd {
    /// Store a batch.
    Batch(Batch),
    /// The references changed: recompute the statuses.
    Recompute,
    /// Phones asked directly (`--probe`, `--ris`): their answers.
    Probes(Vec<itl::devicetlinfo::Probed>),
    /// Answered once everything sent before it has been written (or has failed to be):
    /// a probe run ends only when its rows can be read.
    Sync(SyncSender<()>),
}

/// The most reports one transaction takes.
const MAX_BATCH: usize = 50_000;
/// The most reports held for retry while writes fail.
pub const MAX_HELD: usize = 200_000;
/// How often a failed write is retried.
const RETRY: Duration = Duration::from_secs(1);
/// How long a loss keeps `/api/health` from saying `ok`.
const LOSS_SHOWN_MS: i64 = 24 * 3_600_000;

/// What the writer tells the rest of the server: whether writes fail, what is held, what
/// was lost.
#[derive(Debug, Default)]
pub struct WriterState {
    /// The error of the last write, while writes fail.
    error: Mutex<Option<String>>,
    /// Reports held for retry.
    held: AtomicU64,
    /// Reports lost since start (dropped while writes failed).
    lost: AtomicU64,
    /// Lost reports not yet added to the database's counter.
    lost_unsaved: AtomicU64,
    /// When the last report was lost (Unix ms), 0 for never.
    last_loss: AtomicI64,
    /// Write attempts that failed since start.
    failures: AtomicU64,
}

impl WriterState {
    /// The error of the last write, while writes fail.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    /// Reports held for retry now.
    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }

    /// Reports lost since start.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    /// Lost reports the database's counter does not hold yet.
    pub fn lost_unsaved(&self) -> u64 {
        self.lost_unsaved.load(Ordering::Relaxed)
    }

    /// Write attempts that failed since start.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// What is wrong with storing reports, in words, or nothing.
    pub fn problems(&self, now_ms: i64) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = self.error() {
            out.push(format!(
                "reports cannot be stored: {e}; {} held for retry (at most {MAX_HELD}, then the oldest are lost)",
                self.held()
            ));
        }
        let last = self.last_loss.load(Ordering::Relaxed);
        if last > 0 && now_ms - last < LOSS_SHOWN_MS {
            out.push(format!(
                "{} reports lost since start because the database could not be written (the last at {})",
                self.lost(),
                jiff::Timestamp::from_millisecond(last).map(|t| t.to_string()).unwrap_or_default()
            ));
        }
        out
    }

    fn lose(&self, n: usize, why: &str) {
        if n == 0 {
            return;
        }
        self.lost.fetch_add(n as u64, Ordering::Relaxed);
        self.lost_unsaved.fetch_add(n as u64, Ordering::Relaxed);
        self.last_loss.store(now_ms(), Ordering::Relaxed);
        eprintln!("itlctl: {n} reports lost: {why}");
    }

    fn set_error(&self, e: Option<String>) {
        if let Ok(mut g) = self.error.lock() {
            match (&*g, &e) {
                (None, Some(e)) => {
                    eprintln!("itlctl: cannot store reports: {e}; holding them and retrying every second")
                }
                (Some(_), None) => eprintln!("itlctl: the database takes reports again"),
                _ => {}
            }
            *g = e;
        }
    }
}

/// Sends `b` to the writer and waits until it is committed.
pub async fn commit(tx: &SyncSender<Cmd>, mut b: Batch) -> Result<(), String> {
    let (ack, done) = oneshot::channel();
    b.ack = Some(ack);
    send(tx, Cmd::Batch(b)).await?;
    done.await.map_err(|_| "the database writer stopped".to_owned())?
}

/// Queues `cmd` without blocking the async runtime for long.
pub async fn send(tx: &SyncSender<Cmd>, cmd: Cmd) -> Result<(), String> {
    match tx.try_send(cmd) {
        Ok(()) => Ok(()),
        Err(std::sync::mpsc::TrySendError::Full(cmd)) => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || tx.send(cmd))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|_| "the database writer stopped".to_owned())
        }
        Err(_) => Err("the database writer stopped".to_owned()),
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Batches waiting to be committed, oldest first.
#[derive(Default)]
struct Held {
    batches: VecDeque<Batch>,
    reports: usize,
    recompute: bool,
    /// Probe answers waiting (a few runs' worth at most: older ones go first).
    probes: VecDeque<itl::devicetlinfo::Probed>,
}

impl Held {
    fn push(&mut self, b: Batch, state: &WriterState) {
        self.reports += b.reports.len();
        self.batches.push_back(b);
        // Over the bound: the oldest syslog batches go (counted as lost, or answered).
        while self.reports > MAX_HELD {
            let Some(old) = self.batches.pop_front() else { break };
            self.reports -= old.reports.len();
            let why = format!("more than {MAX_HELD} reports waited for the database");
            match old.ack {
                Some(a) => {
                    let _ = a.send(Err(why.clone()));
                    state.lose(old.reports.len(), &why);
                }
                None => state.lose(old.reports.len(), &why),
            }
        }
        state.held.store(self.reports as u64, Ordering::Relaxed);
    }

    /// Takes up to [`MAX_BATCH`] reports' worth of batches from the front.
    fn take(&mut self) -> Vec<Batch> {
        let mut out = Vec::new();
        let mut n = 0;
        while let Some(b) = self.batches.front() {
            if !out.is_empty() && n + b.reports.len() > MAX_BATCH {
                break;
            }
            n += b.reports.len();
            self.reports -= b.reports.len();
            out.extend(self.batches.pop_front());
        }
        out
    }

    fn put_back(&mut self, bs: Vec<Batch>, state: &WriterState) {
        for b in bs.into_iter().rev() {
            self.reports += b.reports.len();
            self.batches.push_front(b);
        }
        state.held.store(self.reports as u64, Ordering::Relaxed);
    }
}

/// Runs the writer until every sender is gone; commits what it holds before it returns.
pub fn run(mut conn: Connection, rx: Receiver<Cmd>, shared: Arc<Shared>, keep_days: u32) {
    let state = &shared.writer;
    let mut last_snapshot = Instant::now() - Duration::from_secs(3600);
    let mut last_prune = Instant::now() - Duration::from_secs(7200);
    let mut last_try = Instant::now() - RETRY;
    let mut dirty = true;
    let mut held = Held::default();
    let mut open = true;
    while open {
        let first = match rx.recv_timeout(RETRY) {
            Ok(c) => Some(c),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                open = false;
                None
            }
        };
        let mut urgent = false;
        let mut n = 0;
        let mut synced = Vec::new();
        let mut next = first;
        while let Some(c) = next.take() {
            match c {
                Cmd::Batch(b) => {
                    n += b.reports.len().max(1);
                    urgent |= !b.retry;
                    held.push(b, state);
                }
                Cmd::Recompute => held.recompute = true,
                Cmd::Probes(p) => {
                    n += p.len().max(1);
                    held.probes.extend(p);
                    // Answers are asked again at the next run: beyond the bound, the oldest go.
                    while held.probes.len() > MAX_HELD {
                        held.probes.pop_front();
                    }
                }
                Cmd::Sync(ack) => synced.push(ack),
            }
            if n < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        let failing = state.error().is_some();
        let due = !failing || urgent || last_try.elapsed() >= RETRY || !open;
        while due && (!held.batches.is_empty() || held.recompute || !held.probes.is_empty()) {
            last_try = Instant::now();
            let batches = held.take();
            let recompute = std::mem::take(&mut held.recompute);
            let probes: Vec<_> = held.probes.drain(..held.probes.len().min(MAX_BATCH)).collect();
            match apply(&mut conn, &batches, recompute, &probes, &shared) {
                Ok(()) => {
                    state.set_error(None);
                    dirty = true;
                    for mut b in batches {
                        if let Some(a) = b.ack.take() {
                            let _ = a.send(Ok(()));
                        }
                    }
                    state.held.store(held.reports as u64, Ordering::Relaxed);
                }
                Err(e) => {
                    state.failures.fetch_add(1, Ordering::Relaxed);
                    state.set_error(Some(e.clone()));
                    held.recompute |= recompute;
                    for p in probes.into_iter().rev() {
                        held.probes.push_front(p);
                    }
                    // HTTP is told at once; syslog batches wait for the next try.
                    let mut keep = Vec::new();
                    for mut b in batches {
                        if b.retry {
                            keep.push(b);
                        } else if let Some(a) = b.ack.take() {
                            let _ = a.send(Err(format!("not stored: {e}")));
                        }
                    }
                    held.put_back(keep, state);
                    break;
                }
            }
        }
        for ack in synced {
            let _ = ack.send(());
        }
        if !open && !held.batches.is_empty() {
            let n = held.reports;
            for mut b in held.batches.drain(..) {
                if let Some(a) = b.ack.take() {
                    let _ = a.send(Err("the server is stopping and the database cannot be written".into()));
                }
            }
            state.lose(n, "the server stopped while the database could not be written");
        }
        let periodic = last_snapshot.elapsed() >= Duration::from_secs(10);
        if dirty && periodic && state.error().is_none() {
            last_snapshot = Instant::now();
            dirty = false;
            let res = conn.transaction_with_behavior(TransactionBehavior::Immediate).and_then(|tx| {
                store::snapshot(&tx, now_ms())?;
                if last_prune.elapsed() >= Duration::from_secs(3600) {
                    last_prune = Instant::now();
                    store::prune(&tx, now_ms(), keep_days)?;
                }
                tx.commit()
            });
            if let Err(e) = res {
                eprintln!("itlctl: database: {e}");
            }
        }
    }
    let _ = conn.transaction_with_behavior(TransactionBehavior::Immediate).and_then(|tx| {
        store::snapshot(&tx, now_ms())?;
        tx.commit()
    });
}

/// Commits `batches` (and the recomputed statuses) in one transaction. `BEGIN IMMEDIATE`
/// takes the write lock first, so another process's lock is waited for (the busy timeout)
/// rather than failing at the first write.
fn apply(
    conn: &mut Connection,
    batches: &[Batch],
    recompute: bool,
    probes: &[itl::devicetlinfo::Probed],
    shared: &Shared,
) -> Result<(), String> {
    let refs = shared.refs();
    let now = now_ms();
    let lost = shared.writer.lost_unsaved();
    let res = conn.transaction_with_behavior(TransactionBehavior::Immediate).and_then(|tx| {
        if recompute {
            store::recompute(&tx, &refs.itl, &refs.ctl)?;
            store::snapshot(&tx, now)?;
        }
        for b in batches {
            store::add_reports(&tx, &b.reports, now, &refs.itl, &refs.ctl)?;
            store::count(&tx, b.reports.len() as u64, b.other, b.skipped)?;
        }
        if !probes.is_empty() {
            store::add_probes(&tx, probes, now, &refs.itl, &refs.ctl)?;
        }
        store::count_lost(&tx, lost)?;
        tx.commit()
    });
    match res {
        Ok(()) => {
            shared.writer.lost_unsaved.fetch_sub(lost, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::RwLock;

    fn report(device: &str) -> Report {
        let mut r = Report::default();
        r.set("DeviceName", device);
        r.set("ITL_Signature", "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13");
        r.set("ITL_TFTP_Server", "cucm-pub");
        r
    }

    /// A writer over a database it may only read (SQLite's own read-only open, as it opens a
    /// file it may not write): syslog batches are held and shown, an HTTP batch is told why
    /// at once, and what is still held when the server stops is counted as lost.
    #[test]
    fn a_read_only_database_holds_syslog_tells_http_and_counts_what_is_lost() {
        let dir = std::env::temp_dir().join(format!("itl-serve-ingest-ro-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let loc = store::Location::File(dir.join("ro.db"));
        drop(store::open_writer(&loc).unwrap());
        let ro = Connection::open_with_flags(dir.join("ro.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let shared = Arc::new(Shared {
            refs: RwLock::new(Arc::default()),
            pool: store::Pool::new(loc),
            token: None,
            db_label: "ro.db".into(),
            writer: WriterState::default(),
            probe: crate::probe::State::default(),
        });
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        let s2 = shared.clone();
        let writer = std::thread::spawn(move || run(ro, rx, s2, 90));
        let syslog = Batch {
            reports: (0..3).map(|i| (report(&format!("SEPRO{i:08}")), "udp")).collect(),
            retry: true,
            ..Batch::default()
        };
        tx.send(Cmd::Batch(syslog)).unwrap();
        let (ack, answer) = oneshot::channel();
        let http = Batch { reports: vec![(report("SEPROHTTP001"), "http")], ack: Some(ack), ..Batch::default() };
        tx.send(Cmd::Batch(http)).unwrap();
        // sqlite3_errstr(SQLITE_READONLY), as documented at sqlite.org/rescode.html.
        let told = answer.blocking_recv().unwrap();
        assert!(told.as_ref().is_err_and(|e| e.contains("attempt to write a readonly database")), "{told:?}");
        let w = &shared.writer;
        let t = Instant::now();
        while w.held() != 3 && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(w.held(), 3);
        assert!(w.failures() >= 1);
        let problems = shared.problems().join("\n");
        assert!(problems.contains("cannot be stored") && problems.contains("readonly"), "{problems}");
        drop(tx);
        writer.join().unwrap();
        assert_eq!((w.lost(), w.lost_unsaved()), (3, 3));
        assert!(shared.problems().iter().any(|p| p.starts_with("3 reports lost")), "{:?}", shared.problems());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
