//! `itlctl devices`: which phones hold a stale ITL or CTL.

use std::io::BufReader;

use itl::devicetlinfo::{Event, Latest, Reader, Served, Status};
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

/// `itlctl devices --itl [HOST=]FILE... [--ctl [HOST=]FILE...] [--json|--csv] REPORT...`.
pub fn devices(itl_args: &[String], ctl_args: &[String], json_out: bool, csv_out: bool, reports: &[String]) -> u8 {
    let (Some(itl), Some(ctl)) = (served(itl_args), served(ctl_args)) else { return FAILED };
    let mut latest = Latest::default();
    let mut code = OK;
    for path in reports {
        let input: Box<dyn std::io::Read> = if path == "-" {
            Box::new(std::io::stdin())
        } else {
            match std::fs::File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    fail(path, &format!("cannot read: {e}; check the path and permissions"));
                    code = FAILED;
                    continue;
                }
            }
        };
        let mut reader = Reader::new(BufReader::with_capacity(256 * 1024, input));
        let (mut bad, mut bad_lines, mut unnamed, mut count) = (0usize, Vec::new(), Vec::new(), 0usize);
        for ev in reader.by_ref() {
            match ev {
                Ok(Event::Report(r)) => {
                    count += 1;
                    latest.add(r);
                }
                Ok(Event::MissingDeviceName { line }) => {
                    if unnamed.len() < LISTED {
                        unnamed.push(line);
                    }
                }
                Ok(Event::NotUnderstood { line, .. }) => {
                    bad += 1;
                    if bad_lines.len() < LISTED {
                        bad_lines.push(line);
                    }
                }
                Err(e) => {
                    fail(path, &format!("read error after line {}: {e}", reader.lines()));
                    code = FAILED;
                    break;
                }
            }
        }
        let list = |v: &[usize], n: usize| {
            let s: Vec<String> = v.iter().map(usize::to_string).collect();
            format!("{}{}", s.join(", "), if n > v.len() { ", …" } else { "" })
        };
        if bad > 0 {
            fail(path, &format!("{bad} lines not understood (lines {}); {count} reports read", list(&bad_lines, bad)));
        }
        if !unnamed.is_empty() {
            fail(
                path,
                &format!("warning: reports without DeviceName skipped (lines {})", list(&unnamed, unnamed.len())),
            );
        }
    }
    let (rows, sum) = latest.rows(&itl, &ctl);
    if json_out {
        let j = itl::json::DevicesJson { devices: &rows, summary: sum };
        println!("{}", itl::json::to_string(&serde_json::to_value(j).unwrap_or_default()));
    } else if csv_out {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        for r in &rows {
            if w.serialize(r).is_err() {
                return FAILED;
            }
        }
        let _ = w.flush();
    } else {
        println!("{:<18} {:<16} {:<28} {:<14} CTL STATUS", "DEVICE", "IPV4", "ITL TFTP SERVER", "ITL STATUS");
        for r in &rows {
            println!(
                "{:<18} {:<16} {:<28} {:<14} {}",
                r.device,
                r.ipv4.as_deref().unwrap_or("-"),
                r.itl_tftp_server.as_deref().unwrap_or("-"),
                r.itl_status.as_str(),
                r.ctl_status.as_str()
            );
        }
        println!(
            "{} devices: {} Match, {} Mismatch, {} Not Installed, {} Unknown (ITL)",
            rows.len(),
            sum.matched,
            sum.mismatch,
            sum.not_installed,
            sum.unknown
        );
    }
    if rows.iter().any(|r| r.itl_status == Status::Mismatch || r.ctl_status == Status::Mismatch) {
        code = code.max(NEGATIVE);
    }
    code
}
