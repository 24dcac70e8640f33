//! Per-file work on every core (`verify`, `lint`, `hash`), printed in the order of the
//! arguments.
//!
//! Worker threads take the next file, run the command's work on it and hand back the result
//! with what it printed (captured by `term`); the calling thread writes each file's lines and
//! result as soon as all earlier files are done, and advances the progress bar.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::term::{self, Progress};

/// Whether a job is "over many files" (progress bar on a terminal): a folder among the
/// arguments, or more than [`term::MANY_FILES`] of them.
pub fn many(args: &[String]) -> bool {
    args.len() > term::MANY_FILES || args.iter().any(|a| a != "-" && !itl_transport::is_url(a) && Path::new(a).is_dir())
}

/// Threads for `--jobs N` (at least 1), else every core.
pub fn threads(limit: Option<usize>) -> usize {
    limit.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

/// Runs `work` on every item on up to `jobs` threads and calls `emit` with the results in the
/// order of `items`, on this thread, each after the lines its item printed.
pub fn ordered<T, R, W, E>(items: &[T], jobs: usize, many: bool, work: W, mut emit: E)
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    E: FnMut(R),
{
    let progress = Progress::files(items.len(), many);
    let mut done = |(r, lines): (R, Vec<term::Line>)| {
        term::replay(lines);
        emit(r);
        progress.inc();
    };
    let jobs = jobs.min(items.len());
    if jobs <= 1 {
        for item in items {
            // Straight to the screen, unless lines must wait for the bar to pause.
            let (r, lines) =
                if progress.is_visible() { term::capture(|| work(item)) } else { (work(item), Vec::new()) };
            done((r, lines));
        }
        return;
    }
    // Workers take the files a chunk at a time, so that the hand-over (a channel message, a
    // wake-up, one write for the chunk's lines) is paid per chunk rather than per file.
    let chunk = (items.len() / (jobs * 16)).clamp(1, 64);
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            s.spawn(move || loop {
                let first = next.fetch_add(chunk, Ordering::Relaxed);
                let Some(part) = items.get(first..items.len().min(first + chunk)) else { break };
                let (results, lines) = term::capture(|| part.iter().map(work).collect::<Vec<R>>());
                // A closed receiver means the caller stopped (closed pipe): stop too.
                if tx.send((first, (results, lines))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (first, r) in rx {
            waiting.insert(first, r);
            while let Some((results, lines)) = waiting.remove(&want) {
                want += results.len();
                term::replay(lines);
                for r in results {
                    emit(r);
                    progress.inc();
                }
            }
        }
    });
}

/// The shape of `verify`, `lint` and `hash`: every file of `args` (folders expanded,
/// `recursive` descending) through `one` on up to `jobs` threads, results in argument order;
/// the JSON values `one` kept are printed as one array when `json`. Returns the worst exit
/// code (2 when a folder could not be read).
pub fn each_file<J, W>(args: &[String], recursive: bool, jobs: Option<usize>, json: bool, one: W) -> u8
where
    J: serde::Serialize + Send,
    W: Fn(&String) -> (u8, Option<J>) + Sync,
{
    let many = many(args);
    let (paths, expanded) = crate::input::expand(args, recursive);
    let mut code = if expanded { crate::exit::OK } else { crate::exit::FAILED };
    let mut out = Vec::new();
    ordered(&paths, threads(jobs), many, one, |(c, j)| {
        code = code.max(c);
        out.extend(j);
    });
    if json {
        crate::term::outln!("{}", itl::json::to_string(&out));
    }
    code
}
