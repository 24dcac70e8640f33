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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(colon_hex(&[0x61, 0x40, 0x0a]), "61:40:0A");
        assert_eq!(spaced_hex(&[0x1b, 0xa1]), "1B A1");
        assert_eq!(colon_hex(&[]), "");
    }
}
