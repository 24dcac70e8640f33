//! `itlctl devices`: which phones hold a stale ITL or CTL.

use std::io::BufReader;

use itl::devicetlinfo::{Counts, DeviceRow, EventRef, Latest, Reader, Served, Status, Summary};
use itl::hash::Checksums;

use crate::input::{fail, read, FAILED, NEGATIVE, OK};

/// Most line numbers listed in the summary of lines not understood.
const LISTED: usize = 10;

/// Reads `[HOST=]FILE` arguments.
fn served(args: &[String]) -> Option<Vec<Served>> {
    let mut out = Vec::new();
    for a in args {
        let (host, file) = match a.split_once('=') {
            Some((h, f)) if !h.is_empty() && !h.contains(['/', '\\']) => (Some(h.to_owned()), f),
            _ => (None, a.as_str()),
        };
        let inp = read(file)?;
        match itl::TrustList::parse(&inp.bytes) {
            Err(e) => {
                fail(file, &format!("not a well-formed trust list, so phones cannot hold it: {}", e.located()));
                return None;
            }
            Ok(l) => {
                let v = itl::verify::verify(&l);
                if !v.is_valid() {
                    let why = v.reason.map(|r| r.to_string()).unwrap_or_default();
                    fail(file, &format!("warning: its signature does not verify ({why}); phones reject this file"));
                }
            }
        }
        out.push(Served { host, label: file.to_owned(), checksums: Checksums::of(&inp.bytes) });
    }
    Some(out)
}

/// One report file read: its latest reports, counts, and the messages to print for it.
struct FileRead {
    latest: Latest,
    counts: Counts,
    messages: Vec<String>,
    failed: bool,
}

/// `1, 2, 3, …`: at most [`LISTED`] items of `n`.
fn list(v: &[String], n: usize) -> String {
    format!("{}{}", v.join(", "), if n > v.len() { ", …" } else { "" })
}

/// Reads one report file (`-`: stdin) into its own table.
fn read_report(path: &str) -> FileRead {
    let mut out =
        FileRead { latest: Latest::default(), counts: Counts::default(), messages: Vec::new(), failed: false };
    let input: Box<dyn std::io::Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                out.messages.push(format!("cannot read: {e}; check the path and permissions"));
                out.failed = true;
                return out;
            }
        }
    };
    let input = crate::term::progress_reader(path, input);
    let mut reader = Reader::new(BufReader::with_capacity(256 * 1024, input));
    let (mut bad, mut bad_lines, mut unnamed, mut count) = (0usize, Vec::new(), Vec::new(), 0usize);
    let (mut frags, mut frag_lines) = (0usize, Vec::new());
    loop {
        let ev = match reader.next_ref() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let n = reader.lines();
                out.messages.push(format!("read error after line {n}: {e}"));
                out.failed = true;
                break;
            }
        };
        out.counts.count(&ev);
        match ev {
            EventRef::Report(r) => {
                count += 1;
                out.latest.add_ref(&r);
            }
            EventRef::MissingDeviceName { line } => {
                if unnamed.len() < LISTED {
                    unnamed.push(line.to_string());
                }
            }
            EventRef::NotUnderstood { line, .. } => {
                bad += 1;
                if bad_lines.len() < LISTED {
                    bad_lines.push(line.to_string());
                }
            }
            EventRef::Fragment { first, last, .. } => {
                frags += 1;
                if frag_lines.len() < LISTED {
                    frag_lines.push(if first == last { first.to_string() } else { format!("{first}-{last}") });
                }
            }
        }
    }
    if bad > 0 {
        out.messages
            .push(format!("{bad} lines not understood (lines {}); {count} reports read", list(&bad_lines, bad)));
    }
    if frags > 0 {
        out.messages.push(format!(
            "{frags} alarm fragments that never close could not be read (lines {}); the reports after them were read",
            list(&frag_lines, frags)
        ));
    }
    if !unnamed.is_empty() {
        let n = unnamed.len();
        out.messages.push(format!("warning: reports without DeviceName skipped (lines {})", list(&unnamed, n)));
    }
    out
}

/// Reads every report file, on as many threads as there are cores (one file each), and
/// merges them in argument order so that the last report still wins. Prints each file's
/// messages in that order; `false` when a file could not be read.
fn read_reports(reports: &[String]) -> (Latest, Counts, bool) {
    let mut latest = Latest::default();
    let mut counts = Counts::default();
    let mut ok = true;
    let mut take = |i: usize, f: FileRead| {
        for m in &f.messages {
            fail(&reports[i], m);
        }
        ok &= !f.failed;
        counts.add(f.counts);
        if latest.is_empty() {
            latest = f.latest;
        } else {
            latest.merge(f.latest);
        }
    };
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(reports.len());
    if workers <= 1 {
        for (i, p) in reports.iter().enumerate() {
            take(i, read_report(p));
        }
        return (latest, counts, ok);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, FileRead)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(p) = reports.get(i) else { break };
                if tx.send((i, read_report(p))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (i, f) in rx {
            pending.insert(i, f);
            while let Some(f) = pending.remove(&want) {
                take(want, f);
                want += 1;
            }
        }
    });
    (latest, counts, ok)
}

/// `itlctl devices --itl [HOST=]FILE... [--ctl [HOST=]FILE...] [--json|--csv] REPORT...`.
pub fn devices(itl_args: &[String], ctl_args: &[String], json_out: bool, csv_out: bool, reports: &[String]) -> u8 {
    let (Some(itl), Some(ctl)) = (served(itl_args), served(ctl_args)) else { return FAILED };
    let (latest, counts, read_ok) = read_reports(reports);
    let mut code = if read_ok { OK } else { FAILED };
    let mut mismatch = false;
    let rows = latest.sorted_rows(&itl, &ctl).inspect(|r| {
        mismatch |= r.itl_status == Status::Mismatch || r.ctl_status == Status::Mismatch;
    });
    // Through term::Stdout: a closed pipe ends quietly, any other write error is reported.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, crate::term::Stdout);
    let written = if json_out {
        itl::devicetlinfo::write_json(&mut out, rows, counts).map(|_| ())
    } else if csv_out {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut res = Ok(());
        for r in rows {
            if let Err(e) = w.serialize(&r) {
                res = Err(std::io::Error::other(e));
                break;
            }
        }
        res.and_then(|()| w.flush())
    } else {
        table(&mut out, rows, counts)
    };
    drop(latest);
    if written.and_then(|()| std::io::Write::flush(&mut out)).is_err() {
        // A closed pipe (`| head`): stop quietly.
        return code;
    }
    if mismatch {
        code = code.max(NEGATIVE);
    }
    code
}

/// The text table and its summary line.
fn table<W: std::io::Write>(out: &mut W, rows: impl Iterator<Item = DeviceRow>, counts: Counts) -> std::io::Result<()> {
    writeln!(out, "{:<18} {:<16} {:<28} {:<14} CTL STATUS", "DEVICE", "IPV4", "ITL TFTP SERVER", "ITL STATUS")?;
    let (mut sum, mut n) = (Summary::default(), 0usize);
    for r in rows {
        n += 1;
        sum.count(r.itl_status);
        writeln!(
            out,
            "{:<18} {:<16} {:<28} {:<14} {}",
            r.device,
            r.ipv4.as_deref().unwrap_or("-"),
            r.itl_tftp_server.as_deref().unwrap_or("-"),
            crate::term::verdict(r.itl_status.as_str()),
            crate::term::verdict(r.ctl_status.as_str())
        )?;
    }
    writeln!(
        out,
        "{n} devices: {} Match, {} Mismatch, {} Not Installed, {} Unknown (ITL); reports read: {}, fragments skipped: {}",
        sum.matched, sum.mismatch, sum.not_installed, sum.unknown, counts.reports_read, counts.fragments_skipped
    )
}
