//! `itlctl devices --itl [HOST=]FILE... [--ctl [HOST=]FILE...] [--json|--csv] [REPORT...]
//! [--probe ADDR|CIDR|@FILE]... [--ris URL ...]`: which phones hold a stale ITL or CTL, from
//! their DeviceTLInfo reports and from their own web pages (`super::phones`).

use std::io::BufReader;

use clap::Args;
use itl::devicetlinfo::{
    Collected, Counts, DeviceRow, Latest, ProbeCounts, ProbeRows, Reference, Served, Status, Summary,
};
use itl::hash::Checksums;
use itl::Kind;

use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::{fail, read};

// The arguments of `devices` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// The ITL a TFTP server serves, as HOST=FILE (HOST as phones report it in
    /// ITL_TFTP_Server), or FILE for any server; a TFTP folder for its ITL*.tlv (ITLFile.tlv
    /// first). Repeat for each server.
    #[arg(long, required = true, value_name = "[HOST=]FILE|DIR")]
    itl: Vec<String>,
    /// The CTL, likewise.
    #[arg(long, value_name = "[HOST=]FILE|DIR")]
    ctl: Vec<String>,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV.
    #[arg(long)]
    csv: bool,
    /// Files holding DeviceTLInfo alarms (phone XML, SIP traces, console logs, CUCM
    /// alarm or syslog text, CSV); `-` for standard input. Optional with --probe or --ris.
    #[arg(required_unless_present_any = ["probe", "ris"])]
    reports: Vec<String>,
    #[command(flatten)]
    phones: super::phones::PhoneArgs,
}

/// Reads `[HOST=]FILE|DIR` arguments ([`Reference`]); a folder gives its trust lists of `kind`.
fn served(args: &[String], kind: Kind) -> Option<Vec<Served>> {
    let mut out = Vec::new();
    for a in args {
        let r = Reference::parse(a);
        let files = match r.files(kind) {
            Ok(f) if f.is_empty() => {
                fail(a, &format!("holds no {}*.tlv file", kind.as_str()));
                return None;
            }
            Ok(f) => f,
            Err(e) => {
                fail(a, &format!("cannot read the folder: {e}"));
                return None;
            }
        };
        for path in files {
            let file = &*path.to_string_lossy();
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
            out.push(Served { host: r.host.clone(), label: file.to_owned(), checksums: Checksums::of(&inp.bytes) });
        }
    }
    Some(out)
}

/// Reads one report file (`-`: stdin) into its own table.
fn read_report(path: &str) -> Collected {
    let input: Box<dyn std::io::Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else if itl_transport::is_url(path) {
        match itl_transport::download(path) {
            Ok(bytes) => Box::new(std::io::Cursor::new(bytes)),
            Err(e) => return Collected { error: Some(e.to_string()), ..Collected::default() },
        }
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return Collected {
                    error: Some(format!("cannot read: {e}; check the path and permissions")),
                    ..Collected::default()
                };
            }
        }
    };
    let input = crate::term::progress_reader(path, input);
    itl::devicetlinfo::collect(BufReader::with_capacity(256 * 1024, input))
}

/// Reads every report file, on as many threads as there are cores (one file each), and
/// merges them in argument order so that the last report still wins. Prints each file's
/// messages in that order; `false` when a file could not be read.
fn read_reports(reports: &[String]) -> (Latest, Counts, bool) {
    let mut latest = Latest::default();
    let mut counts = Counts::default();
    let mut ok = true;
    let mut take = |i: usize, f: Collected| {
        for m in f.messages.iter().chain(&f.error) {
            fail(&reports[i], m);
        }
        ok &= f.error.is_none();
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
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Collected)>();
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

/// Runs `itlctl devices --itl [HOST=]FILE|DIR... [--ctl [HOST=]FILE|DIR...] [--json|--csv]
/// [REPORT...] [--probe ...] [--ris ...]`.
pub fn run(args: &DevicesArgs) -> u8 {
    let DevicesArgs { itl: itl_args, ctl: ctl_args, json: json_out, csv: csv_out, reports, phones } = args;
    let (json_out, csv_out) = (*json_out, *csv_out);
    let (Some(itl), Some(ctl)) = (served(itl_args, Kind::Itl), served(ctl_args, Kind::Ctl)) else { return FAILED };
    // Every argument checked before any phone or CUCM is asked.
    let planned = if phones.any() {
        match super::phones::check(phones) {
            Some(p) => Some(p),
            None => return FAILED,
        }
    } else {
        None
    };
    let (latest, counts, read_ok) = read_reports(reports);
    let probed = match planned {
        None => None,
        Some(p) => match super::phones::run(phones, p) {
            Some((probed, fleet)) => Some(ProbeRows::new(&probed, &fleet.names, &itl, &ctl)),
            None => return FAILED,
        },
    };
    let mut code = if read_ok { OK } else { FAILED };
    let mut mismatch = false;
    let probe_counts = probed.as_ref().map(|p| p.counts);
    let reported = latest.sorted_rows(&itl, &ctl);
    let rows: Box<dyn Iterator<Item = DeviceRow>> = match probed {
        Some(p) => Box::new(p.merge(reported)),
        None => Box::new(reported),
    };
    let rows = rows.inspect(|r| {
        mismatch |= r.itl_status == Status::Mismatch || r.ctl_status == Status::Mismatch;
    });
    // Through term::Stdout: a closed pipe ends quietly, any other write error is reported.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, crate::term::Stdout);
    let written = if json_out {
        itl::devicetlinfo::write_json_probed(&mut out, rows, counts, probe_counts).map(|_| ())
    } else if csv_out {
        // The header row is written even when there are no rows (serde writes it with the
        // first record only).
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut out);
        let mut res = w.write_record(itl::devicetlinfo::CsvRow::HEADER).map_err(std::io::Error::other);
        for r in rows {
            if res.is_err() {
                break;
            }
            res = w.write_record(r.csv().cells()).map_err(std::io::Error::other);
        }
        res.and_then(|()| w.flush())
    } else {
        table(&mut out, rows, counts, probe_counts)
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

/// `text` left-aligned in `width` characters and a space, as `{:<width$} ` writes it
/// (without `fmt`'s one write per fill character: the table can have 200,000 rows).
fn cell<W: std::io::Write>(out: &mut W, text: &str, width: usize) -> std::io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    out.write_all(text.as_bytes())?;
    let fill = width.saturating_sub(text.chars().count()).min(SPACES.len() - 1);
    out.write_all(&SPACES[..=fill])
}

/// The text table and its summary line.
fn table<W: std::io::Write>(
    out: &mut W,
    rows: impl Iterator<Item = DeviceRow>,
    counts: Counts,
    probe: Option<ProbeCounts>,
) -> std::io::Result<()> {
    writeln!(out, "{:<18} {:<16} {:<28} {:<14} CTL STATUS", "DEVICE", "IPV4", "ITL TFTP SERVER", "ITL STATUS")?;
    let (mut sum, mut n) = (Summary::default(), 0usize);
    for r in rows {
        n += 1;
        sum.count(r.itl_status);
        cell(out, &r.device, 18)?;
        cell(out, r.ipv4.as_deref().or(r.address.as_deref()).unwrap_or("-"), 16)?;
        cell(out, r.itl_tftp_server.as_deref().unwrap_or("-"), 28)?;
        write!(
            out,
            "{:<14} {}",
            crate::term::verdict(r.itl_status.as_str()),
            crate::term::verdict(r.ctl_status.as_str())
        )?;
        match r.reason {
            Some(why) => writeln!(out, " ({})", why.as_str())?,
            None => writeln!(out)?,
        }
    }
    write!(
        out,
        "{n} devices: {} Match, {} Mismatch, {} Not Installed, {} Unknown (ITL); reports read: {}, fragments skipped: {}",
        sum.matched, sum.mismatch, sum.not_installed, sum.unknown, counts.reports_read, counts.fragments_skipped
    )?;
    match probe {
        Some(p) => writeln!(
            out,
            "; phones asked: {}, answered: {}, unreachable: {}, no web access: {}, not understood: {}",
            p.asked, p.answered, p.unreachable, p.no_web_access, p.not_understood
        ),
        None => writeln!(out),
    }
}
