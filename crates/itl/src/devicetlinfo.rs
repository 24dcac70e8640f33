//! DeviceTLInfo reports: the hashes of the trust lists phones hold, pulled out of any
//! text, and compared with the files the TFTP servers serve.
//!
//! [`Reader`] streams lines (constant memory) and understands, in any mix:
//! - the phone's `<x-cisco-alarm><Alarm Name="DeviceTLInfo">` XML, also inside SIP traces
//!   and phone console logs whose records wrap the body mid-word;
//! - CUCM alarm/syslog text with `[Name=Value]` brackets or `Name=Value` pairs;
//! - CSV with a header row naming `DeviceName` and `ITL_Signature`.

use std::io::BufRead;

use memchr::memmem::Finder;
use serde::Serialize;

use crate::hash::Checksums;

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

impl Report {
    /// Sets a parameter by its wire name; unknown names are ignored. Values are trimmed.
    pub fn set(&mut self, name: &str, value: &str) {
        let v = Some(value.trim().to_owned());
        match name.trim() {
            "DeviceName" => self.device_name = v,
            "IPv4Address" => self.ipv4 = v,
            "IPv6Address" => self.ipv6 = v,
            "CTL_Signature" => self.ctl_signature = v,
            "CTL_TFTP_Server" => self.ctl_tftp_server = v,
            "ITL_Signature" => self.itl_signature = v,
            "ITL_TFTP_Server" => self.itl_tftp_server = v,
            "StatusCode" => self.status_code = v,
            _ => {}
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
}

/// Substring searchers built once per reader.
#[derive(Debug)]
struct Needles {
    alarm: Finder<'static>,
    end: Finder<'static>,
    device: Finder<'static>,
    signature: Finder<'static>,
    tlinfo: Finder<'static>,
}

impl Needles {
    fn new() -> Self {
        Needles {
            alarm: Finder::new("<x-cisco-alarm"),
            end: Finder::new(ALARM_END),
            device: Finder::new("DeviceName="),
            signature: Finder::new("_Signature"),
            tlinfo: Finder::new("DeviceTLInfo"),
        }
    }
}

const ALARM_END: &str = "</x-cisco-alarm>";

/// Streams [`Event`]s out of text, one line at a time.
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    needles: Needles,
    line: usize,
    buf: Vec<u8>,
    xml: String,
    xml_line: usize,
    in_xml: bool,
    csv_header: Option<Vec<String>>,
    csv: csv_core::Reader,
}

impl<R: BufRead> Reader<R> {
    /// Reads from `inner`.
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            needles: Needles::new(),
            line: 0,
            buf: Vec::new(),
            xml: String::new(),
            xml_line: 0,
            in_xml: false,
            csv_header: None,
            csv: csv_core::Reader::new(),
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> usize {
        self.line
    }
}

/// Strips a phone console log record prefix (`5851 DEB Mar 09 18:32:45.420021 (618:927) JAVA-`).
fn console_prefix(s: &str) -> Option<&str> {
    if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut it = s.splitn(7, ' ');
    let seq = it.next()?;
    let level = it.next()?;
    let (_mon, _day, time, pid) = (it.next()?, it.next()?, it.next()?, it.next()?);
    let rest = it.next()?;
    let ok = !seq.is_empty()
        && seq.bytes().all(|b| b.is_ascii_digit())
        && level.len() == 3
        && level.bytes().all(|b| b.is_ascii_uppercase())
        && time.contains(':')
        && pid.starts_with('(')
        && pid.ends_with(')');
    if !ok {
        return None;
    }
    Some(rest.split_once('-').map_or(rest, |(_, r)| r))
}

fn parse_xml(text: &str, line: usize) -> Event {
    use quick_xml::events::Event as X;
    let mut rd = quick_xml::Reader::from_str(text);
    let mut r = Report { line, ..Report::default() };
    let mut is_tlinfo = false;
    let mut param: Option<String> = None;
    let mut value = String::new();
    loop {
        match rd.read_event() {
            Ok(X::Start(e)) | Ok(X::Empty(e)) if e.name().as_ref() == b"Alarm" => {
                is_tlinfo =
                    e.try_get_attribute("Name").ok().flatten().is_some_and(|a| a.value.as_ref() == b"DeviceTLInfo");
            }
            Ok(X::Start(e)) if matches!(e.name().as_ref(), b"String" | b"Enum") => {
                param = e
                    .try_get_attribute("name")
                    .ok()
                    .flatten()
                    .and_then(|a| std::str::from_utf8(&a.value).ok().map(str::to_owned));
                value.clear();
            }
            Ok(X::Text(t)) if param.is_some() => match t.decode() {
                Ok(v) => value.push_str(&v),
                Err(_) => return Event::NotUnderstood { line, why: "malformed alarm XML" },
            },
            Ok(X::GeneralRef(g)) if param.is_some() => match g.resolve_char_ref() {
                Ok(Some(c)) => value.push(c),
                _ => match g.as_ref() {
                    b"amp" => value.push('&'),
                    b"lt" => value.push('<'),
                    b"gt" => value.push('>'),
                    b"quot" => value.push('"'),
                    b"apos" => value.push('\''),
                    _ => return Event::NotUnderstood { line, why: "malformed alarm XML" },
                },
            },
            Ok(X::End(e)) if matches!(e.name().as_ref(), b"String" | b"Enum") => {
                if let Some(p) = param.take() {
                    r.set(&p, &value);
                }
            }
            Ok(X::Eof) => break,
            Err(_) => return Event::NotUnderstood { line, why: "malformed alarm XML" },
            Ok(_) => {}
        }
    }
    if !is_tlinfo {
        return Event::NotUnderstood { line, why: "an alarm that is not DeviceTLInfo" };
    }
    finish(r)
}

fn finish(r: Report) -> Event {
    if r.device_name.as_deref().is_none_or(str::is_empty) {
        Event::MissingDeviceName { line: r.line }
    } else {
        Event::Report(r)
    }
}

/// `[Name=Value]` brackets.
fn parse_brackets(text: &str, line: usize) -> Event {
    let mut r = Report { line, ..Report::default() };
    for part in text.split('[').skip(1) {
        let inner = part.split(']').next().unwrap_or("");
        if let Some((k, v)) = inner.split_once('=') {
            r.set(k, v);
        }
    }
    finish(r)
}

/// `Name=Value Name=Value …` where values may hold spaces: a value runs to the next name.
fn parse_pairs(text: &str, line: usize) -> Event {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut keys: Vec<(usize, usize)> = Vec::new();
    for (eq, _) in text.match_indices('=') {
        let mut s = eq;
        while s > 0 && ident(b[s - 1]) {
            s -= 1;
        }
        if s < eq && (s == 0 || matches!(b[s - 1], b' ' | b'\t' | b',' | b';' | b':')) {
            keys.push((s, eq));
        }
    }
    let mut r = Report { line, ..Report::default() };
    for (i, &(s, eq)) in keys.iter().enumerate() {
        let end = keys.get(i + 1).map_or(text.len(), |k| k.0);
        let v = text[eq + 1..end].trim().trim_end_matches([',', ';']);
        r.set(&text[s..eq], v);
    }
    finish(r)
}

/// Splits one CSV line into fields (quotes per RFC 4180), reusing `rdr`'s tables.
fn csv_fields(rdr: &mut csv_core::Reader, text: &str) -> Option<Vec<String>> {
    use csv_core::ReadRecordResult as R;
    rdr.reset();
    let mut out = vec![0u8; text.len() + 1];
    let mut ends = vec![0usize; text.len() + 1];
    let mut input = text.as_bytes();
    let (mut nout, mut nend) = (0, 0);
    loop {
        let (res, i, o, e) = rdr.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[i..];
        nout += o;
        nend += e;
        match res {
            R::InputEmpty if input.is_empty() => {
                // Tell the reader the line has ended.
                let (res, _, o, e) = rdr.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                nout += o;
                nend += e;
                if !matches!(res, R::Record) {
                    return None;
                }
                break;
            }
            R::InputEmpty => continue,
            R::Record => break,
            R::End | R::OutputFull | R::OutputEndsFull => return None,
        }
    }
    let mut fields = Vec::with_capacity(nend);
    let mut start = 0;
    for &end in &ends[..nend] {
        fields.push(String::from_utf8_lossy(&out[start..end.min(nout)]).into_owned());
        start = end;
    }
    Some(fields)
}

fn parse_csv_row(rdr: &mut csv_core::Reader, header: &[String], text: &str, line: usize) -> Event {
    let Some(rec) = csv_fields(rdr, text) else {
        return Event::NotUnderstood { line, why: "malformed CSV row" };
    };
    if rec.len() != header.len() {
        return Event::NotUnderstood { line, why: "CSV row with the wrong number of fields" };
    }
    let mut r = Report { line, ..Report::default() };
    for (k, v) in header.iter().zip(rec.iter()) {
        r.set(k, v);
    }
    finish(r)
}

fn csv_header(rdr: &mut csv_core::Reader, text: &str) -> Option<Vec<String>> {
    if text.contains('=') || !text.contains(',') || !text.contains("DeviceName") || !text.contains("ITL_Signature") {
        return None;
    }
    Some(csv_fields(rdr, text)?.into_iter().map(|f| f.trim().to_owned()).collect())
}

impl<R: BufRead> Reader<R> {
    fn line_event(&mut self) -> Option<Event> {
        let raw = match std::str::from_utf8(&self.buf) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(&self.buf),
        };
        let raw = raw.trim_end_matches(['\n', '\r']);
        let raw = raw.strip_suffix("^M").unwrap_or(raw);
        let (text, continued) = match console_prefix(raw) {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        let text = text.trim_start_matches('\t');
        let line = self.line;
        if self.in_xml {
            let from = self.xml.len();
            if !continued {
                self.xml.push('\n');
            }
            self.xml.push_str(text);
            return self.xml_progress(from);
        }
        let has_eq = memchr::memchr(b'=', text.as_bytes()).is_some();
        let has_lt = memchr::memchr(b'<', text.as_bytes()).is_some();
        if let Some(at) = has_lt.then(|| self.needles.alarm.find(text.as_bytes())).flatten() {
            self.in_xml = true;
            self.xml_line = line;
            self.xml.clear();
            self.xml.push_str(&text[at..]);
            return self.xml_progress(0);
        }
        if let Some(h) = &self.csv_header {
            if text.trim().is_empty() {
                self.csv_header = None;
                return None;
            }
            if !has_eq {
                return Some(parse_csv_row(&mut self.csv, h, text, line));
            }
            self.csv_header = None;
        }
        if !has_eq {
            if let Some(h) = csv_header(&mut self.csv, text) {
                self.csv_header = Some(h);
                return None;
            }
        }
        let n = &self.needles;
        let about_tl = n.signature.find(text.as_bytes()).is_some() || n.tlinfo.find(text.as_bytes()).is_some();
        if !about_tl {
            // Other alarms name devices too (`EndPointRegistered: %[DeviceName=…]`).
            return None;
        }
        if let Some(at) = has_eq.then(|| n.device.find(text.as_bytes())).flatten() {
            return Some(if text[..at].ends_with('[') { parse_brackets(text, line) } else { parse_pairs(text, line) });
        }
        Some(Event::NotUnderstood { line, why: "mentions DeviceTLInfo but holds no report" })
    }

    /// Reads one line into `buf`: `Some(bytes read)`, or `None` for a line longer than
    /// [`MAX_LINE_BYTES`], whose rest is skipped.
    fn read_line(&mut self) -> std::io::Result<Option<usize>> {
        let mut total = 0;
        let mut too_long = false;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            if !too_long {
                if self.buf.len() + take > MAX_LINE_BYTES {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&avail[..take]);
                }
            }
            self.inner.consume(take);
            total += take;
            if done {
                break;
            }
        }
        Ok(if too_long { None } else { Some(total) })
    }

    /// Looks for the end of the alarm in what was appended from byte `from` on.
    fn xml_progress(&mut self, from: usize) -> Option<Event> {
        const END: &str = ALARM_END;
        let from = from.saturating_sub(END.len());
        if let Some(end) = self.needles.end.find(&self.xml.as_bytes()[from..]).map(|e| e + from) {
            self.in_xml = false;
            let ev = parse_xml(&self.xml[..end + END.len()], self.xml_line);
            self.xml.clear();
            return Some(ev);
        }
        if self.xml.len() > MAX_ALARM_BYTES {
            self.in_xml = false;
            self.xml.clear();
            return Some(Event::NotUnderstood { line: self.xml_line, why: "alarm XML longer than 64 KiB" });
        }
        None
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = std::io::Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.read_line() {
                Err(e) => return Some(Err(e)),
                Ok(None) => {
                    self.line += 1;
                    return Some(Ok(Event::NotUnderstood { line: self.line, why: "line longer than 1 MiB" }));
                }
                Ok(Some(0)) => {
                    if self.in_xml {
                        self.in_xml = false;
                        self.xml.clear();
                        return Some(Ok(Event::NotUnderstood {
                            line: self.xml_line,
                            why: "alarm XML cut off at the end",
                        }));
                    }
                    return None;
                }
                Ok(Some(_)) => {
                    self.line += 1;
                    if let Some(ev) = self.line_event() {
                        return Some(Ok(ev));
                    }
                }
            }
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

/// Normalises a reported `ITL_Signature` / `CTL_Signature`.
pub fn normalize(value: Option<&str>) -> Reported {
    let Some(v) = value.map(str::trim) else { return Reported::Unusable };
    if v.eq_ignore_ascii_case("Not Installed") {
        return Reported::NotInstalled;
    }
    let hexstr: String = v.chars().filter(|c| !matches!(c, ' ' | ':' | '\t' | '-')).collect();
    match hex::decode(&hexstr) {
        Ok(b) if matches!(b.len(), 16 | 20 | 32 | 64) => Reported::Hash(b),
        _ => Reported::Unusable,
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

/// Compares a reported hash with the file served by `server`. Returns the status and the
/// label of the file compared with.
pub fn compare<'s>(served: &'s [Served], server: Option<&str>, reported: Option<&str>) -> (Status, Option<&'s str>) {
    let r = normalize(reported);
    if r == Reported::NotInstalled {
        return (Status::NotInstalled, None);
    }
    let server = server.map(str::trim).unwrap_or("");
    let file = served
        .iter()
        .find(|s| s.host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(server)))
        .or_else(|| served.iter().find(|s| s.host.is_none()));
    let Some(f) = file else { return (Status::Unknown, None) };
    let Reported::Hash(h) = r else { return (Status::Unknown, Some(&f.label)) };
    let c = &f.checksums;
    let same = match h.len() {
        16 => h == c.md5,
        20 => h == c.sha1,
        32 => h == c.sha256,
        _ => h == c.sha512,
    };
    (if same { Status::Match } else { Status::Mismatch }, Some(&f.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_prefix_is_stripped() {
        assert_eq!(console_prefix("5851 DEB Mar 09 18:32:45.420021 (618:927) JAVA-LInfo\">"), Some("LInfo\">"));
        assert_eq!(console_prefix("REFER sip:1 SIP/2.0"), None);
    }

    #[test]
    fn csv_fields_follow_rfc_4180() {
        let mut r = csv_core::Reader::new();
        assert_eq!(csv_fields(&mut r, "a,\"b,c\",d").unwrap(), ["a", "b,c", "d"]);
        assert_eq!(csv_fields(&mut r, "\"x\"\"y\",").unwrap(), ["x\"y", ""]);
        assert_eq!(csv_fields(&mut r, "one").unwrap(), ["one"]);
    }

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

fn shown_hash(v: Option<&str>) -> Option<String> {
    match normalize(v) {
        Reported::Hash(h) => Some(hex::encode(h)),
        _ => v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
    }
}

/// The latest report of each (DeviceName, ITL_TFTP_Server).
#[derive(Debug, Clone, Default)]
pub struct Latest {
    map: std::collections::BTreeMap<(String, String), Report>,
}

impl Latest {
    /// Keeps `r`, replacing an earlier report of the same device and server.
    pub fn add(&mut self, r: Report) {
        let key = (
            r.device_name.clone().unwrap_or_default(),
            r.itl_tftp_server.clone().unwrap_or_default().to_ascii_lowercase(),
        );
        self.map.insert(key, r);
    }

    /// The rows, by device then server, and the counts of ITL statuses.
    pub fn rows(&self, itl: &[Served], ctl: &[Served]) -> (Vec<DeviceRow>, Summary) {
        let mut sum = Summary::default();
        let rows = self
            .map
            .values()
            .map(|r| {
                let (is, ifile) = compare(itl, r.itl_tftp_server.as_deref(), r.itl_signature.as_deref());
                let (cs, cfile) = compare(ctl, r.ctl_tftp_server.as_deref(), r.ctl_signature.as_deref());
                match is {
                    Status::Match => sum.matched += 1,
                    Status::Mismatch => sum.mismatch += 1,
                    Status::NotInstalled => sum.not_installed += 1,
                    Status::Unknown => sum.unknown += 1,
                }
                DeviceRow {
                    device: r.device_name.clone().unwrap_or_default(),
                    ipv4: r.ipv4.clone().filter(|s| !s.is_empty()),
                    itl_tftp_server: r.itl_tftp_server.clone(),
                    itl_hash: shown_hash(r.itl_signature.as_deref()),
                    itl_status: is,
                    itl_file: ifile.map(str::to_owned),
                    ctl_tftp_server: r.ctl_tftp_server.clone(),
                    ctl_hash: shown_hash(r.ctl_signature.as_deref()),
                    ctl_status: cs,
                    ctl_file: cfile.map(str::to_owned),
                }
            })
            .collect();
        (rows, sum)
    }
}
