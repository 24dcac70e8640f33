//! The latest report of each phone, in a few dozen bytes a phone: names packed or interned,
//! hashes as interned bytes.

use std::cmp::Ordering;
use std::collections::HashMap as StdMap;

/// Maps keyed by what the reports say: foldhash (seeded per process) is several times
/// faster than SipHash on these short keys.
type HashMap<K, V> = StdMap<K, V, foldhash::fast::RandomState>;

use super::compare::{compare_hash, hash_bytes, lower_hex, Served, Status};
use super::report::{Report, ReportRef};
use super::row::{DeviceRow, Summary};

/// No value.
const NONE: u32 = u32::MAX;

/// Strings stored once, by number.
#[derive(Debug, Clone, Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(NONE - 1).min(NONE - 1);
        self.list.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", |s| s)
    }

    fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    fn get_opt(&self, i: u32) -> Option<&str> {
        (i != NONE).then(|| self.get(i))
    }
}

/// A reported ITL/CTL value: hash bytes, or the phone's words (trimmed; empty for none).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Hash(Box<[u8]>),
    Text(Box<str>),
}

/// Reported values stored once, by number.
#[derive(Debug, Clone, Default)]
struct Values {
    hashes: HashMap<Box<[u8]>, u32>,
    texts: HashMap<Box<str>, u32>,
    list: Vec<Value>,
}

impl Values {
    fn id(&mut self, v: Option<&str>) -> u32 {
        let t = v.map_or("", str::trim);
        if !t.eq_ignore_ascii_case("Not Installed") {
            if let Some((b, n)) = hash_bytes(t) {
                return self.hash_id(&b[..n]);
            }
        }
        self.text_id(t)
    }

    fn next(&self) -> u32 {
        u32::try_from(self.list.len()).unwrap_or(NONE - 1).min(NONE - 1)
    }

    fn hash_id(&mut self, h: &[u8]) -> u32 {
        if let Some(&i) = self.hashes.get(h) {
            return i;
        }
        let i = self.next();
        self.list.push(Value::Hash(h.into()));
        self.hashes.insert(h.into(), i);
        i
    }

    fn text_id(&mut self, t: &str) -> u32 {
        if let Some(&i) = self.texts.get(t) {
            return i;
        }
        let i = self.next();
        self.list.push(Value::Text(t.into()));
        self.texts.insert(t.into(), i);
        i
    }

    fn of(&mut self, v: &Value) -> u32 {
        match v {
            Value::Hash(h) => self.hash_id(h),
            Value::Text(t) => self.text_id(t),
        }
    }

    fn get(&self, i: u32) -> Option<&Value> {
        self.list.get(i as usize)
    }

    /// What the output shows: lower-case hex, or the phone's words.
    fn shown(&self, i: u32) -> Option<String> {
        match self.get(i)? {
            Value::Hash(h) => Some(lower_hex(h)),
            Value::Text(t) => (!t.is_empty()).then(|| t.to_string()),
        }
    }
}

/// (DeviceName, ITL_TFTP_Server in lower case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    /// A packed `SEP…` name (top bit set) or an interned one.
    device: u64,
    /// Interned lower-case server name ("" for none).
    server: u32,
}

/// The rest of the latest report.
#[derive(Debug, Clone, Copy)]
struct Entry {
    itl_server: u32,
    ctl_server: u32,
    /// 0: none; `1 << 32 | address`: a dotted quad; `2 << 32 | id`: interned text.
    ipv4: u64,
    itl: u32,
    ctl: u32,
}

const PACKED: u64 = 1 << 63;

/// Three capital letters and twelve upper-case hex digits (`SEP0011223344AA`) in 63 bits;
/// packed names sort as their text does.
fn pack_device(name: &str) -> Option<u64> {
    let b = name.as_bytes();
    if b.len() != 15 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &b[..3] {
        if !c.is_ascii_uppercase() {
            return None;
        }
        v = v << 5 | u64::from(c - b'A');
    }
    for &c in &b[3..] {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = v << 4 | u64::from(d);
    }
    Some(PACKED | v)
}

fn unpack_device(v: u64) -> [u8; 15] {
    let mut out = [0u8; 15];
    for (i, o) in out[3..].iter_mut().enumerate() {
        let d = (v >> (4 * (11 - i))) & 15;
        *o = if d < 10 { b'0' + d as u8 } else { b'A' + (d - 10) as u8 };
    }
    for (i, o) in out[..3].iter_mut().enumerate() {
        *o = b'A' + ((v >> (48 + 5 * (2 - i))) & 31) as u8;
    }
    out
}

/// A dotted quad in its one canonical spelling (no leading zero, each part at most 255).
fn pack_ipv4(s: &str) -> Option<u32> {
    let mut parts = s.split('.');
    let mut v = 0u32;
    for _ in 0..4 {
        let p = parts.next()?.as_bytes();
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) || (p.len() > 1 && p[0] == b'0') {
            return None;
        }
        let n = p.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
        if n > 255 {
            return None;
        }
        v = v << 8 | n;
    }
    parts.next().is_none().then_some(v)
}

/// The latest report of each (DeviceName, ITL_TFTP_Server), in about 40 to 90 bytes a
/// phone: `SEP…` names packed into 8 bytes, TFTP server names, other names and reported
/// hashes stored once each.
#[derive(Debug, Clone, Default)]
pub struct Latest {
    map: HashMap<Key, Entry>,
    strs: Interner,
    values: Values,
    /// The last ITL server, its lower-case id and its id; the last CTL server and its id;
    /// the last ITL and CTL values and their ids: reports repeat them, so most reports
    /// need no look-up for them.
    last_itl_server: Option<(Box<str>, u32, u32)>,
    last_ctl_server: Option<(Box<str>, u32)>,
    last_values: [Option<(Box<str>, u32)>; 2],
    /// Reports read but not yet in `map` (see [`Latest::stage_ref`]); empty whenever a
    /// caller outside this crate can see the table.
    staged: Vec<(Key, Entry)>,
}

/// Reports staged before their table slots are written together.
const STAGED: usize = 16;

impl Latest {
    /// Keeps `r`, replacing an earlier report of the same device and server.
    pub fn add(&mut self, r: Report) {
        self.add_ref(&r.as_ref());
    }

    /// Keeps a borrowed report, as [`Latest::add`] does.
    pub fn add_ref(&mut self, r: &ReportRef<'_>) {
        let (k, e) = self.entry(r);
        self.map.insert(k, e);
    }

    /// As [`Latest::add_ref`], but the table slot is written later, with those of the
    /// next few reports: with many phones each write misses the cache, and a burst of
    /// independent writes lets the processor wait for several misses at once. The caller
    /// must call [`Latest::flush`] before anything else reads the table.
    pub(crate) fn stage_ref(&mut self, r: &ReportRef<'_>) {
        let ke = self.entry(r);
        self.staged.push(ke);
        if self.staged.len() >= STAGED {
            self.flush();
        }
    }

    /// Writes the staged reports, in the order they were read.
    pub(crate) fn flush(&mut self) {
        for (k, e) in self.staged.drain(..) {
            self.map.insert(k, e);
        }
    }

    /// The key and table entry of a report, its strings interned.
    fn entry(&mut self, r: &ReportRef<'_>) -> (Key, Entry) {
        let name = r.device_name.as_deref().unwrap_or("");
        let device = pack_device(name).unwrap_or_else(|| u64::from(self.strs.id(name)));
        let itl_server = r.itl_tftp_server.as_deref();
        let (server, itl_server_id) = match (&self.last_itl_server, itl_server) {
            (Some((last, lower, id)), Some(s)) if **last == *s => (*lower, *id),
            _ => {
                let raw = itl_server.unwrap_or("");
                let lower = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
                    self.strs.id(&raw.to_ascii_lowercase())
                } else {
                    self.strs.id(raw)
                };
                let id = self.strs.opt(itl_server);
                if let Some(s) = itl_server {
                    self.last_itl_server = Some((s.into(), lower, id));
                }
                (lower, id)
            }
        };
        let ctl_server = r.ctl_tftp_server.as_deref();
        let ctl_server_id = match (&self.last_ctl_server, ctl_server) {
            (Some((last, id)), Some(s)) if **last == *s => *id,
            _ => {
                let id = self.strs.opt(ctl_server);
                if let Some(s) = ctl_server {
                    self.last_ctl_server = Some((s.into(), id));
                }
                id
            }
        };
        let itl = self.value(0, r.itl_signature.as_deref());
        let ctl = self.value(1, r.ctl_signature.as_deref());
        let ipv4 = match r.ipv4.as_deref().unwrap_or("") {
            "" => 0,
            ip => match pack_ipv4(ip) {
                Some(v) => 1 << 32 | u64::from(v),
                None => 2 << 32 | u64::from(self.strs.id(ip)),
            },
        };
        let e = Entry { itl_server: itl_server_id, ctl_server: ctl_server_id, ipv4, itl, ctl };
        (Key { device, server }, e)
    }

    /// The id of a reported value, through the one-entry cache `slot`.
    fn value(&mut self, slot: usize, v: Option<&str>) -> u32 {
        let raw = v.unwrap_or("");
        if let Some((last, id)) = &self.last_values[slot] {
            if **last == *raw {
                return *id;
            }
        }
        let id = self.values.id(v);
        self.last_values[slot] = Some((raw.into(), id));
        id
    }

    /// Adds the reports of `later` (read after this one's), which win.
    pub fn merge(&mut self, later: Latest) {
        debug_assert!(self.staged.is_empty() && later.staged.is_empty());
        let Latest { map, strs, values, .. } = later;
        self.map.reserve(map.len());
        for (k, e) in map {
            let device =
                if k.device & PACKED != 0 { k.device } else { u64::from(self.strs.id(strs.get(k.device as u32))) };
            let server = self.strs.id(strs.get(k.server));
            let ipv4 =
                if e.ipv4 >> 32 == 2 { 2 << 32 | u64::from(self.strs.id(strs.get(e.ipv4 as u32))) } else { e.ipv4 };
            let mut val = |i: u32| values.get(i).map_or(NONE, |v| self.values.of(v));
            let (itl, ctl) = (val(e.itl), val(e.ctl));
            let e = Entry {
                itl_server: self.strs.opt(strs.get_opt(e.itl_server)),
                ctl_server: self.strs.opt(strs.get_opt(e.ctl_server)),
                ipv4,
                itl,
                ctl,
            };
            self.map.insert(Key { device, server }, e);
        }
    }

    /// Number of (device, server) pairs kept.
    pub fn len(&self) -> usize {
        debug_assert!(self.staged.is_empty());
        self.map.len()
    }

    /// Whether no report was kept.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn device(&self, k: &Key) -> String {
        if k.device & PACKED != 0 {
            // Always ASCII.
            unpack_device(k.device).iter().map(|&b| char::from(b)).collect()
        } else {
            self.strs.get(k.device as u32).to_owned()
        }
    }

    fn name_bytes<'a>(&'a self, k: &Key, packed: &'a [u8; 15]) -> &'a [u8] {
        if k.device & PACKED != 0 {
            packed
        } else {
            self.strs.get(k.device as u32).as_bytes()
        }
    }

    fn order(&self, a: &Key, b: &Key) -> Ordering {
        let by_device = if a.device & b.device & PACKED != 0 {
            a.device.cmp(&b.device)
        } else {
            let (pa, pb) = (unpack_device(a.device), unpack_device(b.device));
            self.name_bytes(a, &pa).cmp(self.name_bytes(b, &pb))
        };
        by_device.then_with(|| {
            if a.server == b.server {
                Ordering::Equal
            } else {
                self.strs.get(a.server).cmp(self.strs.get(b.server))
            }
        })
    }

    fn status<'s>(&self, served: &'s [Served], server: u32, value: u32) -> (Status, Option<&'s str>) {
        let server = self.strs.get_opt(server);
        match self.values.get(value) {
            Some(Value::Text(t)) if t.eq_ignore_ascii_case("Not Installed") => (Status::NotInstalled, None),
            Some(Value::Hash(h)) => compare_hash(served, server, Some(h)),
            _ => compare_hash(served, server, None),
        }
    }

    fn row(&self, k: &Key, e: &Entry, itl: &[Served], ctl: &[Served]) -> DeviceRow {
        let (is, ifile) = self.status(itl, e.itl_server, e.itl);
        let (cs, cfile) = self.status(ctl, e.ctl_server, e.ctl);
        let ipv4 = match e.ipv4 >> 32 {
            0 => None,
            1 => Some(std::net::Ipv4Addr::from(e.ipv4 as u32).to_string()),
            _ => Some(self.strs.get(e.ipv4 as u32).to_owned()),
        };
        DeviceRow {
            device: self.device(k),
            ipv4,
            itl_tftp_server: self.strs.get_opt(e.itl_server).map(str::to_owned),
            itl_hash: self.values.shown(e.itl),
            itl_status: is,
            itl_file: ifile.map(str::to_owned),
            ctl_tftp_server: self.strs.get_opt(e.ctl_server).map(str::to_owned),
            ctl_hash: self.values.shown(e.ctl),
            ctl_status: cs,
            ctl_file: cfile.map(str::to_owned),
            source: super::row::Source::Report,
            address: None,
            model: None,
            reason: None,
            tvs: Vec::new(),
        }
    }

    /// The rows by device then server, made one at a time (for output that streams).
    pub fn sorted_rows<'s>(&'s self, itl: &'s [Served], ctl: &'s [Served]) -> impl Iterator<Item = DeviceRow> + 's {
        // Copies, so that the sort compares neighbours in memory, not entries all over the table.
        let mut v: Vec<(Key, Entry)> = self.map.iter().map(|(k, e)| (*k, *e)).collect();
        v.sort_unstable_by(|a, b| self.order(&a.0, &b.0));
        v.into_iter().map(move |(k, e)| self.row(&k, &e, itl, ctl))
    }

    /// The rows, by device then server, and the counts of ITL statuses.
    pub fn rows(&self, itl: &[Served], ctl: &[Served]) -> (Vec<DeviceRow>, Summary) {
        let mut sum = Summary::default();
        let rows: Vec<DeviceRow> = self.sorted_rows(itl, ctl).inspect(|r| sum.count(r.itl_status)).collect();
        (rows, sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_pack_in_text_order() {
        let names = ["AAA000000000000", "SEP00112233445A", "SEP001122334459", "SEPFFFFFFFFFFFF", "ZZZ0123456789AB"];
        for n in names {
            assert_eq!(unpack_device(pack_device(n).unwrap()), n.as_bytes(), "{n}");
        }
        let mut sorted = names;
        sorted.sort_by_key(|n| pack_device(n));
        let mut by_text = names;
        by_text.sort();
        assert_eq!(sorted, by_text);
        for n in ["SEP00112233445a", "SEP0011223344", "sEP001122334455", "SEPÄ1122334455"] {
            assert_eq!(pack_device(n), None, "{n}");
        }
    }

    #[test]
    fn only_canonical_quads_pack() {
        // std's own parser and printer are the reference.
        for ip in ["10.1.1.1", "0.0.0.0", "255.255.255.255", "192.168.7.104"] {
            let want: std::net::Ipv4Addr = ip.parse().unwrap();
            assert_eq!(pack_ipv4(ip), Some(u32::from(want)), "{ip}");
        }
        for ip in ["010.1.1.1", "10.0.0.256", "1.2.3", "1.2.3.4.5", "a.b.c.d", "", "1..2.3", " 1.2.3.4"] {
            assert_eq!(pack_ipv4(ip), None, "{ip}");
        }
    }

    #[test]
    fn staged_reports_keep_the_last_one_as_direct_ones_do() {
        let (mut direct, mut staged) = (Latest::default(), Latest::default());
        for i in 0..(3 * STAGED + 5) {
            let r = Report {
                device_name: Some(format!("SEP00000000000{}", i % 3)),
                itl_signature: Some(format!("{i:02X} {}", "AA ".repeat(19))),
                itl_tftp_server: Some("pub".into()),
                ..Report::default()
            };
            direct.add_ref(&r.as_ref());
            staged.stage_ref(&r.as_ref());
        }
        staged.flush();
        assert_eq!(staged.len(), 3);
        assert_eq!(staged.rows(&[], &[]).0, direct.rows(&[], &[]).0);
        // The last of the 53 reports of SEP…0 is report 51 (0x33), its SHA-1 shown in hex.
        let want = format!("33{}", "aa".repeat(19));
        assert_eq!(staged.rows(&[], &[]).0[0].itl_hash.as_deref(), Some(want.as_str()));
    }
}
