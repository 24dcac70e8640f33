//! DeviceTLInfo reports: the hashes of the trust lists phones hold, pulled out of any
//! text, and compared with the files the TFTP servers serve.
//!
//! [`Reader`] streams text (constant memory) and understands, in any mix:
//! - the phone's `<x-cisco-alarm><Alarm Name="DeviceTLInfo">` XML, also inside SIP traces
//!   and phone console logs whose records wrap the body mid-word;
//! - CUCM alarm/syslog text with `[Name=Value]` brackets or `Name=Value` pairs;
//! - CSV with a header row naming `DeviceName` and `ITL_Signature`.
//!
//! Text that holds no report is skipped with a vectorised substring search, not read line by
//! line. An alarm that never closes (a truncated body, a log rotated mid-message, a stray
//! `<x-cisco-alarm>` in a text line) ends at the next report of any format and comes out as
//! [`Event::Fragment`] with its first and last lines.
//!
//! [`Latest`] keeps the last report of each (DeviceName, ITL_TFTP_Server) in a few dozen bytes
//! a phone, and hands the rows out in order, one at a time.
//!
//! ```
//! use itl::devicetlinfo::{Event, Latest, Reader};
//! let text = "x\n%[DeviceName=SEP001122334455][ITL_Signature=1B A1][ITL_TFTP_Server=pub]: TL info\n";
//! let mut latest = Latest::default();
//! for ev in Reader::new(text.as_bytes()) {
//!     if let Event::Report(r) = ev.unwrap() {
//!         assert_eq!(r.line, 2);
//!         latest.add(r);
//!     }
//! }
//! assert_eq!(latest.len(), 1);
//! ```

use std::borrow::Cow;

use serde::Serialize;

use crate::hash::Checksums;

mod collect;
mod reader;
mod row;
mod table;

pub use collect::{collect, Collected, DevicesJson, LISTED};
pub use reader::Reader;
pub use table::Latest;

/// The longest line read; the rest of a longer one is skipped.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The most XML one alarm may take before it is dropped as not understood.
pub const MAX_ALARM_BYTES: usize = 64 * 1024;

/// One DeviceTLInfo report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Line where the report starts (1-based).
    pub line: usize,
    /// `DeviceName` (`SEP…`).
    pub device_name: Option<String>,
    /// `IPv4Address`.
    pub ipv4: Option<String>,
    /// `IPv6Address`.
    pub ipv6: Option<String>,
    /// `CTL_Signature`: a hash, `Not Installed`, …
    pub ctl_signature: Option<String>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<String>,
    /// `ITL_Signature`.
    pub itl_signature: Option<String>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<String>,
    /// `StatusCode`.
    pub status_code: Option<String>,
}

/// A report's parameter, named once here by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    DeviceName,
    Ipv4,
    Ipv6,
    CtlSignature,
    CtlTftpServer,
    ItlSignature,
    ItlTftpServer,
    StatusCode,
}

impl Param {
    /// The parameter a wire name (spaces around it ignored) names.
    pub(crate) fn of(name: &str) -> Option<Param> {
        Some(match name.trim() {
            "DeviceName" => Param::DeviceName,
            "IPv4Address" => Param::Ipv4,
            "IPv6Address" => Param::Ipv6,
            "CTL_Signature" => Param::CtlSignature,
            "CTL_TFTP_Server" => Param::CtlTftpServer,
            "ITL_Signature" => Param::ItlSignature,
            "ITL_TFTP_Server" => Param::ItlTftpServer,
            "StatusCode" => Param::StatusCode,
            _ => return None,
        })
    }
}

/// The field of a [`Report`] or [`ReportRef`] that holds parameter `$p`.
macro_rules! field {
    ($r:expr, $p:expr) => {
        match $p {
            Param::DeviceName => &mut $r.device_name,
            Param::Ipv4 => &mut $r.ipv4,
            Param::Ipv6 => &mut $r.ipv6,
            Param::CtlSignature => &mut $r.ctl_signature,
            Param::CtlTftpServer => &mut $r.ctl_tftp_server,
            Param::ItlSignature => &mut $r.itl_signature,
            Param::ItlTftpServer => &mut $r.itl_tftp_server,
            Param::StatusCode => &mut $r.status_code,
        }
    };
}

impl Report {
    /// Sets a parameter by its wire name; unknown names are ignored. Values are trimmed.
    pub fn set(&mut self, name: &str, value: &str) {
        if let Some(p) = Param::of(name) {
            *field!(self, p) = Some(value.trim().to_owned());
        }
    }

    /// The same report, borrowing its values.
    pub fn as_ref(&self) -> ReportRef<'_> {
        fn b(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(Cow::Borrowed)
        }
        ReportRef {
            line: self.line,
            device_name: b(&self.device_name),
            ipv4: b(&self.ipv4),
            ipv6: b(&self.ipv6),
            ctl_signature: b(&self.ctl_signature),
            ctl_tftp_server: b(&self.ctl_tftp_server),
            itl_signature: b(&self.itl_signature),
            itl_tftp_server: b(&self.itl_tftp_server),
            status_code: b(&self.status_code),
        }
    }
}

/// A [`Report`] whose values borrow from the text read (no allocation per report), as
/// [`Reader::next_ref`] gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRef<'a> {
    /// Line where the report starts (1-based).
    pub line: usize,
    /// `DeviceName`.
    pub device_name: Option<Cow<'a, str>>,
    /// `IPv4Address`.
    pub ipv4: Option<Cow<'a, str>>,
    /// `IPv6Address`.
    pub ipv6: Option<Cow<'a, str>>,
    /// `CTL_Signature`.
    pub ctl_signature: Option<Cow<'a, str>>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<Cow<'a, str>>,
    /// `ITL_Signature`.
    pub itl_signature: Option<Cow<'a, str>>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<Cow<'a, str>>,
    /// `StatusCode`.
    pub status_code: Option<Cow<'a, str>>,
}

impl<'a> ReportRef<'a> {
    /// Sets a parameter by its wire name, as [`Report::set`] does.
    pub fn set(&mut self, name: &str, value: &'a str) {
        self.set_cow(name, Cow::Borrowed(value));
    }

    fn set_cow(&mut self, name: &str, value: Cow<'a, str>) {
        if let Some(p) = Param::of(name) {
            self.set_param(p, value);
        }
    }

    /// Sets parameter `p` to `value`, trimmed.
    pub(crate) fn set_param(&mut self, p: Param, value: Cow<'a, str>) {
        *field!(self, p) = Some(match value {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
            Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
        });
    }

    /// The owned report.
    pub fn into_owned(self) -> Report {
        let o = |v: Option<Cow<'a, str>>| v.map(Cow::into_owned);
        Report {
            line: self.line,
            device_name: o(self.device_name),
            ipv4: o(self.ipv4),
            ipv6: o(self.ipv6),
            ctl_signature: o(self.ctl_signature),
            ctl_tftp_server: o(self.ctl_tftp_server),
            itl_signature: o(self.itl_signature),
            itl_tftp_server: o(self.itl_tftp_server),
            status_code: o(self.status_code),
        }
    }
}

impl From<Report> for ReportRef<'static> {
    /// The report's strings, moved.
    fn from(r: Report) -> Self {
        let o = |v: Option<String>| v.map(Cow::Owned);
        ReportRef {
            line: r.line,
            device_name: o(r.device_name),
            ipv4: o(r.ipv4),
            ipv6: o(r.ipv6),
            ctl_signature: o(r.ctl_signature),
            ctl_tftp_server: o(r.ctl_tftp_server),
            itl_signature: o(r.itl_signature),
            itl_tftp_server: o(r.itl_tftp_server),
            status_code: o(r.status_code),
        }
    }
}

/// What the reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A report with a device name.
    Report(Report),
    /// A report without `DeviceName`: skipped.
    MissingDeviceName {
        /// Line where it starts.
        line: usize,
    },
    /// A line that mentions DeviceTLInfo parameters but could not be read.
    NotUnderstood {
        /// The line.
        line: usize,
        /// Why.
        why: &'static str,
    },
    /// The start of an alarm that never closed (cut off, rotated away, or a stray
    /// `<x-cisco-alarm>`), skipped up to the next report of any format or the end; or a
    /// CiscoLog message split into `[part=SEQ.i/n]` pieces whose other parts never came
    /// (`first` and `last` are then the line of its first part).
    Fragment {
        /// Its first line.
        first: usize,
        /// Its last line.
        last: usize,
        /// Why.
        why: &'static str,
    },
}

/// An [`Event`] whose report borrows from the text read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRef<'a> {
    /// A report with a device name.
    Report(ReportRef<'a>),
    /// A report without `DeviceName`: skipped.
    MissingDeviceName {
        /// Line where it starts.
        line: usize,
    },
    /// A line that mentions DeviceTLInfo parameters but could not be read.
    NotUnderstood {
        /// The line.
        line: usize,
        /// Why.
        why: &'static str,
    },
    /// The start of an alarm that never closed; see [`Event::Fragment`].
    Fragment {
        /// Its first line.
        first: usize,
        /// Its last line.
        last: usize,
        /// Why.
        why: &'static str,
    },
}

impl EventRef<'_> {
    /// The owned event.
    pub fn into_owned(self) -> Event {
        match self {
            EventRef::Report(r) => Event::Report(r.into_owned()),
            EventRef::MissingDeviceName { line } => Event::MissingDeviceName { line },
            EventRef::NotUnderstood { line, why } => Event::NotUnderstood { line, why },
            EventRef::Fragment { first, last, why } => Event::Fragment { first, last, why },
        }
    }
}

/// A hash as a phone reports it, normalised: case, spaces and colons ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    /// The phone has no such trust list.
    NotInstalled,
    /// Bytes of a hash of a length that names its algorithm (16, 20, 32 or 64).
    Hash(Vec<u8>),
    /// Empty, `N/A`, or not a hash.
    Unusable,
}

/// Lower-case hex of a reported hash (at most 64 bytes, as [`hash_bytes`] gives them),
/// through a buffer: `hex::encode` builds its string a char at a time.
pub(crate) fn lower_hex(b: &[u8]) -> String {
    let mut buf = [0u8; 128];
    match buf.get_mut(..2 * b.len()).map(|out| hex::encode_to_slice(b, out).map(|()| out)) {
        Some(Ok(out)) => String::from_utf8_lossy(out).into_owned(),
        _ => hex::encode(b),
    }
}

/// The bytes of a reported hash (spaces, colons, tabs and dashes ignored, any case), when it
/// is 16, 20, 32 or 64 bytes long; no allocation.
pub(crate) fn hash_bytes(v: &str) -> Option<([u8; 64], usize)> {
    let mut out = [0u8; 64];
    let (mut n, mut half) = (0usize, None::<u8>);
    for &c in v.as_bytes() {
        let d = match c {
            b' ' | b':' | b'\t' | b'-' => continue,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        match half.take() {
            None => half = Some(d),
            Some(h) => {
                *out.get_mut(n)? = h << 4 | d;
                n += 1;
            }
        }
    }
    (half.is_none() && matches!(n, 16 | 20 | 32 | 64)).then_some((out, n))
}

/// Normalises a reported `ITL_Signature` / `CTL_Signature`.
pub fn normalize(value: Option<&str>) -> Reported {
    let Some(v) = value.map(str::trim) else { return Reported::Unusable };
    if v.eq_ignore_ascii_case("Not Installed") {
        return Reported::NotInstalled;
    }
    match hash_bytes(v) {
        Some((b, n)) => Reported::Hash(b[..n].to_vec()),
        None => Reported::Unusable,
    }
}

/// Status of one trust list on one phone, in CUCM 14's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// The phone holds the file the server serves.
    Match,
    /// It holds another one.
    Mismatch,
    /// It holds none.
    #[serde(rename = "Not Installed")]
    NotInstalled,
    /// No file given for that server, or no usable hash.
    Unknown,
}

impl Status {
    /// `Match`, `Mismatch`, `Not Installed`, `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Match => "Match",
            Status::Mismatch => "Mismatch",
            Status::NotInstalled => "Not Installed",
            Status::Unknown => "Unknown",
        }
    }
}

/// A trust list served by a TFTP server (`None` = by any server).
#[derive(Debug, Clone)]
pub struct Served {
    /// The TFTP server's name as phones report it; `None` for any.
    pub host: Option<String>,
    /// Where the file came from, for the output.
    pub label: String,
    /// Its whole-file digests.
    pub checksums: Checksums,
}

/// The file `served` for `server`: the one named for it, else one for any server.
fn served_for<'s>(served: &'s [Served], server: Option<&str>) -> Option<&'s Served> {
    let server = server.map(str::trim).unwrap_or("");
    served
        .iter()
        .find(|s| s.host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(server)))
        .or_else(|| served.iter().find(|s| s.host.is_none()))
}

/// Compares normalised hash bytes (`None`: not a hash) with the file served by `server`.
fn compare_hash<'s>(served: &'s [Served], server: Option<&str>, hash: Option<&[u8]>) -> (Status, Option<&'s str>) {
    let Some(f) = served_for(served, server) else { return (Status::Unknown, None) };
    let Some(h) = hash else { return (Status::Unknown, Some(&f.label)) };
    let c = &f.checksums;
    let same = match h.len() {
        16 => h == c.md5,
        20 => h == c.sha1,
        32 => h == c.sha256,
        _ => h == c.sha512,
    };
    (if same { Status::Match } else { Status::Mismatch }, Some(&f.label))
}

/// Compares a reported hash with the file served by `server`. Returns the status and the
/// label of the file compared with.
pub fn compare<'s>(served: &'s [Served], server: Option<&str>, reported: Option<&str>) -> (Status, Option<&'s str>) {
    compare_reported(served, server, &normalize(reported))
}

/// [`compare`] of a value already normalised.
pub(crate) fn compare_reported<'s>(
    served: &'s [Served],
    server: Option<&str>,
    reported: &Reported,
) -> (Status, Option<&'s str>) {
    match reported {
        Reported::NotInstalled => (Status::NotInstalled, None),
        Reported::Hash(h) => compare_hash(served, server, Some(h)),
        Reported::Unusable => compare_hash(served, server, None),
    }
}

/// One line of the devices report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    /// `DeviceName`.
    pub device: String,
    /// `IPv4Address`.
    pub ipv4: Option<String>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<String>,
    /// The reported ITL hash, lower-case hex (or the phone's words when it is not a hash).
    pub itl_hash: Option<String>,
    /// ITL status.
    pub itl_status: Status,
    /// The file compared with.
    pub itl_file: Option<String>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<String>,
    /// The reported CTL hash.
    pub ctl_hash: Option<String>,
    /// CTL status.
    pub ctl_status: Status,
    /// The file compared with.
    pub ctl_file: Option<String>,
}

/// Counts of ITL statuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `Match`.
    #[serde(rename = "Match")]
    pub matched: usize,
    /// `Mismatch`.
    #[serde(rename = "Mismatch")]
    pub mismatch: usize,
    /// `Not Installed`.
    #[serde(rename = "Not Installed")]
    pub not_installed: usize,
    /// `Unknown`.
    #[serde(rename = "Unknown")]
    pub unknown: usize,
}

impl Summary {
    /// Counts one row's ITL status.
    pub fn count(&mut self, s: Status) {
        match s {
            Status::Match => self.matched += 1,
            Status::Mismatch => self.mismatch += 1,
            Status::NotInstalled => self.not_installed += 1,
            Status::Unknown => self.unknown += 1,
        }
    }
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

/// The JSON fields of a row, in the order `itlctl devices --json` writes them.
#[derive(Serialize)]
struct RowJson<'a> {
    ctl_file: &'a Option<String>,
    ctl_hash: &'a Option<String>,
    ctl_status: Status,
    ctl_tftp_server: &'a Option<String>,
    device: &'a str,
    ipv4: &'a Option<String>,
    itl_file: &'a Option<String>,
    itl_hash: &'a Option<String>,
    itl_status: Status,
    itl_tftp_server: &'a Option<String>,
}

/// The JSON of `itlctl devices --json` (docs/cli.md), written row by row as the rows come:
/// `{"devices": [...], "fragments_skipped", "reports_read", "summary": {...}}`, pretty, keys
/// in order. Returns the ITL status counts.
pub fn write_json<W: std::io::Write>(
    mut w: W,
    rows: impl IntoIterator<Item = DeviceRow>,
    counts: Counts,
) -> std::io::Result<Summary> {
    let mut sum = Summary::default();
    let mut one = Vec::with_capacity(1024);
    let mut first = true;
    w.write_all(b"{\n  \"devices\": [")?;
    for r in rows {
        sum.count(r.itl_status);
        one.clear();
        let j = RowJson {
            ctl_file: &r.ctl_file,
            ctl_hash: &r.ctl_hash,
            ctl_status: r.ctl_status,
            ctl_tftp_server: &r.ctl_tftp_server,
            device: &r.device,
            ipv4: &r.ipv4,
            itl_file: &r.itl_file,
            itl_hash: &r.itl_hash,
            itl_status: r.itl_status,
            itl_tftp_server: &r.itl_tftp_server,
        };
        serde_json::to_writer_pretty(&mut one, &j).map_err(std::io::Error::other)?;
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        // JSON strings hold no raw newline: indent every line of the row by two levels.
        for (i, l) in one.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                w.write_all(b"\n")?;
            }
            w.write_all(b"    ")?;
            w.write_all(l)?;
        }
    }
    w.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    writeln!(
        w,
        "  \"fragments_skipped\": {},\n  \"reports_read\": {},",
        counts.fragments_skipped, counts.reports_read
    )?;
    writeln!(
        w,
        "  \"summary\": {{\n    \"Match\": {},\n    \"Mismatch\": {},\n    \"Not Installed\": {},\n    \"Unknown\": {}\n  }}\n}}",
        sum.matched, sum.mismatch, sum.not_installed, sum.unknown
    )?;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_normalise() {
        assert_eq!(normalize(Some("Not Installed")), Reported::NotInstalled);
        assert_eq!(normalize(Some("N/A")), Reported::Unusable);
        assert!(
            matches!(normalize(Some("1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D ")), Reported::Hash(h) if h.len() == 20)
        );
        assert!(
            matches!(normalize(Some("1b:a1:c9:07:e9:9e:4d:3c:53:9d:c8:14:24:af:6c:9f")), Reported::Hash(h) if h.len() == 16)
        );
        assert_eq!(normalize(Some("1B A1")), Reported::Unusable);
        assert_eq!(normalize(Some("1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6")), Reported::Unusable);
        assert_eq!(normalize(Some(&"ab".repeat(65))), Reported::Unusable);
        assert_eq!(normalize(Some("")), Reported::Unusable);
    }

    #[test]
    fn hash_bytes_agree_with_hex_decode() {
        // The `hex` crate is the reference for what a hash string decodes to.
        for s in ["00112233445566778899aabbccddeeff", "0-0:1 1\t22 33445566778899AABBCCDDEEFF", "0g", "abc", ""] {
            let stripped: String = s.chars().filter(|c| !matches!(c, ' ' | ':' | '\t' | '-')).collect();
            let want = hex::decode(stripped).ok().filter(|b| matches!(b.len(), 16 | 20 | 32 | 64));
            assert_eq!(hash_bytes(s).map(|(b, n)| b[..n].to_vec()), want, "{s}");
        }
    }
}
