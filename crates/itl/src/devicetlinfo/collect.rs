//! Reading one report stream into its latest reports, with the counts and the messages a
//! user should see about what could not be read: the one place both `itlctl devices` and
//! the Python `itlctl.devices` take them from.

use std::io::BufRead;

use serde::Serialize;

use super::{Counts, DeviceRow, EventRef, Latest, Reader, Summary};

/// Most line numbers listed in a message.
pub const LISTED: usize = 10;

/// What one report stream held.
#[derive(Debug, Default)]
pub struct Collected {
    /// The latest report of each phone and server.
    pub latest: Latest,
    /// Reports read and text skipped.
    pub counts: Counts,
    /// What could not be read, one line each, in the words `itlctl devices` prints
    /// (`3 lines not understood (lines 4, 9, 12); 20 reports read`).
    pub messages: Vec<String>,
    /// A read error that ended the stream early.
    pub error: Option<String>,
}

/// `1, 2, 3, …`: at most [`LISTED`] items of `n`.
fn list(v: &[String], n: usize) -> String {
    format!("{}{}", v.join(", "), if n > v.len() { ", …" } else { "" })
}

/// Reads every report of `input`.
pub fn collect<R: BufRead>(input: R) -> Collected {
    let mut out = Collected::default();
    let mut reader = Reader::new(input);
    let (mut bad, mut bad_lines, mut unnamed, mut count) = (0usize, Vec::new(), Vec::new(), 0usize);
    let (mut frags, mut frag_lines) = (0usize, Vec::new());
    loop {
        let ev = match reader.next_ref() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                out.error = Some(format!("read error after line {}: {e}", reader.lines()));
                break;
            }
        };
        out.counts.count(&ev);
        match ev {
            EventRef::Report(r) => {
                count += 1;
                out.latest.stage_ref(&r);
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
    out.latest.flush();
    if bad > 0 {
        out.messages
            .push(format!("{bad} lines not understood (lines {}); {count} reports read", list(&bad_lines, bad)));
    }
    if frags > 0 {
        out.messages.push(format!(
            "{frags} alarm fragments (never closed, or split with a part missing) could not be read (lines {}); the reports after them were read",
            list(&frag_lines, frags)
        ));
    }
    if !unnamed.is_empty() {
        let n = unnamed.len();
        out.messages.push(format!("warning: reports without DeviceName skipped (lines {})", list(&unnamed, n)));
    }
    out
}

/// `itlctl devices --json`: the rows, the counts of what was read, and the ITL statuses.
/// [`super::write_json`] streams the same object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DevicesJson<'a> {
    /// One row per (device, ITL TFTP server).
    pub devices: &'a [DeviceRow],
    /// Text skipped: alarms that never closed, lines not understood, reports without
    /// `DeviceName`.
    pub fragments_skipped: usize,
    /// Reports read, duplicates included.
    pub reports_read: usize,
    /// Counts of ITL statuses.
    pub summary: Summary,
}

impl<'a> DevicesJson<'a> {
    /// The object for `rows` read with `counts`; the summary is counted from the rows.
    pub fn new(rows: &'a [DeviceRow], counts: Counts) -> Self {
        let mut summary = Summary::default();
        for r in rows {
            summary.count(r.itl_status);
        }
        DevicesJson {
            devices: rows,
            fragments_skipped: counts.fragments_skipped,
            reports_read: counts.reports_read,
            summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_json_is_the_serde_json() {
        let text = "x [DeviceName=SEP1][ITL_Signature=00112233445566778899aabbccddeeff00112233][ITL_TFTP_Server=a]\n\
                    y [DeviceName=SEP2][ITL_Signature=Not Installed][ITL_TFTP_Server=b]\n<x-cisco-alarm>\n";
        let c = collect(text.as_bytes());
        assert_eq!(c.counts.reports_read, 2);
        let (rows, _) = c.latest.rows(&[], &[]);
        let mut streamed = Vec::new();
        super::super::write_json(&mut streamed, rows.clone(), c.counts).unwrap();
        // The same object (the streamed writer sorts keys as the CLI always printed them).
        let streamed: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        assert_eq!(streamed, serde_json::to_value(DevicesJson::new(&rows, c.counts)).unwrap());
    }
}
