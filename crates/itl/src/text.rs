//! Text renderings CUCM uses for byte strings.

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
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(sep);
        }
        s.push(char::from(UPPER[usize::from(b >> 4)]));
        s.push(char::from(UPPER[usize::from(b & 15)]));
    }
    s
}

const UPPER: &[u8; 16] = b"0123456789ABCDEF";
#[cfg(feature = "verify")]
const LOWER: &[u8; 16] = b"0123456789abcdef";

/// Appends `b` in lower-case hex without a leading zero (`5`, `e7`), as CUCM's signature
/// dump prints a byte. Written by table: `show` prints hundreds of these, and a `write!`
/// each costs ten times the work.
#[cfg(feature = "verify")]
pub(crate) fn push_lower_hex(s: &mut String, b: u8) {
    if b >= 16 {
        s.push(char::from(LOWER[usize::from(b >> 4)]));
    }
    s.push(char::from(LOWER[usize::from(b & 15)]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(colon_hex(&[0x61, 0x40, 0x0a]), "61:40:0A");
        assert_eq!(spaced_hex(&[0x1b, 0xa1]), "1B A1");
        assert_eq!(colon_hex(&[]), "");
        for b in 0..=255u8 {
            assert_eq!(colon_hex(&[b, b]), format!("{b:02X}:{b:02X}"));
        }
    }

    #[cfg(feature = "verify")]
    #[test]
    fn lower_hex_as_std() {
        for b in 0..=255u8 {
            let mut s = String::new();
            push_lower_hex(&mut s, b);
            assert_eq!(s, format!("{b:x}"));
        }
    }
}
