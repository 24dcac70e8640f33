//! The one writer: batches of reports from the receivers and the API, committed in one
//! transaction each, as soon as the previous commit is done (so a UDP report is committed
//! well within a second, and a burst makes bigger batches, not a queue).

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use itl::devicetlinfo::Report;
use rusqlite::Connection;
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
    /// Told once the batch is committed.
    pub ack: Option<oneshot::Sender<Result<(), String>>>,
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
}

/// The most reports one transaction takes.
const MAX_BATCH: usize = 50_000;

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

/// Runs the writer until every sender is gone; commits what it holds before it returns.
pub fn run(mut conn: Connection, rx: Receiver<Cmd>, shared: Arc<Shared>, keep_days: u32) {
    let mut last_snapshot = Instant::now() - Duration::from_secs(3600);
    let mut last_prune = Instant::now() - Duration::from_secs(7200);
    let mut dirty = true;
    loop {
        let first = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(c) => Some(c),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut cmds: Vec<Cmd> = first.into_iter().collect();
        let mut n: usize = cmds.iter().map(len).sum();
        while n < MAX_BATCH {
            match rx.try_recv() {
                Ok(c) => {
                    n += len(&c);
                    cmds.push(c);
                }
                Err(_) => break,
            }
        }
        if !cmds.is_empty() {
            dirty = true;
            apply(&mut conn, cmds, &shared);
        }
        let periodic = last_snapshot.elapsed() >= Duration::from_secs(10);
        if dirty && periodic {
            last_snapshot = Instant::now();
            dirty = false;
            let res = conn.transaction().and_then(|tx| {
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
    let _ = conn.transaction().and_then(|tx| {
        store::snapshot(&tx, now_ms())?;
        tx.commit()
    });
}

fn len(c: &Cmd) -> usize {
    match c {
        Cmd::Batch(b) => b.reports.len().max(1),
        Cmd::Recompute => 1,
    }
}

fn apply(conn: &mut Connection, cmds: Vec<Cmd>, shared: &Shared) {
    let refs = shared.refs();
    let now = now_ms();
    let mut acks = Vec::new();
    let res = conn.transaction().and_then(|tx| {
        for c in cmds {
            match c {
                Cmd::Recompute => {
                    store::recompute(&tx, &refs.itl, &refs.ctl)?;
                    store::snapshot(&tx, now)?;
                }
                Cmd::Batch(mut b) => {
                    store::add_reports(&tx, &b.reports, now, &refs.itl, &refs.ctl)?;
                    store::count(&tx, b.reports.len() as u64, b.other, b.skipped)?;
                    acks.extend(b.ack.take());
                }
            }
        }
        tx.commit()
    });
    let res = res.map_err(|e| format!("cannot store the reports: {e}"));
    if let Err(e) = &res {
        eprintln!("itlctl: {e}");
    }
    for a in acks {
        let _ = a.send(res.clone());
    }
}
