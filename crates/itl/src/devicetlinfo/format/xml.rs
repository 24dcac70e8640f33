//! The phone's alarm XML: `<x-cisco-alarm><Alarm Name="DeviceTLInfo"><ParameterList>
//! <String name="…">…</String>…`, read without copying when it has the phone's exact layout,
//! else by quick-xml.

use std::borrow::Cow;

use super::finish;
use crate::devicetlinfo::report::{EventRef, ReportRef};

/// The alarm: the fast path for the phone's own layout, quick-xml for anything else.
pub(super) fn parse(text: &str, line: usize) -> EventRef<'_> {
    fast_xml(text, line).unwrap_or_else(|| parse_xml(text, line))
}

/// The alarm, read by quick-xml (entities, any layout).
pub(super) fn parse_xml(text: &str, line: usize) -> EventRef<'static> {
    use quick_xml::events::Event as X;
    let mut rd = quick_xml::Reader::from_str(text);
    let mut r = ReportRef { line, ..ReportRef::default() };
    let mut is_tlinfo = false;
    let mut param: Option<String> = None;
    let mut value = String::new();
    loop {
        match rd.read_event() {
            Ok(X::Start(e)) | Ok(X::Empty(e)) if e.name().as_ref() == b"Alarm" => {
                is_tlinfo =
                    e.try_get_attribute("Name").ok().flatten().is_some_and(|a| a.value.as_ref() == b"DeviceTLInfo");
            }
            Ok(X::Start(e)) if matches!(e.name().as_ref(), b"String" | b"Enum") => {
                param = e
                    .try_get_attribute("name")
                    .ok()
                    .flatten()
                    .and_then(|a| std::str::from_utf8(&a.value).ok().map(str::to_owned));
                value.clear();
            }
            Ok(X::Text(t)) if param.is_some() => match t.decode() {
                Ok(v) => value.push_str(&v),
                Err(_) => return EventRef::NotUnderstood { line, why: "malformed alarm XML" },
            },
            Ok(X::GeneralRef(g)) if param.is_some() => match g.resolve_char_ref() {
                Ok(Some(c)) => value.push(c),
                _ => match g.as_ref() {
                    b"amp" => value.push('&'),
                    b"lt" => value.push('<'),
                    b"gt" => value.push('>'),
                    b"quot" => value.push('"'),
                    b"apos" => value.push('\''),
                    _ => return EventRef::NotUnderstood { line, why: "malformed alarm XML" },
                },
            },
            Ok(X::End(e)) if matches!(e.name().as_ref(), b"String" | b"Enum") => {
                if let Some(p) = param.take() {
                    r.set_cow(&p, Cow::Owned(value.clone()));
                }
            }
            Ok(X::Eof) => break,
            Err(_) => return EventRef::NotUnderstood { line, why: "malformed alarm XML" },
            Ok(_) => {}
        }
    }
    if !is_tlinfo {
        return EventRef::NotUnderstood { line, why: "an alarm that is not DeviceTLInfo" };
    }
    finish(r)
}

/// The alarm in the exact layout phones send (`<x-cisco-alarm>`, `<Alarm Name="…">`,
/// `<ParameterList>`, `<String|Enum name="…">text</…>`, whitespace between, no entity),
/// read without copying; `None` for anything else, which [`parse_xml`] reads. On what it
/// accepts both give the same event.
fn fast_xml(s: &str, line: usize) -> Option<EventRef<'_>> {
    let b = s.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while b.get(*i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n')) {
            *i += 1;
        }
    };
    let lit = |i: &mut usize, l: &[u8]| -> bool {
        let ok = b[*i..].starts_with(l);
        if ok {
            *i += l.len();
        }
        ok
    };
    // An attribute value up to `"`, with none of `<>&`; then `">`.
    let attr = |i: &mut usize| -> Option<&str> {
        let q = *i + memchr::memchr(b'"', &b[*i..])?;
        let v = &s[*i..q];
        if v.bytes().any(|c| matches!(c, b'<' | b'>' | b'&')) || !b[q..].starts_with(b"\">") {
            return None;
        }
        *i = q + 2;
        Some(v)
    };
    if !lit(&mut i, b"<x-cisco-alarm>") {
        return None;
    }
    ws(&mut i);
    if !lit(&mut i, b"<Alarm Name=\"") {
        return None;
    }
    let name = attr(&mut i)?;
    ws(&mut i);
    if !lit(&mut i, b"<ParameterList>") {
        return None;
    }
    let mut r = ReportRef { line, ..ReportRef::default() };
    loop {
        ws(&mut i);
        if lit(&mut i, b"</ParameterList>") {
            break;
        }
        let close: &[u8] = if lit(&mut i, b"<String name=\"") {
            b"</String>"
        } else if lit(&mut i, b"<Enum name=\"") {
            b"</Enum>"
        } else {
            return None;
        };
        let param = attr(&mut i)?;
        let t = i + memchr::memchr3(b'<', b'&', b']', &b[i..])?;
        if b[t] != b'<' {
            return None;
        }
        let value = &s[i..t];
        i = t;
        if !lit(&mut i, close) {
            return None;
        }
        r.set(param, value);
    }
    ws(&mut i);
    if !lit(&mut i, b"</Alarm>") {
        return None;
    }
    ws(&mut i);
    if !lit(&mut i, b"</x-cisco-alarm>") || i != b.len() {
        return None;
    }
    if name != "DeviceTLInfo" {
        return Some(EventRef::NotUnderstood { line, why: "an alarm that is not DeviceTLInfo" });
    }
    Some(finish(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALARM_TEXT: &str = "<x-cisco-alarm>\n<Alarm Name=\"DeviceTLInfo\">\n<ParameterList>\n\
<String name=\"DeviceName\">SEPC80084AA8743</String>\n<String name=\"IPv6Address\"></String>\n\
<String name=\"ITL_Signature\">1B A1 C9 07 </String>\n<Enum name=\"StatusCode\">3</Enum>\n\
</ParameterList>\n</Alarm>\n</x-cisco-alarm>";

    #[test]
    fn the_fast_xml_path_agrees_with_quick_xml() {
        // quick-xml is the reference: the fast path accepts the layout and gives its event.
        let fast = fast_xml(ALARM_TEXT, 7).expect("the phone's layout is taken by the fast path");
        assert_eq!(fast.into_static(), parse_xml(ALARM_TEXT, 7));
        let other = ALARM_TEXT.replace("DeviceTLInfo", "Other");
        assert_eq!(fast_xml(&other, 1).map(EventRef::into_static), Some(parse_xml(&other, 1)));
        let no_name = ALARM_TEXT.replace("SEPC80084AA8743", "  ");
        assert_eq!(fast_xml(&no_name, 1).map(EventRef::into_static), Some(parse_xml(&no_name, 1)));
        // Entities, comments, other attributes, mismatched tags: left to quick-xml.
        for odd in [
            ALARM_TEXT.replace("SEPC8", "&#83;EPC8"),
            ALARM_TEXT.replace("<ParameterList>", "<!-- x --><ParameterList>"),
            ALARM_TEXT.replace("<Alarm Name", "<Alarm Severity=\"6\" Name"),
            ALARM_TEXT.replace("</Enum>", "</String>"),
            ALARM_TEXT.replace("</Alarm>", ""),
        ] {
            assert_eq!(fast_xml(&odd, 1), None, "{odd}");
        }
    }
}
