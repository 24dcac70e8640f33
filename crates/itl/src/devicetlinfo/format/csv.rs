//! CSV with a header row naming `DeviceName` and `ITL_Signature` (quotes per RFC 4180,
//! csv-core): the header gives the columns, each row after it one report.

use std::borrow::Cow;

use super::finish;
use crate::devicetlinfo::report::{EventRef, Param, ReportRef};

/// Splits one CSV line into fields (quotes per RFC 4180), reusing `rdr`'s tables.
fn csv_fields(rdr: &mut csv_core::Reader, text: &str) -> Option<Vec<String>> {
    use csv_core::ReadRecordResult as R;
    rdr.reset();
    let mut out = vec![0u8; text.len() + 1];
    let mut ends = vec![0usize; text.len() + 1];
    let mut input = text.as_bytes();
    let (mut nout, mut nend) = (0, 0);
    loop {
        let (res, i, o, e) = rdr.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[i..];
        nout += o;
        nend += e;
        match res {
            R::InputEmpty if input.is_empty() => {
                // Tell the reader the line has ended.
                let (res, _, o, e) = rdr.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                nout += o;
                nend += e;
                if !matches!(res, R::Record) {
                    return None;
                }
                break;
            }
            R::InputEmpty => continue,
            R::Record => break,
            R::End | R::OutputFull | R::OutputEndsFull => return None,
        }
    }
    let mut fields = Vec::with_capacity(nend);
    let mut start = 0;
    for &end in &ends[..nend] {
        fields.push(String::from_utf8_lossy(&out[start..end.min(nout)]).into_owned());
        start = end;
    }
    Some(fields)
}

/// One row of the table whose columns are `header`.
pub(super) fn parse_row<'t>(
    rdr: &mut csv_core::Reader,
    header: &[Option<Param>],
    text: &'t str,
    line: usize,
) -> EventRef<'t> {
    const WRONG_COUNT: &str = "CSV row with the wrong number of fields";
    let mut r = ReportRef { line, ..ReportRef::default() };
    if memchr::memchr2(b'"', b'\r', text.as_bytes()).is_none() {
        // No quote and no CR: the fields are the text between commas, as csv_core gives them.
        let mut columns = header.iter();
        let mut from = 0;
        for end in memchr::memchr_iter(b',', text.as_bytes()).chain([text.len()]) {
            let Some(column) = columns.next() else { return EventRef::NotUnderstood { line, why: WRONG_COUNT } };
            if let Some(p) = *column {
                r.set_param(p, Cow::Borrowed(&text[from..end]));
            }
            from = end + 1;
        }
        if columns.next().is_some() {
            return EventRef::NotUnderstood { line, why: WRONG_COUNT };
        }
        return finish(r);
    }
    let Some(rec) = csv_fields(rdr, text) else {
        return EventRef::NotUnderstood { line, why: "malformed CSV row" };
    };
    if rec.len() != header.len() {
        return EventRef::NotUnderstood { line, why: WRONG_COUNT };
    }
    for (column, v) in header.iter().zip(rec) {
        if let Some(p) = *column {
            r.set_param(p, Cow::Owned(v));
        }
    }
    finish(r)
}

/// The columns of a header line (`None`: a column that is no parameter), when `text` is one.
pub(super) fn header(rdr: &mut csv_core::Reader, text: &str) -> Option<Vec<Option<Param>>> {
    if text.contains('=') || !text.contains(',') || !text.contains("DeviceName") || !text.contains("ITL_Signature") {
        return None;
    }
    Some(csv_fields(rdr, text)?.iter().map(|f| Param::of(f)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devicetlinfo::report::Report;

    #[test]
    fn csv_fields_follow_rfc_4180() {
        let mut r = csv_core::Reader::new();
        assert_eq!(csv_fields(&mut r, "a,\"b,c\",d").unwrap(), ["a", "b,c", "d"]);
        assert_eq!(csv_fields(&mut r, "\"x\"\"y\",").unwrap(), ["x\"y", ""]);
        assert_eq!(csv_fields(&mut r, "one").unwrap(), ["one"]);
    }

    #[test]
    fn unquoted_rows_split_as_csv_core_splits_them() {
        // csv_core is the reference for the fast split.
        let mut r = csv_core::Reader::new();
        let names = ["DeviceName", "IPv4Address", "Other", "ITL_TFTP_Server"];
        for row in ["a,b,c", ",,", "a,", ",a", " x , y ,z", "SEP1,10.0.0.1,Not Installed,pub"] {
            let fields = csv_fields(&mut r, row).unwrap();
            let header: Vec<Option<Param>> = names[..fields.len()].iter().map(|n| Param::of(n)).collect();
            let mut want = Report { line: 1, ..Report::default() };
            for (n, v) in names.iter().zip(&fields) {
                want.set(n, v);
            }
            let got = match parse_row(&mut r, &header, row, 1) {
                EventRef::Report(got) => got.into_owned(),
                EventRef::MissingDeviceName { .. } => Report { line: 1, ..Report::default() },
                other => panic!("{row}: {other:?}"),
            };
            if want.device_name.as_deref().is_some_and(|d| !d.is_empty()) {
                assert_eq!(got, want, "{row}");
            }
            let short = &header[..header.len() - 1];
            assert!(matches!(parse_row(&mut r, short, row, 1), EventRef::NotUnderstood { .. }), "{row}");
        }
    }
}
