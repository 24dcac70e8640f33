//! Text with `Name=Value` pairs (`DeviceName=SEP… ITL_Signature=1B A1 … ITL_TFTP_Server=…`),
//! separated by blanks, commas, semicolons or colons.

use super::finish;
use crate::devicetlinfo::report::{EventRef, ReportRef};

/// `Name=Value Name=Value …` where values may hold spaces: a value runs to the next name.
pub(super) fn parse<'t>(text: &'t str, line: usize, keys: &mut Vec<(usize, usize)>) -> EventRef<'t> {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    keys.clear();
    for eq in memchr::memchr_iter(b'=', b) {
        let mut s = eq;
        while s > 0 && ident(b[s - 1]) {
            s -= 1;
        }
        if s < eq && (s == 0 || matches!(b[s - 1], b' ' | b'\t' | b',' | b';' | b':')) {
            keys.push((s, eq));
        }
    }
    let mut r = ReportRef { line, ..ReportRef::default() };
    for (i, &(s, eq)) in keys.iter().enumerate() {
        let end = keys.get(i + 1).map_or(text.len(), |k| k.0);
        let v = text[eq + 1..end].trim().trim_end_matches([',', ';']);
        r.set(&text[s..eq], v);
    }
    finish(r)
}
