//! CUCM's remote syslog: "CiscoLog" messages behind an RFC 3164 `<PRI>`, read into
//! DeviceTLInfo [`Report`]s.
//!
//! CUCM sends `<PRI>SEQ: [HOST:] [*]Mon DD [YYYY] hh:mm:ss[ AM|PM].mmm TZ : %FACILITY-SEV-Name: %[k=v][k=v]...: text`
//! with loose spacing; a syslog server that writes the message to a file may put its own
//! header in front. [`parse`] reads one message leniently (only the `%FACILITY-SEV-Name`
//! header is required), [`Joiner`] joins the parts of a message split into
//! `[part=SEQ.i/n]` pieces, and [`classify`] says whether a message is a report: its tags
//! carry `DeviceName` and `ITL_Signature` or `CTL_Signature`, whatever the alarm's name.
//!
//! ```
//! use itl::devicetlinfo::syslog::{classify, parse, Outcome};
//! let line = "<189>8103: cucm1: Oct 14 2015 05:50:19 AM.484 UTC :  %UC_CALLMANAGER-6-DeviceTLInfo: \
//!             %[ DeviceName =SEP001122334455][ITL_Signature=1B A1 C9 07][ITL_TFTP_Server=10.0.0.1]: Trust list info";
//! let msg = parse(line).unwrap();
//! assert_eq!(msg.name, "DeviceTLInfo");
//! let Outcome::Report(r) = classify(&msg) else { panic!() };
//! assert_eq!(r.device_name.as_deref(), Some("SEP001122334455"));
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

use super::report::Report;

/// The longest message read (CUCM sends at most 800 octets per part); longer ones are skipped.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The most parts one message may be split into.
pub const MAX_PARTS: u32 = 64;

/// One CiscoLog message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The RFC 3164 `<PRI>` value, when present.
    pub pri: Option<u8>,
    /// The sender's sequence number (`SEQ:`), when present.
    pub seq: Option<u64>,
    /// The sending host, when present and not empty.
    pub host: Option<&'a str>,
    /// The time stamp as written (`Oct 14 2015 05:50:19 AM.484 UTC`), when present.
    pub time: Option<&'a str>,
    /// `UC_CALLMANAGER`.
    pub facility: &'a str,
    /// The severity digit(s).
    pub severity: u8,
    /// The alarm's name (`DeviceTLInfo`, `StationAlarm`, …).
    pub name: &'a str,
    /// The tags, keys and values trimmed, escapes (`\[`, `\]`, `\\`, `#012`) resolved,
    /// in order; the `part` tag is kept.
    pub tags: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The free text after the tags.
    pub text: Cow<'a, str>,
}

/// Which part of a split message this is: `[part=SEQ.i/n]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Part {
    /// The sequence number of the first part.
    pub seq: u64,
    /// This part's number, 1-based.
    pub index: u32,
    /// How many parts there are.
    pub count: u32,
}

/// Why a message could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Longer than [`MAX_MESSAGE_BYTES`].
    TooLong,
    /// Empty or blank.
    Empty,
    /// Not UTF-8 text.
    NotText,
    /// No `%FACILITY-SEV-Name` header.
    NoHeader,
    /// A `[part=…]` tag that is not `SEQ.i/n` with `1 <= i <= n <= MAX_PARTS`.
    BadPart,
    /// A part of a split message whose other parts never came.
    Incomplete,
}

impl Error {
    /// A short description.
    pub fn as_str(self) -> &'static str {
        match self {
            Error::TooLong => "message longer than 64 KiB",
            Error::Empty => "empty message",
            Error::NotText => "message is not UTF-8 text",
            Error::NoHeader => "no %FACILITY-SEVERITY-NAME header",
            Error::BadPart => "malformed [part=SEQ.i/n] tag",
            Error::Incomplete => "part of a split message that never completed",
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Error {}

/// What one message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A DeviceTLInfo report.
    Report(Report),
    /// A well-formed message that is not a report (another alarm).
    Other,
    /// A part of a split message, kept until the others arrive.
    Pending,
    /// Not understood.
    Skipped(Error),
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// Finds `%FACILITY-SEV-Name` followed by optional blanks and `:`: returns
/// (start of `%`, facility, severity, name, offset after the `:`).
fn find_header(s: &str) -> Option<(usize, &str, u8, &str, usize)> {
    let b = s.as_bytes();
    for at in memchr::memchr_iter(b'%', b) {
        let mut i = at + 1;
        let fs = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == fs || i >= b.len() || b[i] != b'-' {
            continue;
        }
        let fe = i;
        i += 1;
        let ss = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == ss || i - ss > 2 || i >= b.len() || b[i] != b'-' {
            continue;
        }
        let Ok(sev) = s[ss..i].parse::<u8>() else { continue };
        i += 1;
        let ns = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if i == ns {
            continue;
        }
        let ne = i;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i < b.len() && b[i] == b':' {
            return Some((at, &s[fs..fe], sev, &s[ns..ne], i + 1));
        }
        if i == b.len() {
            return Some((at, &s[fs..fe], sev, &s[ns..ne], i));
        }
    }
    None
}

/// Resolves `\[`, `\]`, `\\` and the `#012` newline escape.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') && !s.contains("#012") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("#012") {
            out.push('\n');
            rest = r;
        } else if c == '\\' && matches!(rest.as_bytes().get(1), Some(b'[' | b']' | b'\\')) {
            out.push(rest.as_bytes()[1] as char);
            rest = &rest[2..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Cow::Owned(out)
}

fn trim_cow(c: Cow<'_, str>) -> Cow<'_, str> {
    match c {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    }
}

/// Reads the tags `[k=v][k=v]...` starting at `b[i] == '['`; returns them and the offset
/// after the last `]`. A tag ends at a `]` (not escaped) followed by blanks and then `[`,
/// `:` or the end, so values may hold `]`, `:`, `=` and spaces.
#[allow(clippy::type_complexity)]
fn read_tags(s: &str, mut i: usize) -> (Vec<(Cow<'_, str>, Cow<'_, str>)>, usize) {
    let b = s.as_bytes();
    let mut tags = Vec::new();
    let mut end = i;
    while i < b.len() && b[i] == b'[' {
        let start = i + 1;
        let mut j = start;
        let mut close = None;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b']' => {
                    let mut k = j + 1;
                    while k < b.len() && b[k] == b' ' {
                        k += 1;
                    }
                    if k == b.len() || b[k] == b'[' || b[k] == b':' {
                        close = Some((j, k));
                        break;
                    }
                    j += 1;
                }
                _ => j += 1,
            }
        }
        let Some((j, k)) = close else { break };
        let inner = &s[start..j];
        if let Some((key, value)) = inner.split_once('=') {
            tags.push((trim_cow(unescape(key)), trim_cow(unescape(value))));
        }
        end = j + 1;
        i = k;
    }
    (tags, end)
}

/// Reads one message (one datagram, one framed TCP message or one line of a file).
pub fn parse(text: &str) -> Result<Message<'_>, Error> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(Error::TooLong);
    }
    let text = text.trim_end_matches(['\r', '\n', '\0']);
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    let mut rest = text.trim_start();
    let mut pri = None;
    if let Some(r) = rest.strip_prefix('<') {
        if let Some(close) = r.find('>').filter(|&c| (1..=3).contains(&c)) {
            if let Ok(p) = r[..close].parse::<u8>() {
                pri = Some(p);
                rest = &r[close + 1..];
            }
        }
    }
    let Some((at, facility, severity, name, after)) = find_header(rest) else { return Err(Error::NoHeader) };
    let prefix = &rest[..at];
    let (seq, host, time) = read_prefix(prefix);
    let body = &rest[after..];
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let mut tags = Vec::new();
    if body[i..].starts_with("%[") {
        let (t, end) = read_tags(body, i + 1);
        tags = t;
        i = end;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i < b.len() && b[i] == b':' {
            i += 1;
        }
    }
    let free = body[i..].strip_prefix(' ').unwrap_or(&body[i..]);
    Ok(Message { pri, seq, host, time, facility, severity, name, tags, text: unescape(free) })
}

/// Reads `SEQ: [HOST:] [*]time TZ :` loosely (a syslog server's own header may come first):
/// the last number followed by `:` before a time stamp is SEQ.
fn read_prefix(prefix: &str) -> (Option<u64>, Option<&str>, Option<&str>) {
    // Fields separated by ':' followed by a blank (times hold ':' without a blank).
    let mut fields: Vec<&str> = Vec::new();
    let mut rest = prefix;
    while let Some(p) = rest.find(": ").or_else(|| rest.strip_suffix(':').map(|r| r.len())) {
        fields.push(rest[..p].trim());
        rest = rest.get(p + 2..).unwrap_or("");
    }
    if !rest.trim().is_empty() {
        fields.push(rest.trim());
    }
    let is_time = |f: &str| {
        let f = f.trim_start_matches('*');
        f.len() >= 8 && f.as_bytes()[..3].iter().all(u8::is_ascii_alphabetic) && f.matches(':').count() >= 2
    };
    // `41679: uc-ucm-01.pcce.local Jul 02 2015 06:22:31 UTC`: host and time share a field.
    fn host_time(f: &str) -> Option<(&str, &str)> {
        let (h, t) = f.split_once(' ')?;
        let t = t.trim_start_matches('*');
        let time_like =
            t.len() >= 8 && t.as_bytes()[..3].iter().all(u8::is_ascii_alphabetic) && t.matches(':').count() >= 2;
        (!h.is_empty() && !h.as_bytes()[0].is_ascii_digit() && time_like).then_some((h, t))
    }
    let Some(ti) = fields.iter().rposition(|f| is_time(f) || host_time(f).is_some()) else {
        let seq = fields.iter().rev().find_map(|f| last_number(f));
        return (seq, None, None);
    };
    let (mut host, time) = match host_time(fields[ti]) {
        Some((h, t)) if !is_time(fields[ti]) => (Some(h), Some(t)),
        _ => (None, Some(fields[ti])),
    };
    let mut seq = None;
    // Before the time: [.. SEQ] [HOST].
    let before = &fields[..ti];
    if let Some(si) = before.iter().rposition(|f| last_number(f).is_some()) {
        seq = last_number(before[si]);
        if host.is_none() {
            host = before.get(si + 1).copied().filter(|h| !h.is_empty());
        }
    }
    (seq, host, time)
}

fn last_number(f: &str) -> Option<u64> {
    let w = f.rsplit(' ').next()?;
    if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok()
}

impl Message<'_> {
    /// The value of the first tag named `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_ref())
    }

    /// The `[part=SEQ.i/n]` tag: `Ok(None)` when the message is whole.
    pub fn part(&self) -> Result<Option<Part>, Error> {
        let Some(v) = self.tag("part") else { return Ok(None) };
        let bad = || Error::BadPart;
        let (seq, rest) = v.split_once('.').ok_or_else(bad)?;
        let (i, n) = rest.split_once('/').ok_or_else(bad)?;
        let p = Part {
            seq: seq.trim().parse().map_err(|_| bad())?,
            index: i.trim().parse().map_err(|_| bad())?,
            count: n.trim().parse().map_err(|_| bad())?,
        };
        if p.index == 0 || p.index > p.count || p.count > MAX_PARTS {
            return Err(bad());
        }
        Ok(Some(p))
    }
}

/// Says whether a whole message is a DeviceTLInfo report: its tags carry `DeviceName` and
/// `ITL_Signature` or `CTL_Signature`.
pub fn classify(msg: &Message<'_>) -> Outcome {
    let has = |k: &str| msg.tags.iter().any(|(key, _)| key == k);
    if !has("DeviceName") || !(has("ITL_Signature") || has("CTL_Signature")) {
        return Outcome::Other;
    }
    let mut r = Report::default();
    for (k, v) in &msg.tags {
        r.set(k, v);
    }
    if r.device_name.as_deref().is_none_or(str::is_empty) {
        return Outcome::Other;
    }
    Outcome::Report(r)
}

/// One received part: its tags and its text.
type PartBody = (Vec<(String, String)>, String);

struct Pending {
    first_seen: u64,
    bytes: usize,
    parts: Vec<Option<PartBody>>,
}

/// Joins split messages per sender: feed every message with [`Joiner::push`], and call
/// [`Joiner::expire`] now and then to drop parts whose siblings never came.
///
/// `K` names the sender (its address). Memory is bounded: at most `max_pending` messages
/// are waiting, and a message's parts total at most [`MAX_MESSAGE_BYTES`].
pub struct Joiner<K> {
    pending: HashMap<(K, u64), Pending>,
    max_pending: usize,
    timeout: u64,
}

impl<K: Hash + Eq + Clone> Joiner<K> {
    /// Keeps at most `max_pending` incomplete messages, each for at most `timeout` seconds.
    pub fn new(max_pending: usize, timeout: u64) -> Self {
        Joiner { pending: HashMap::new(), max_pending: max_pending.max(1), timeout }
    }

    /// Incomplete messages waiting.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Reads one message from `sender` at time `now` (seconds, any clock).
    pub fn push(&mut self, sender: &K, text: &str, now: u64) -> Vec<Outcome> {
        match parse(text) {
            Ok(msg) => self.push_message(sender, msg, text.len(), now),
            Err(e) => vec![Outcome::Skipped(e)],
        }
    }

    /// As [`Joiner::push`], for a message already parsed from `bytes` bytes of text.
    pub fn push_message(&mut self, sender: &K, msg: Message<'_>, bytes: usize, now: u64) -> Vec<Outcome> {
        let part = match msg.part() {
            Ok(None) => return vec![classify(&msg)],
            Ok(Some(p)) => p,
            Err(e) => return vec![Outcome::Skipped(e)],
        };
        let mut out = Vec::new();
        let key = (sender.clone(), part.seq);
        if !self.pending.contains_key(&key) && self.pending.len() >= self.max_pending {
            // Drop the oldest to make room.
            if let Some(old) = self.pending.iter().min_by_key(|(_, p)| p.first_seen).map(|(k, _)| k.clone()) {
                if let Some(p) = self.pending.remove(&old) {
                    out.extend(p.parts.iter().flatten().map(|_| Outcome::Skipped(Error::Incomplete)));
                }
            }
        }
        let entry = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            first_seen: now,
            bytes: 0,
            parts: vec![None; part.count as usize],
        });
        if entry.parts.len() != part.count as usize || entry.bytes + bytes > MAX_MESSAGE_BYTES {
            out.push(Outcome::Skipped(Error::BadPart));
            return out;
        }
        let tags = msg.tags.iter().filter(|(k, _)| k != "part").map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let slot = &mut entry.parts[part.index as usize - 1];
        if slot.is_some() {
            // A repeated part (the same message over two paths): the first one stands.
            out.push(Outcome::Other);
            return out;
        }
        entry.bytes += bytes;
        *slot = Some((tags, msg.text.into_owned()));
        if entry.parts.iter().any(Option::is_none) {
            out.push(Outcome::Pending);
            return out;
        }
        let Some(done) = self.pending.remove(&key) else { return out };
        let mut whole = Message { tags: Vec::new(), text: Cow::Owned(String::new()), ..msg };
        let mut text = String::new();
        for (tags, t) in done.parts.into_iter().flatten() {
            whole.tags.extend(tags.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))));
            text.push_str(&t);
        }
        whole.text = Cow::Owned(text);
        out.push(classify(&whole));
        out
    }

    /// Drops messages incomplete for longer than the timeout at time `now`; returns the
    /// number of parts dropped (each counts as skipped).
    pub fn expire(&mut self, now: u64) -> usize {
        self.expire_each(now, |_, _| {})
    }

    /// As [`Joiner::expire`], telling `dropped` when each dropped message was first seen
    /// and how many of its parts had come.
    pub fn expire_each(&mut self, now: u64, mut dropped: impl FnMut(u64, usize)) -> usize {
        let timeout = self.timeout;
        let mut total = 0;
        self.pending.retain(|_, p| {
            let keep = now.saturating_sub(p.first_seen) < timeout;
            if !keep {
                let parts = p.parts.iter().flatten().count();
                total += parts;
                dropped(p.first_seen, parts);
            }
            keep
        });
        total
    }
}

impl<K> std::fmt::Debug for Joiner<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Joiner").field("pending", &self.pending.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUDIT: &str = "<189>8103: Oct 14 2015 05:50:19 AM.484 UTC :  %UC_AUDITLOG-5-AdministrativeEvent: %[ UserID =administrator][ClientAddress =10.1.1.5][ Severity=5][EventType =UserLogging][ResourceAccessed=Cisco CCM Administration][EventStatus=Success][CompulsoryEvent=No][AuditCategory=AdministrativeEvent][ComponentID=Cisco CCM Administration][CorrelationID=][AuditDetails=Successful Login][App ID=Cisco Tomcat][Cluster ID=][Node ID=cucm1]: Audit Event is generated by this application";
    const FILE_LINE: &str = "31 uc-ucm-01 local7 3 : 41679: uc-ucm-01.pcce.local Jul 02 2015 06:22:31 UTC :   %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEPE0D1730A8137][IPAddress=10.60.98.210][Protocol=SIP][DeviceType=36213][Description=Auto 1000][Reason=8][IPAddressAttributes=0][UNKNOWN_PARAMNAME:LastSignalReceived=SIPStationDInitialize][UNKNOWN_PARAMNAME:StationState=wait_register][AppID=Cisco CallManager][ClusterID=StandAloneCluster][NodeID=uc-ucm-01]: An endpoint has unregistered";
    const TLINFO: &str = "<190>123: cucm-pub: Mar 09 2024 06:32:45 PM.42 UTC : %UC_CALLMANAGER-6-DeviceTLInfo : %[DeviceName=SEP001122334455] [IPv4Address=10.1.1.20][ ITL_Signature = 1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D ][ITL_TFTP_Server=cucm-pub][CTL_Signature=Not Installed][StatusCode=0][AppID=Cisco CallManager][Note=a:b=c d#012e]: Device trust list information";

    #[test]
    fn the_former_path_names_this_module() {
        // Embedders wrote `itl::syslog::…` before the module moved under `devicetlinfo`.
        assert_eq!(crate::syslog::parse(AUDIT), parse(AUDIT));
        assert_eq!(crate::syslog::MAX_PARTS, MAX_PARTS);
    }

    #[test]
    fn reads_the_audit_sample() {
        let m = parse(AUDIT).unwrap();
        assert_eq!(m.pri, Some(189));
        assert_eq!(m.seq, Some(8103));
        assert_eq!(m.host, None);
        assert_eq!(m.time, Some("Oct 14 2015 05:50:19 AM.484 UTC"));
        assert_eq!((m.facility, m.severity, m.name), ("UC_AUDITLOG", 5, "AdministrativeEvent"));
        assert_eq!(m.tag("UserID"), Some("administrator"));
        assert_eq!(m.tag("App ID"), Some("Cisco Tomcat"));
        assert_eq!(m.tag("CorrelationID"), Some(""));
        assert_eq!(m.text, "Audit Event is generated by this application");
        assert_eq!(classify(&m), Outcome::Other);
    }

    #[test]
    fn reads_a_syslog_servers_file_line() {
        let m = parse(FILE_LINE).unwrap();
        assert_eq!(m.pri, None);
        assert_eq!(m.seq, Some(41679));
        assert_eq!(m.host, Some("uc-ucm-01.pcce.local"));
        assert_eq!(m.time, Some("Jul 02 2015 06:22:31 UTC"));
        assert_eq!(m.name, "EndPointUnregistered");
        assert_eq!(m.tag("UNKNOWN_PARAMNAME:StationState"), Some("wait_register"));
        assert_eq!(m.text, "An endpoint has unregistered");
        // Names a device, but carries no trust-list hash.
        assert_eq!(classify(&m), Outcome::Other);
    }

    #[test]
    fn empty_host_and_no_tags() {
        let m = parse("<14>1362992: : audispd:node=cucm type=USER_LOGIN msg=audit(1): %UC_-6-X: plain text").unwrap();
        assert_eq!(m.seq, Some(1362992));
        assert_eq!(m.name, "X");
        assert!(m.tags.is_empty());
        assert_eq!(m.text, "plain text");
        assert_eq!(parse("<14>1362992: : audispd:node=cucm type=USER_LOGIN"), Err(Error::NoHeader));
    }

    #[test]
    fn reads_a_report_with_loose_spacing_and_escapes() {
        let m = parse(TLINFO).unwrap();
        assert_eq!(m.host, Some("cucm-pub"));
        assert_eq!(m.time, Some("Mar 09 2024 06:32:45 PM.42 UTC"));
        assert_eq!(m.tag("Note"), Some("a:b=c d\ne"));
        let Outcome::Report(r) = classify(&m) else { panic!("not a report") };
        assert_eq!(r.device_name.as_deref(), Some("SEP001122334455"));
        assert_eq!(r.ipv4.as_deref(), Some("10.1.1.20"));
        assert_eq!(r.itl_signature.as_deref(), Some("1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D"));
        assert_eq!(r.itl_tftp_server.as_deref(), Some("cucm-pub"));
        assert_eq!(r.ctl_signature.as_deref(), Some("Not Installed"));
        assert_eq!(r.status_code.as_deref(), Some("0"));
    }

    #[test]
    fn any_alarm_name_with_the_tags_is_a_report() {
        let line = "<187>7: *Jul 2 06:22:31.48 UTC: %UC_CALLMANAGER-3-StationAlarm: %[DeviceName=SEPAABBCCDDEEFF][CTL_Signature=00112233445566778899aabbccddeeff00112233]: relayed";
        let Outcome::Report(r) = classify(&parse(line).unwrap()) else { panic!() };
        assert_eq!(r.device_name.as_deref(), Some("SEPAABBCCDDEEFF"));
        assert_eq!(r.itl_signature, None);
        let no_hash = "<187>7: Jul 2 06:22:31 UTC: %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEPAABBCCDDEEFF]: x";
        assert_eq!(classify(&parse(no_hash).unwrap()), Outcome::Other);
    }

    #[test]
    fn escaped_brackets_and_brackets_inside_values() {
        let m = parse(r"<1>1: Jan 1 00:00:00.000 UTC: %A-1-B: %[k=a\]b][j= x]y ][i=\\]: t").unwrap();
        assert_eq!(m.tag("k"), Some("a]b"));
        assert_eq!(m.tag("j"), Some("x]y"));
        assert_eq!(m.tag("i"), Some("\\"));
        assert_eq!(m.text, "t");
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        assert_eq!(parse(""), Err(Error::Empty));
        assert_eq!(parse("   \r\n"), Err(Error::Empty));
        assert_eq!(parse("<999>garbage"), Err(Error::NoHeader));
        assert_eq!(parse(&"x".repeat(MAX_MESSAGE_BYTES + 1)), Err(Error::TooLong));
        for s in ["%", "%A-", "%A-1-", "<1>%A-1-B: %[", "%A-1-B: %[k=v", "%A-1-B:%[\\", "<12"] {
            let _ = parse(s);
        }
        let m = parse("%A-1-B: %[k=v").unwrap();
        assert!(m.tags.is_empty());
    }

    fn split(seq: u64, n: u32, tags: &[&str], text: &[&str]) -> Vec<String> {
        (1..=n)
            .map(|i| {
                let i0 = (i - 1) as usize;
                format!(
                    "<190>{}: cucm: Mar 09 2024 18:32:45.420 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[part={seq}.{i}/{n}]{}: {}",
                    seq + u64::from(i) - 1,
                    tags.get(i0).copied().unwrap_or(""),
                    text.get(i0).copied().unwrap_or("")
                )
            })
            .collect()
    }

    #[test]
    fn joins_parts_per_sender_in_any_order() {
        let parts = split(
            40,
            3,
            &["[DeviceName=SEP001122334455]", "[ITL_Signature=1BA1]", "[ITL_TFTP_Server=10.0.0.1]"],
            &["Device ", "trust list ", "info"],
        );
        let mut j = Joiner::new(16, 30);
        assert_eq!(j.push(&"a", &parts[2], 0), vec![Outcome::Pending]);
        // The same SEQ from another sender is another message.
        assert_eq!(j.push(&"b", &parts[0], 0), vec![Outcome::Pending]);
        assert_eq!(j.push(&"a", &parts[0], 0), vec![Outcome::Pending]);
        assert_eq!(j.pending(), 2);
        let out = j.push(&"a", &parts[1], 1);
        let [Outcome::Report(r)] = &out[..] else { panic!("{out:?}") };
        assert_eq!(r.device_name.as_deref(), Some("SEP001122334455"));
        assert_eq!(r.itl_signature.as_deref(), Some("1BA1"));
        assert_eq!(r.itl_tftp_server.as_deref(), Some("10.0.0.1"));
        assert_eq!(j.pending(), 1);
        // "b" never completes: its one part is skipped.
        assert_eq!(j.expire(10), 0);
        assert_eq!(j.expire(31), 1);
        assert_eq!(j.pending(), 0);
    }

    #[test]
    fn bad_parts_are_skipped() {
        let mut j = Joiner::new(2, 30);
        for bad in ["0.0/2", "1.3/2", "x.1/2", "1.1", "1.1/1000"] {
            let line = format!("<1>1: Jan 1 00:00:00.000 UTC: %A-1-B: %[part={bad}]: t");
            assert_eq!(j.push(&0, &line, 0), vec![Outcome::Skipped(Error::BadPart)], "{bad}");
        }
        // A full table drops the oldest message.
        for seq in 0..3u64 {
            let line = format!("<1>1: Jan 1 00:00:00.000 UTC: %A-1-B: %[part={seq}.1/2]: t");
            let out = j.push(&0, &line, seq);
            if seq == 2 {
                assert_eq!(out, vec![Outcome::Skipped(Error::Incomplete), Outcome::Pending]);
            }
        }
        assert_eq!(j.pending(), 2);
    }
}
