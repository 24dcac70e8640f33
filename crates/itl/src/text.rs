//! Text renderings CUCM uses for byte strings.

use core::fmt::Write;

/// Serial number as CUCM prints it: upper-case byte pairs joined by `:` (`61:40:52:E9`).
pub fn colon_hex(bytes: &[u8]) -> String {
    join_hex(bytes, ':')
}

/// Bytes as a phone shows a hash: upper-case byte pairs joined by spaces (`1B A1 C9`).
pub fn spaced_hex(bytes: &[u8]) -> String {
    join_hex(bytes, ' ')
}

fn join_hex(bytes: &[u8], sep: char) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(sep);
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// The common name in a CUCM-style name (`CN=x;OU=y` or `cn="x";ou=y`, also `,`-joined).
pub fn common_name(name: &str) -> Option<&str> {
    name.split([';', ',']).find_map(|part| {
        let part = part.trim();
        let (k, v) = part.split_once('=')?;
        k.trim().eq_ignore_ascii_case("cn").then(|| v.trim().trim_matches('"').trim())
    })
}

/// Whether a subject names an ITLRecovery certificate (its CN starts with `ITLRECOVERY`,
/// any case).
pub fn is_itl_recovery(subject: &str) -> bool {
    common_name(subject).and_then(|cn| cn.get(..11)).is_some_and(|p| p.eq_ignore_ascii_case("ITLRECOVERY"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(colon_hex(&[0x61, 0x40, 0x0a]), "61:40:0A");
        assert_eq!(spaced_hex(&[0x1b, 0xa1]), "1B A1");
        assert_eq!(colon_hex(&[]), "");
        assert_eq!(common_name("CN=ITLRECOVERY_a;OU=tac"), Some("ITLRECOVERY_a"));
        assert_eq!(common_name("cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems"), Some("SAST-ADN0054f509"));
        assert_eq!(common_name("O=x"), None);
        assert!(is_itl_recovery("CN=itlrecovery_pub;O=x"));
        // A multi-byte character across byte 11 must not panic.
        assert!(!is_itl_recovery("CN=ITLRECOVERé_pub"));
        assert!(!is_itl_recovery("CN=ITLRECOVER"));
    }
}
