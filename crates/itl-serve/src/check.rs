//! What a stored report may hold: device names as CUCM allows them, hashes by length,
//! addresses parsed, no control characters, every field short. A report that fails is
//! counted as skipped, never stored.

use itl::devicetlinfo::Report;

/// The longest device name kept (CUCM allows 50 characters; room for other products).
pub const MAX_DEVICE: usize = 64;
/// The longest server name (a DNS name).
const MAX_HOST: usize = 255;
/// The longest status code or phone's words in place of a hash.
const MAX_WORDS: usize = 64;

/// A device name as CUCM allows them: letters, digits, `.`, `_`, `-`.
fn device_ok(s: &str) -> bool {
    (1..=MAX_DEVICE).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// A host name or address.
fn host_ok(s: &str) -> bool {
    s.len() <= MAX_HOST && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-:[]%".contains(&b))
}

/// A hash (hex of an MD5, SHA-1, SHA-256 or SHA-512 digest, with or without separators),
/// or the phone's words instead of one (`Not Installed`: letters, no digits).
fn hash_ok(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| !matches!(c, ' ' | ':' | '-')).collect();
    if hex.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(hex.len(), 0 | 32 | 40 | 64 | 128) {
        return true;
    }
    s.len() <= MAX_WORDS && s.bytes().all(|b| b.is_ascii_alphabetic() || b" _-().".contains(&b))
}

/// Checks `r`, dropping an address that does not parse; `false` when the report cannot be
/// stored.
pub fn report(r: &mut Report) -> bool {
    if !r.device_name.as_deref().is_some_and(device_ok) {
        return false;
    }
    if r.ipv4.as_deref().is_some_and(|a| a.trim().parse::<std::net::Ipv4Addr>().is_err()) {
        r.ipv4 = None;
    }
    if r.ipv6.as_deref().is_some_and(|a| a.trim().parse::<std::net::Ipv6Addr>().is_err()) {
        r.ipv6 = None;
    }
    let hosts = [&r.itl_tftp_server, &r.ctl_tftp_server];
    let hashes = [&r.itl_signature, &r.ctl_signature];
    hosts.iter().all(|h| h.as_deref().is_none_or(host_ok))
        && hashes.iter().all(|h| h.as_deref().is_none_or(hash_ok))
        && r.status_code.as_deref().is_none_or(|s| s.len() <= MAX_WORDS && !s.chars().any(char::is_control))
}

/// A CSV cell a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) made inert with a leading `'`.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(device: &str, hash: &str, ip: &str) -> Report {
        let mut r = Report::default();
        r.set("DeviceName", device);
        r.set("ITL_Signature", hash);
        r.set("IPv4Address", ip);
        r
    }

    #[test]
    fn reports_are_checked_field_by_field() {
        // SHA-1 of testdata/itl-11x-cm-sha1.tlv, as a phone writes it.
        let sha1 = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
        assert!(report(&mut rep("SEP1C1D86000000", sha1, "10.0.0.1")));
        assert!(report(&mut rep("CSFJDOE", "Not Installed", "")));
        assert!(!report(&mut rep(&"S".repeat(10_000), sha1, "")));
        assert!(!report(&mut rep("SEP\u{0}1", sha1, "")));
        assert!(!report(&mut rep("=HYPERLINK(\"x\")", sha1, "")));
        assert!(!report(&mut rep("SEP1", &"A".repeat(15_000), "")));
        assert!(!report(&mut rep("SEP1", "28 0A D9", "")), "a hash of no digest's length");
        let mut r = rep("SEP1", sha1, "10.0.0.300");
        assert!(report(&mut r));
        assert_eq!(r.ipv4, None, "an address that does not parse is dropped");
    }

    #[test]
    fn formula_cells_are_inert() {
        for c in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(inert(c).starts_with('\''), "{c}");
        }
        assert_eq!(inert("SEP1"), "SEP1");
    }
}
