//! A page's bytes as text, in the page's character set.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// How far into the body a `<meta charset>` is looked for (the WHATWG prescan's limit).
const PRESCAN_BYTES: usize = 1024;

/// Decodes `body`: a byte-order mark wins, then the `Content-Type` charset, then a
/// `<meta ... charset=...>` near the start, then UTF-8 if the bytes are UTF-8, else
/// Windows-1252 (what browsers read `ISO-8859-1` pages as). Malformed bytes become U+FFFD.
pub(super) fn decode<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    if let Some((enc, bom)) = Encoding::for_bom(body) {
        return enc.decode_without_bom_handling(body.get(bom..).unwrap_or_default()).0;
    }
    let declared = content_type.and_then(|ct| label_after_charset(ct.as_bytes())).or_else(|| {
        // A meta tag cannot really declare UTF-16 (its own bytes would not be ASCII then).
        label_after_charset(&body[..body.len().min(PRESCAN_BYTES)]).map(|e| {
            if e == UTF_16LE || e == UTF_16BE {
                UTF_8
            } else {
                e
            }
        })
    });
    let enc = declared.unwrap_or_else(|| if std::str::from_utf8(body).is_ok() { UTF_8 } else { WINDOWS_1252 });
    enc.decode_without_bom_handling(body).0
}

/// The encoding named after the first `charset` (any case) in `text`, as in
/// `text/html; charset="ISO-8859-1"` or `<meta charset=utf-8>`.
fn label_after_charset(text: &[u8]) -> Option<&'static Encoding> {
    let at = text.windows(7).position(|w| w.eq_ignore_ascii_case(b"charset"))?;
    let rest = text.get(at + 7..)?;
    let rest = trim_start(rest).strip_prefix(b"=")?;
    let rest = trim_start(rest);
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let len = rest.iter().position(|c| !(c.is_ascii_alphanumeric() || b"-_.:".contains(c))).unwrap_or(rest.len());
    Encoding::for_label(rest.get(..len)?)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    b.get(n..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_sources_in_order() {
        // "ü" in Latin-1 is the byte 0xFC (ISO/IEC 8859-1 code chart).
        let latin1 = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">M\xfcnchen";
        assert!(decode(latin1, None).ends_with("München"));
        assert!(decode(b"M\xfcnchen", Some("text/html; charset=iso-8859-1")).ends_with("München"));
        // Undeclared, not UTF-8: read as Windows-1252.
        assert_eq!(decode(b"M\xfcnchen", Some("text/html")), "München");
        // Declared UTF-8 wins over the meta tag; bad bytes become U+FFFD.
        assert_eq!(
            decode(b"<meta charset=latin1>\xfc", Some("text/html;charset=UTF-8")),
            "<meta charset=latin1>\u{fffd}"
        );
        assert_eq!(decode("München".as_bytes(), None), "München");
        // Byte-order mark first.
        assert_eq!(decode(b"\xef\xbb\xbfok", Some("text/html; charset=latin1")), "ok");
    }
}
