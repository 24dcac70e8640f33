//! Reading one report stream into its latest reports, with the counts and the messages a
//! user should see about what could not be read: the one place both `itlctl devices` and
//! the Python `itlctl.devices` take them from.

use std::io::BufRead;

use serde::Serialize;

use super::reader::Reader;
use super::report::EventRef;
use super::table::Latest;

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

/// How much of the input was read: reports, and fragments that could not be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Reports read (every one, before the latest of each phone is kept).
    pub reports_read: usize,
    /// Text skipped: alarms that never closed, lines not understood, reports without
    /// `DeviceName`.
    pub fragments_skipped: usize,
}

impl Counts {
    /// Counts one event.
    pub fn count(&mut self, ev: &EventRef<'_>) {
        match ev {
            EventRef::Report(_) => self.reports_read += 1,
            _ => self.fragments_skipped += 1,
        }
    }

    /// Adds another file's counts.
    pub fn add(&mut self, o: Counts) {
        self.reports_read += o.reports_read;
        self.fragments_skipped += o.fragments_skipped;
    }
}
