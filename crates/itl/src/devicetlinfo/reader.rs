//! The streaming reader: a vectorised search for the next report over big buffers, then
//! line by line inside alarms, CSV tables and split syslog messages; each report found is
//! handed to its format's parser ([`super::format`]).

use std::collections::VecDeque;
use std::io::BufRead;

use memchr::memmem::Finder;

use super::format::{self, Format, Parsers};
use super::report::{Event, EventRef};
use super::syslog::{self, Joiner, Outcome};
use super::{MAX_ALARM_BYTES, MAX_LINE_BYTES};

/// The buffer holds one longest line plus the byte that shows it is longer.
const CAP: usize = MAX_LINE_BYTES + 1;
/// The first buffer; it grows (to [`CAP`]) while reads fill it.
const FIRST: usize = 64 * 1024;

const ALARM: &str = "<x-cisco-alarm";
const ALARM_END: &str = "</x-cisco-alarm>";

/// Split CiscoLog messages (`[part=SEQ.i/n]`) waiting for their other parts, at most: each
/// holds at most 64 KiB, so the reader never holds more than 16 MiB of parts.
const PENDING_PARTS: usize = 256;
/// Lines within which the parts of one split message must all come (a syslog server
/// writes them within milliseconds of each other, between other senders' lines).
const PART_LINES: u64 = 10_000;

/// Substring searchers built once per reader.
#[derive(Debug)]
struct Needles {
    /// What a line that matters holds, outside an alarm and a CSV table: the alarm's start,
    /// `_Signature` (every report and CSV header) or `DeviceTLInfo`.
    any: [Finder<'static>; 3],
    end: Finder<'static>,
    device: Finder<'static>,
    device_tag: Finder<'static>,
    /// What a `[part=SEQ.i/n]` tag holds (spaces may surround the `=`).
    part: Finder<'static>,
}

impl Needles {
    fn new() -> Self {
        Needles {
            any: [Finder::new(ALARM), Finder::new("_Signature"), Finder::new("DeviceTLInfo")],
            end: Finder::new(ALARM_END),
            device: Finder::new("DeviceName="),
            device_tag: Finder::new("DeviceName"),
            part: Finder::new("part"),
        }
    }
}

/// Line-level state: inside an alarm, inside a CSV table.
#[derive(Debug)]
struct State {
    needles: Needles,
    xml: String,
    xml_line: usize,
    xml_last: usize,
    in_xml: bool,
    /// The format parsers, with the CSV table being read.
    parsers: Parsers,
    /// Split messages, keyed by sending host, timed in lines.
    parts: Joiner<String>,
    /// Events made while reading a line, handed out before the next line is read.
    queued: VecDeque<EventRef<'static>>,
}

/// A line's event: owned, or to be parsed from part of the line (offset, length).
enum Out {
    Owned(EventRef<'static>),
    Parse(Format, usize, usize),
}

/// What one line gave.
enum Step {
    /// The line is read, with or without an event.
    Done(Option<Out>),
    /// An alarm ended unclosed before this line, which is read again.
    Again(EventRef<'static>),
}

/// What [`Reader::advance`] found.
enum Found {
    Owned(EventRef<'static>),
    Text { kind: Format, from: usize, to: usize, line: usize },
}

/// Streams [`Event`]s out of text. Lines without a report are skipped by a vectorised
/// search over the whole buffer, not one at a time.
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    /// Next unread byte.
    start: usize,
    /// End of the bytes in `buf`.
    end: usize,
    /// End of the last complete line in `buf` (all of it at the end of the input).
    region: usize,
    eof: bool,
    /// The rest of a line longer than [`MAX_LINE_BYTES`] is being dropped.
    dropping: bool,
    line: usize,
    /// Next position of each of `needles.any` at or after `start` (`Some(None)`: none
    /// before `region`; `None`: not searched yet).
    hits: [Option<Option<usize>>; 3],
    st: State,
}

impl<R: BufRead> Reader<R> {
    /// Reads from `inner`.
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            buf: Vec::new(),
            start: 0,
            end: 0,
            region: 0,
            eof: false,
            dropping: false,
            line: 0,
            hits: [None; 3],
            st: State {
                needles: Needles::new(),
                xml: String::new(),
                xml_line: 0,
                xml_last: 0,
                in_xml: false,
                parsers: Parsers::new(),
                parts: Joiner::new(PENDING_PARTS, PART_LINES),
                queued: VecDeque::new(),
            },
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> usize {
        self.line
    }

    /// The next event, borrowing its report from the reader's buffer: the same events as
    /// the [`Iterator`], without an allocation per report.
    pub fn next_ref(&mut self) -> Option<std::io::Result<EventRef<'_>>> {
        let (kind, from, to, line) = match self.advance()? {
            Err(e) => return Some(Err(e)),
            Ok(Found::Owned(ev)) => return Some(Ok(ev)),
            Ok(Found::Text { kind, from, to, line }) => (kind, from, to, line),
        };
        // `advance` checked that these bytes are UTF-8.
        let text = std::str::from_utf8(&self.buf[from..to]).unwrap_or("");
        Some(Ok(self.st.parsers.parse(kind, text, line)))
    }

    /// Reads up to the next event: an owned one, or where the text of a borrowed one is.
    fn advance(&mut self) -> Option<std::io::Result<Found>> {
        loop {
            if let Some(ev) = self.st.queued.pop_front() {
                return Some(Ok(Found::Owned(ev)));
            }
            if self.start == self.region {
                if self.eof {
                    if self.st.parts.pending() > 0 {
                        self.st.expire_parts(u64::MAX);
                        continue;
                    }
                    if self.st.in_xml {
                        self.st.in_xml = false;
                        self.st.xml.clear();
                        return Some(Ok(Found::Owned(EventRef::Fragment {
                            first: self.st.xml_line,
                            last: self.st.xml_last,
                            why: "an alarm cut off at the end of the input",
                        })));
                    }
                    return None;
                }
                match self.refill() {
                    Err(e) => return Some(Err(e)),
                    Ok(Some(line)) => {
                        return Some(Ok(Found::Owned(EventRef::NotUnderstood { line, why: "line longer than 1 MiB" })));
                    }
                    Ok(None) => continue,
                }
            }
            let (start, region) = (self.start, self.region);
            if !self.st.in_xml && self.st.parsers.csv_header.is_none() {
                let Some((at, which)) = self.next_hit() else {
                    self.line += count_lines(&self.buf[start..region]);
                    self.start = region;
                    continue;
                };
                let ls = memchr::memrchr(b'\n', &self.buf[start..at]).map_or(start, |i| start + i + 1);
                self.line += count_lines(&self.buf[start..ls]);
                self.start = ls;
                if which == 0 && !self.buf[ls].is_ascii_digit() {
                    if let Some((block, next, lines)) = self.alarm_block(at) {
                        let line = self.line + 1;
                        self.line += lines;
                        self.start = next;
                        return Some(Ok(Found::Text { kind: Format::Xml, from: at, to: block, line }));
                    }
                }
            }
            let ls = self.start;
            let le = memchr::memchr(b'\n', &self.buf[ls..region]).map_or(region, |i| ls + i + 1);
            let line = self.line + 1;
            let step = match std::str::from_utf8(&self.buf[ls..le]) {
                Ok(text) => match self.st.line(text, line) {
                    Step::Done(Some(Out::Parse(kind, off, len))) => Step::Done(Some(Out::Parse(kind, ls + off, len))),
                    other => other,
                },
                Err(_) => {
                    let text = String::from_utf8_lossy(&self.buf[ls..le]).into_owned();
                    match self.st.line(&text, line) {
                        Step::Done(Some(Out::Parse(kind, off, len))) => {
                            let ev = self.st.parsers.parse(kind, &text[off..off + len], line);
                            Step::Done(Some(Out::Owned(ev.into_static())))
                        }
                        other => other,
                    }
                }
            };
            match step {
                Step::Again(ev) => return Some(Ok(Found::Owned(ev))),
                Step::Done(out) => {
                    self.line = line;
                    self.start = le;
                    match out {
                        None => {}
                        Some(Out::Owned(ev)) => return Some(Ok(Found::Owned(ev))),
                        Some(Out::Parse(kind, from, len)) => {
                            return Some(Ok(Found::Text { kind, from, to: from + len, line }))
                        }
                    }
                }
            }
        }
    }

    /// The first of `needles.any` at or after `start` in the complete lines, and which.
    fn next_hit(&mut self) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for i in 0..3 {
            let at = match self.hits[i] {
                Some(Some(p)) if p >= self.start => Some(p),
                Some(None) => None,
                _ => {
                    let f = self.st.needles.any[i].find(&self.buf[self.start..self.region]).map(|p| p + self.start);
                    self.hits[i] = Some(f);
                    f
                }
            };
            if let Some(p) = at {
                if best.is_none_or(|(b, _)| p < b) {
                    best = Some((p, i));
                }
            }
        }
        best
    }

    /// An alarm that starts at `at` and closes within the complete lines, laid out so that
    /// the line-by-line reading would join it to exactly these bytes (no tab, no CR, no
    /// `^M`, no console record, nothing that starts another report): the end of its closing
    /// tag, the start of the line after it, and the lines it takes.
    fn alarm_block(&self, at: usize) -> Option<(usize, usize, usize)> {
        let limit = self.region.min(at + MAX_ALARM_BYTES);
        let hay = &self.buf[at..limit];
        let close = self.st.needles.end.find(hay)? + ALARM_END.len();
        let next =
            memchr::memchr(b'\n', &self.buf[at + close..self.region]).map_or(self.region, |i| at + close + i + 1);
        let blk = &self.buf[at..next];
        if next - at > MAX_ALARM_BYTES
            || memchr::memchr3(b'\t', b'\r', b'^', blk).is_some()
            || memchr::memchr(b',', blk).is_some()
            || self.st.needles.device.find(blk).is_some()
            || self.st.needles.any[0].find(&blk[1..]).is_some()
            || std::str::from_utf8(blk).is_err()
        {
            return None;
        }
        let mut lines = 0;
        for nl in memchr::memchr_iter(b'\n', blk) {
            lines += 1;
            if blk.get(nl + 1).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
        if next == self.region && self.buf[next - 1] != b'\n' {
            lines += 1;
        }
        Some((at + close, next, lines))
    }

    /// Reads more; `Some(line)` when a line turns out longer than [`MAX_LINE_BYTES`].
    fn refill(&mut self) -> std::io::Result<Option<usize>> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        self.region = 0;
        self.hits = [None; 3];
        if self.end == self.buf.len() {
            let n = if self.buf.is_empty() { FIRST } else { (self.buf.len() * 2).min(CAP) };
            self.buf.resize(n, 0);
        }
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let old = self.end;
        self.end += n;
        if self.end == self.buf.len() && self.buf.len() < CAP && n > 0 {
            // Big input: read bigger blocks next time.
            let bigger = (self.buf.len() * 2).min(CAP);
            self.buf.resize(bigger, 0);
        }
        if self.dropping {
            match memchr::memchr(b'\n', &self.buf[..self.end]) {
                Some(i) => {
                    self.dropping = false;
                    self.start = i + 1;
                }
                None => {
                    self.start = self.end;
                    if n == 0 {
                        self.dropping = false;
                        self.eof = true;
                    }
                }
            }
            self.region = self.start;
            if self.dropping || self.eof {
                self.start = 0;
                self.end = 0;
                self.region = 0;
                return Ok(None);
            }
            return self.settle(0);
        }
        if n == 0 {
            self.eof = true;
            if self.end > MAX_LINE_BYTES {
                self.line += 1;
                self.start = self.end;
                self.region = self.end;
                return Ok(Some(self.line));
            }
            self.region = self.end;
            return Ok(None);
        }
        self.settle(old)
    }

    /// Sets `region` after a read that put new bytes from `old` on; a line that starts the
    /// buffer and is too long is counted and dropped.
    fn settle(&mut self, old: usize) -> std::io::Result<Option<usize>> {
        let from = old.max(self.start);
        if let Some(i) = memchr::memrchr(b'\n', &self.buf[from..self.end]) {
            self.region = from + i + 1;
        } else {
            self.region = self.start;
        }
        let first = memchr::memchr(b'\n', &self.buf[self.start..self.end]).map(|i| self.start + i);
        let too_long = match first {
            Some(i) => i - self.start >= MAX_LINE_BYTES,
            None => self.end - self.start > MAX_LINE_BYTES,
        };
        if too_long {
            self.line += 1;
            match first {
                Some(i) => self.start = i + 1,
                None => {
                    self.dropping = true;
                    self.start = self.end;
                }
            }
            if self.region < self.start {
                self.region = self.start;
            }
            if self.dropping {
                self.start = 0;
                self.end = 0;
                self.region = 0;
            }
            return Ok(Some(self.line));
        }
        Ok(None)
    }
}

/// Why a split message was dropped.
const INCOMPLETE: &str = "a split message ([part=SEQ.i/n]) whose other parts never came";

/// Newlines in `b`.
fn count_lines(b: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', b).count()
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

impl State {
    /// Whether `text`, met inside an alarm, starts another report (so the alarm never
    /// closed): a new `<x-cisco-alarm`, a `DeviceName=` bracket or pair, a CSV header.
    fn starts_report(&mut self, text: &str) -> bool {
        let t = text.as_bytes();
        let n = &self.needles;
        if memchr::memchr2(b'<', b'=', t).is_none() && n.device_tag.find(t).is_none() {
            return false;
        }
        n.any[0].find(t).is_some()
            || n.device.find(t).is_some()
            || (memchr::memchr(b'=', t).is_none() && self.parsers.csv_header(text).is_some())
    }

    fn line(&mut self, raw: &str, line: usize) -> Step {
        let base = raw.as_ptr() as usize;
        let raw = raw.trim_end_matches(['\n', '\r']);
        let raw = raw.strip_suffix("^M").unwrap_or(raw);
        let (text, continued) = match console_prefix(raw) {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        let text = text.trim_start_matches('\t');
        if self.in_xml {
            if self.starts_report(text) {
                self.in_xml = false;
                self.xml.clear();
                return Step::Again(EventRef::Fragment {
                    first: self.xml_line,
                    last: self.xml_last,
                    why: "an alarm that never closes (another report starts after it)",
                });
            }
            let from = self.xml.len();
            if !continued {
                self.xml.push('\n');
            }
            self.xml.push_str(text);
            self.xml_last = line;
            return Step::Done(self.xml_progress(from).map(Out::Owned));
        }
        let tb = text.as_bytes();
        let has_eq = memchr::memchr(b'=', tb).is_some();
        let has_lt = memchr::memchr(b'<', tb).is_some();
        if let Some(at) = has_lt.then(|| self.needles.any[0].find(tb)).flatten() {
            self.in_xml = true;
            self.xml_line = line;
            self.xml_last = line;
            self.xml.clear();
            self.xml.push_str(&text[at..]);
            return Step::Done(self.xml_progress(0).map(Out::Owned));
        }
        if self.parsers.csv_header.is_some() {
            if text.trim().is_empty() {
                self.parsers.csv_header = None;
                return Step::Done(None);
            }
            if !has_eq {
                return Step::Done(Some(Out::Parse(Format::Csv, text.as_ptr() as usize - base, text.len())));
            }
            self.parsers.csv_header = None;
        }
        if !has_eq {
            if let Some(h) = self.parsers.csv_header(text) {
                self.parsers.csv_header = Some(h);
                return Step::Done(None);
            }
        }
        let n = &self.needles;
        let about_tl = n.any[1].find(tb).is_some() || n.any[2].find(tb).is_some();
        if !about_tl {
            // Other alarms name devices too (`EndPointRegistered: %[DeviceName=…]`).
            return Step::Done(None);
        }
        if has_eq && n.part.find(tb).is_some() {
            if let Some(step) = self.part(text, line) {
                return step;
            }
        }
        let n = &self.needles;
        let in_brackets = |at: usize| text[..at].trim_end().ends_with('[');
        if let Some(at) = has_eq.then(|| n.device.find(tb)).flatten() {
            let kind = if in_brackets(at) { Format::Brackets } else { Format::Pairs };
            return Step::Done(Some(Out::Parse(kind, text.as_ptr() as usize - base, text.len())));
        }
        // CUCM also pads the tags: `%[ DeviceName =SEP…][ITL_Signature= …]`.
        let padded = n
            .device_tag
            .find_iter(tb)
            .any(|at| in_brackets(at) && text[at + "DeviceName".len()..].trim_start().starts_with('='));
        if has_eq && padded {
            return Step::Done(Some(Out::Parse(Format::Brackets, text.as_ptr() as usize - base, text.len())));
        }
        Step::Done(Some(Out::Owned(EventRef::NotUnderstood { line, why: "mentions DeviceTLInfo but holds no report" })))
    }

    /// A CiscoLog message split into `[part=SEQ.i/n]` pieces: kept until its other parts
    /// come, then read whole. `None` when the line is not such a part.
    fn part(&mut self, text: &str, line: usize) -> Option<Step> {
        let msg = syslog::parse(text).ok()?;
        match msg.part() {
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(e) => return Some(Step::Done(Some(Out::Owned(EventRef::NotUnderstood { line, why: e.as_str() })))),
        }
        let host = msg.host.unwrap_or("").to_owned();
        let now = line as u64;
        self.expire_parts(now);
        for out in self.parts.push_message(&host, msg, text.len(), now) {
            let ev = match out {
                Outcome::Report(mut r) => {
                    r.line = line;
                    EventRef::Report(r.into())
                }
                Outcome::Pending | Outcome::Other => continue,
                Outcome::Skipped(syslog::Error::Incomplete) => {
                    EventRef::Fragment { first: line, last: line, why: INCOMPLETE }
                }
                Outcome::Skipped(e) => EventRef::NotUnderstood { line, why: e.as_str() },
            };
            self.queued.push_back(ev);
        }
        Some(Step::Done(None))
    }

    /// Queues a fragment (named by the line of its first part) for each split message
    /// whose parts did not all come within [`PART_LINES`] lines of line `now`.
    fn expire_parts(&mut self, now: u64) {
        let queued = &mut self.queued;
        self.parts.expire_each(now, |first, _| {
            let first = usize::try_from(first).unwrap_or(usize::MAX);
            queued.push_back(EventRef::Fragment { first, last: first, why: INCOMPLETE });
        });
    }

    /// Looks for the end of the alarm in what was appended from byte `from` on.
    fn xml_progress(&mut self, from: usize) -> Option<EventRef<'static>> {
        let from = from.saturating_sub(ALARM_END.len());
        if let Some(end) = self.needles.end.find(&self.xml.as_bytes()[from..]).map(|e| e + from) {
            self.in_xml = false;
            let ev = format::alarm(&self.xml[..end + ALARM_END.len()], self.xml_line);
            self.xml.clear();
            return Some(ev);
        }
        if self.xml.len() > MAX_ALARM_BYTES {
            self.in_xml = false;
            self.xml.clear();
            return Some(EventRef::Fragment {
                first: self.xml_line,
                last: self.xml_last,
                why: "an alarm that never closes (no end within 64 KiB)",
            });
        }
        None
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = std::io::Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(EventRef::into_owned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_prefix_is_stripped() {
        assert_eq!(console_prefix("5851 DEB Mar 09 18:32:45.420021 (618:927) JAVA-LInfo\">"), Some("LInfo\">"));
        assert_eq!(console_prefix("REFER sip:1 SIP/2.0"), None);
    }

    /// Hands out its bytes a few at a time, as a socket or a pipe does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        n: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.n += 1;
            let k = (1 + (self.n * 7919) % self.step).min(out.len()).min(self.data.len());
            out[..k].copy_from_slice(&self.data[..k]);
            self.data = &self.data[k..];
            Ok(k)
        }
    }

    impl std::io::BufRead for Trickle<'_> {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            Ok(self.data)
        }
        fn consume(&mut self, n: usize) {
            self.data = &self.data[n..];
        }
    }

    fn events(r: impl BufRead) -> Vec<Event> {
        Reader::new(r).map(Result::unwrap).collect()
    }

    #[test]
    fn the_events_do_not_depend_on_how_the_input_arrives() {
        let sample = include_str!("../../../../testdata/reports/refer-sample.txt");
        let cut = &sample[..sample.find("<String name=\"ITL_TFTP_Server\">").unwrap()];
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(sample);
            text.push_str(&format!("%[DeviceName=SEP{i:012}][ITL_Signature=1B A1][ITL_TFTP_Server=pub]: TL\n"));
            text.push_str(cut);
            text.push_str("DeviceName,ITL_Signature\nSEP1,AB\n\n");
            text.push_str(&"x".repeat(i * 997));
            text.push('\n');
        }
        let whole = events(text.as_bytes());
        assert_eq!(whole.iter().filter(|e| matches!(e, Event::Report(_))).count(), 120);
        assert_eq!(whole.iter().filter(|e| matches!(e, Event::Fragment { .. })).count(), 40);
        for step in [1, 2, 13, 4096] {
            assert_eq!(events(Trickle { data: text.as_bytes(), step, n: 0 }), whole, "step {step}");
        }
    }

    #[test]
    fn a_line_longer_than_the_limit_is_one_event_and_the_next_line_is_read() {
        let report = "%[DeviceName=SEP1][ITL_Signature=AB][ITL_TFTP_Server=p]: TL\n";
        for (len, long) in [(MAX_LINE_BYTES, false), (MAX_LINE_BYTES + 1, true), (3 * MAX_LINE_BYTES, true)] {
            // `len` bytes with the newline; the line mentions DeviceTLInfo, so it is an event either way.
            let mut text = "DeviceTLInfo ".to_owned() + &"y".repeat(len - 14) + "\n";
            assert_eq!(text.len(), len);
            text.push_str(report);
            for step in [usize::MAX, 100_000] {
                let ev = if step == usize::MAX {
                    events(text.as_bytes())
                } else {
                    events(Trickle { data: text.as_bytes(), step, n: 0 })
                };
                let why = if long { "line longer than 1 MiB" } else { "mentions DeviceTLInfo but holds no report" };
                assert_eq!(ev[0], Event::NotUnderstood { line: 1, why }, "{len}");
                assert!(matches!(&ev[1], Event::Report(r) if r.line == 2), "{len}: {:?}", ev[1]);
            }
        }
    }

    #[test]
    fn split_messages_are_joined_per_host_and_a_lost_part_is_a_fragment() {
        let head = |seq: u32, host: &str| {
            format!("<190>{seq}: {host}: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: ")
        };
        let other = "<189>9: cucm-pub: Mar 09 2024 06:32:45 PM.043 UTC :  %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEP000000000001][IPAddress=10.0.0.1]: registered\n";
        let mut text = String::new();
        // Line 1: part 1 of pub's 500; line 2: another alarm; line 3: part 1 of sub's 500
        // (same number, another host); line 4: part 2 of pub's 500; line 5: a part whose
        // siblings never come; line 6: sub's part 2 (spaces around the tag's `=`).
        text +=
            &(head(500, "cucm-pub") + "%[part=500.1/2][DeviceName=SEP000000000001][IPv4Address=10.0.0.1]: Device\n");
        text += other;
        text += &(head(500, "cucm-sub") + "%[part=500.1/2][DeviceName=SEP000000000002]: Device\n");
        text += &(head(501, "cucm-pub") + "%[part=500.2/2][ITL_Signature=1B A1][ITL_TFTP_Server=cucm-pub]: TL info\n");
        text += &(head(503, "cucm-pub") + "%[part=503.1/3][DeviceName=SEP000000000003]: x\n");
        text +=
            &(head(501, "cucm-sub") + "%[ part = 500.2/2][ITL_Signature=AB CD][ITL_TFTP_Server=cucm-sub]: TL info\n");
        let ev = events(text.as_bytes());
        let reports: Vec<_> = ev
            .iter()
            .filter_map(|e| match e {
                Event::Report(r) => {
                    Some((r.line, r.device_name.as_deref(), r.ipv4.as_deref(), r.itl_signature.as_deref()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            reports,
            [
                (4, Some("SEP000000000001"), Some("10.0.0.1"), Some("1B A1")),
                (6, Some("SEP000000000002"), None, Some("AB CD"))
            ]
        );
        assert_eq!(ev.last(), Some(&Event::Fragment { first: 5, last: 5, why: INCOMPLETE }));
        assert_eq!(ev.len(), 3);
        for step in [1, 7, 64] {
            assert_eq!(events(Trickle { data: text.as_bytes(), step, n: 0 }), ev, "step {step}");
        }
        // A part that waits longer than PART_LINES lines is given up.
        let mut late = head(600, "h") + "%[part=600.1/2][DeviceName=SEP000000000004]: a\n";
        late += &"filler\n".repeat(PART_LINES as usize + 1);
        late += &(head(601, "h") + "%[part=600.2/2][ITL_Signature=AB][ITL_TFTP_Server=h]: b\n");
        let ev = events(late.as_bytes());
        assert_eq!(ev[0], Event::Fragment { first: 1, last: 1, why: INCOMPLETE });
        assert!(ev.iter().all(|e| !matches!(e, Event::Report(_))), "{ev:?}");
        // A malformed part tag is named.
        let bad = head(7, "h") + "%[part=7.3/2][DeviceName=SEP000000000005][ITL_Signature=AB]: c\n";
        assert_eq!(events(bad.as_bytes()), [Event::NotUnderstood { line: 1, why: "malformed [part=SEQ.i/n] tag" }]);
    }
}
