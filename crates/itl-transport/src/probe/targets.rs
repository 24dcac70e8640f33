//! What one `--probe ADDR|CIDR|@FILE` names: addresses and host names, checked before any
//! phone is asked.

use std::net::IpAddr;
use std::path::Path;

use ipnet::IpNet;

use crate::{Error, ErrorKind};

/// The smallest IPv4 prefix accepted (a /16: 65,534 hosts).
pub const MIN_PREFIX_V4: u8 = 16;
/// The smallest IPv6 prefix accepted (a /112: 65,535 hosts).
pub const MIN_PREFIX_V6: u8 = 112;
/// The most addresses one `--probe` may name (a file of blocks included).
pub const MAX_TARGETS: usize = 1 << 20;
/// The largest `@FILE` read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Column names (any case) that hold a phone's address in a CSV export (CUCM's bulk
/// administration and RTMT's device search use the first three).
const IP_COLUMNS: &[&str] = &["IPAddress", "IP Address", "ip", "IPv4 Address", "IPv4Address"];

/// The addresses `spec` names, in order (see [`super::targets`]).
pub(super) fn targets(spec: &str) -> Result<Vec<String>, Error> {
    let spec = spec.trim();
    if let Some(path) = spec.strip_prefix('@') {
        return from_file(Path::new(path));
    }
    let mut out = Vec::new();
    entry(spec, &mut out).map_err(|why| Error::new(ErrorKind::Input, format!("--probe {spec}: {why}")))?;
    Ok(out)
}

/// Adds what one entry names to `out`.
fn entry(e: &str, out: &mut Vec<String>) -> Result<(), String> {
    if e.contains('/') {
        return cidr(e, out);
    }
    if e.parse::<IpAddr>().is_ok() || is_host_name(e) {
        if out.len() >= MAX_TARGETS {
            return Err(too_many());
        }
        out.push(e.to_owned());
        return Ok(());
    }
    Err(format!("{e:?} is not an IPv4 or IPv6 address, a host name or a CIDR block (10.1.20.0/24)"))
}

fn too_many() -> String {
    format!("more than {MAX_TARGETS} addresses in one --probe; split the run")
}

/// A block's hosts: IPv4 without the network and broadcast addresses (a /31 or /32 is all
/// hosts), IPv6 without the all-zero Subnet-Router anycast address.
fn cidr(e: &str, out: &mut Vec<String>) -> Result<(), String> {
    let net: IpNet =
        e.parse().map_err(|_| format!("{e:?} is not a CIDR block (like 10.1.20.0/24 or 2001:db8::/120)"))?;
    let (min, size) = match net {
        IpNet::V4(n) => (MIN_PREFIX_V4, 32 - n.prefix_len()),
        IpNet::V6(n) => (MIN_PREFIX_V6, 128 - n.prefix_len()),
    };
    if net.prefix_len() < min {
        return Err(format!(
            "{e} is larger than /{min} (2^{size} addresses); give blocks of /{min} or smaller, or a file of addresses"
        ));
    }
    if out.len() + (1usize << size) > MAX_TARGETS + 2 {
        return Err(too_many());
    }
    match net {
        IpNet::V4(n) => out.extend(n.hosts().map(|a| a.to_string())),
        IpNet::V6(n) => {
            let skip = (n.prefix_len() < 127).then(|| n.network());
            out.extend(n.hosts().filter(|a| Some(*a) != skip).map(|a| a.to_string()));
        }
    }
    Ok(())
}

/// An RFC 1123 host name (letters, digits, hyphens; underscores tolerated, as Windows DNS
/// has them), not all digits in its last label (that is a mistyped address).
fn is_host_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    let ok_label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    (1..=253).contains(&s.len())
        && s.split('.').all(ok_label)
        && !s.rsplit('.').next().is_some_and(|l| l.bytes().all(|c| c.is_ascii_digit()))
}

/// A file's addresses: one a line (`#` starts a comment), or a CSV export with an address
/// column (comma, semicolon or tab separated; UTF-8 or UTF-16 with a byte-order mark).
fn from_file(path: &Path) -> Result<Vec<String>, Error> {
    let shown = path.display();
    let fail = |what: String| Error::new(ErrorKind::Input, what);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("--probe @{shown}: cannot read it: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!("--probe @{shown}: larger than {MAX_FILE_BYTES} bytes; split the file")));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("--probe @{shown}: cannot read it: {e}")))?;
    let text = decode_text(&bytes);
    let mut out = Vec::new();
    let at = |line: usize, why: String| fail(format!("{shown}:{line}: {why}"));
    let first = text.lines().enumerate().find(|(_, l)| !strip_comment(l).is_empty());
    match first.and_then(|(n, header)| csv_header(header).map(|h| (n, h))) {
        Some((n, (delim, col))) => from_csv(&text, n, delim, col, &mut out).map_err(|(l, why)| at(l, why))?,
        None => {
            for (i, line) in text.lines().enumerate() {
                let e = strip_comment(line);
                if !e.is_empty() {
                    entry(e, &mut out).map_err(|why| at(i + 1, why))?;
                }
            }
        }
    }
    if out.is_empty() {
        return Err(fail(format!(
            "--probe @{shown}: names no phone (no address line, or an address column with no address in it)"
        )));
    }
    Ok(out)
}

fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// Text of a file: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 (a BOM
/// dropped, bad bytes replaced).
fn decode_text(b: &[u8]) -> String {
    let utf16 = |le: bool| {
        let units = b[2..].chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
    };
    match b {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(b).into_owned(),
    }
}

/// The delimiter and address column of a CSV header line.
fn csv_header(line: &str) -> Option<(u8, usize)> {
    [b',', b';', b'\t'].into_iter().find_map(|d| {
        let mut r = csv::ReaderBuilder::new().has_headers(false).delimiter(d).from_reader(line.as_bytes());
        let rec = r.records().next()?.ok()?;
        if rec.len() < 2 && !IP_COLUMNS.iter().any(|c| rec.get(0).is_some_and(|f| f.trim().eq_ignore_ascii_case(c))) {
            return None;
        }
        let col = rec.iter().position(|f| IP_COLUMNS.iter().any(|c| f.trim().eq_ignore_ascii_case(c)))?;
        Some((d, col))
    })
}

/// The address column of a CSV whose header is on line `header` (0-based); empty cells are
/// phones without an address and are skipped. Errors name the 1-based line.
fn from_csv(text: &str, header: usize, delim: u8, col: usize, out: &mut Vec<String>) -> Result<(), (usize, String)> {
    let body = text.split_inclusive('\n').skip(header + 1).collect::<String>();
    let mut r =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(body.as_bytes());
    let mut rec = csv::StringRecord::new();
    loop {
        let line = header + 2 + r.position().line() as usize - 1;
        match r.read_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err((line, format!("not CSV: {e}"))),
        }
        let first = rec.get(0).unwrap_or("").trim_start();
        if first.starts_with('#') {
            continue;
        }
        let cell = rec.get(col).unwrap_or("").trim();
        if !cell.is_empty() {
            entry(cell, out).map_err(|why| (line, why))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for ok in ["cucm1", "sep-1.example.com", "a_b.example.", "x1"] {
            assert!(is_host_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "10.1.2.300", "a..b", "a b", "ä.example", &"a".repeat(64)] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }
}
