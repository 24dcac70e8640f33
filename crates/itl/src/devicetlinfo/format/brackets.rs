//! CUCM alarm and syslog text with `[Name=Value]` brackets:
//! `%[DeviceName=SEP…][ITL_Signature=1B A1 …][ITL_TFTP_Server=…]: Trust list info`.

use super::finish;
use crate::devicetlinfo::report::{EventRef, ReportRef};

/// `[Name=Value]` brackets.
pub(super) fn parse(text: &str, line: usize) -> EventRef<'_> {
    let mut r = ReportRef { line, ..ReportRef::default() };
    let b = text.as_bytes();
    // Each part after a `[`, up to its first `]`, as `Name=Value`.
    let mut opens = memchr::memchr_iter(b'[', b).peekable();
    while let Some(i) = opens.next() {
        let end = opens.peek().copied().unwrap_or(b.len());
        let part = &b[i + 1..end];
        let inner = &part[..memchr::memchr(b']', part).unwrap_or(part.len())];
        if let Some(eq) = memchr::memchr(b'=', inner) {
            let (k, v) = (i + 1, i + 1 + eq);
            r.set(&text[k..v], &text[v + 1..k + inner.len()]);
        }
    }
    finish(r)
}
